import { describe, expect, it } from "vitest";
import { isValidTag } from "../../../src/core/ref.js";
import {
  HISTORY_TAG_PREFIX,
  historyKey,
  historyTagsFor,
  newHistoryTag,
  parseHistoryTag,
  sortableTime,
} from "../../../src/promote/history-tag.js";

const T = new Date("2026-11-28T02:35:37.123Z");

describe("history entry tags", () => {
  it("spell tag, sortable time and a random part, and parse back", () => {
    const name = newHistoryTag("v1.4-rc", T, "0a1b2c3d");
    expect(name).toBe(`${HISTORY_TAG_PREFIX}-v1.4-rc-20261128T023537123Z-0a1b2c3d`);
    expect(parseHistoryTag(name)).toEqual({ name, key: "v1.4-rc", time: "20261128T023537123Z", random: "0a1b2c3d" });
    expect(sortableTime(new Date("2026-01-02T03:04:05.006Z"))).toBe("20260102T030405006Z");
  });

  it("stay valid tags of at most 128 characters for the longest tags, distinct per tag", () => {
    const long = `a${"b".repeat(127)}`;
    const other = `a${"b".repeat(126)}c`;
    const name = newHistoryTag(long, T);
    expect(name.length).toBeLessThanOrEqual(128);
    expect(isValidTag(name)).toBe(true);
    expect(historyKey(long)).not.toBe(historyKey(other));
    expect(parseHistoryTag(name)?.key).toBe(historyKey(long));
    expect(historyKey("stable")).toBe("stable");
  });

  it("select one tag's entries, newest first, time then random part", () => {
    const tags = [
      newHistoryTag("v1", new Date("2026-11-28T01:00:00.000Z"), "00000001"),
      newHistoryTag("v1", new Date("2026-11-28T03:00:00.000Z"), "00000001"),
      newHistoryTag("v1", new Date("2026-11-28T03:00:00.000Z"), "ffffffff"),
      newHistoryTag("v1-rc", new Date("2026-11-28T04:00:00.000Z"), "00000001"),
      newHistoryTag("v", new Date("2026-11-28T04:00:00.000Z"), "00000001"),
      "v1",
      "sha256-abc",
    ];
    expect(historyTagsFor("v1", tags).map((t) => t.name)).toEqual([tags[2], tags[1], tags[0]]);
    expect(historyTagsFor("v1-rc", tags).map((t) => t.name)).toEqual([tags[3]]);
  });
});
