import { describe, expect, it } from "vitest";
import type { Digest } from "../../../src/core/digest.js";
import { type DemoFacts, storyHeld } from "../../../src/demo/demo.js";
import { Story, shortDigest, shortenDigests } from "../../../src/demo/story.js";

const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const [v1, v2, rc1] = [digest("1"), digest("2"), digest("3")];

const facts: DemoFacts = {
  registry: "oci:/tmp/registry",
  digests: { stable: v1, good: v2, regressed: rc1 },
  good: { compatPassed: true, benchVerdict: "inconclusive", benchPassed: true, promoted: true },
  regressed: { compatPassed: false, benchVerdict: "pass", refused: true, refusal: "compat failing" },
  revert: { from: v2, to: v1 },
  stableAfter: v1,
  history: [],
  files: [],
};

describe("demo story", () => {
  it("shortens every full digest in a line, and only full digests", () => {
    expect(shortDigest(v1)).toBe("sha256:111111111111");
    expect(shortenDigests(`${v1} -> ${v2} (sha256:abc)`)).toBe(
      "sha256:111111111111 -> sha256:222222222222 (sha256:abc)",
    );
    const lines: string[] = [];
    const story = new Story((line) => lines.push(line));
    story.step("promote", `stable: ${v1} -> ${v2}`);
    expect(lines).toEqual(["promote   stable: sha256:111111111111 -> sha256:222222222222"]);
    expect(story.lines).toEqual(lines);
  });

  it("holds only when v2 is promoted, v2-rc1 refused and the revert restores v1", () => {
    expect(storyHeld(facts)).toBe(true);
    expect(storyHeld({ ...facts, good: { ...facts.good, benchPassed: false } })).toBe(false);
    expect(storyHeld({ ...facts, regressed: { ...facts.regressed, refused: false } })).toBe(false);
    expect(storyHeld({ ...facts, regressed: { ...facts.regressed, compatPassed: true } })).toBe(false);
    expect(storyHeld({ ...facts, revert: { from: rc1, to: v1 } })).toBe(false);
    expect(storyHeld({ ...facts, stableAfter: v2 })).toBe(false);
  });
});
