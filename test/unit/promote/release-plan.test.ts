import { describe, expect, it } from "vitest";
import type { Digest } from "../../../src/core/digest.js";
import { PromoteUsageError } from "../../../src/promote/errors.js";
import { channelTags, idleColour } from "../../../src/promote/release.js";

const a = `sha256:${"a".repeat(64)}` as Digest;
const b = `sha256:${"b".repeat(64)}` as Digest;
const c = `sha256:${"c".repeat(64)}` as Digest;

describe("blue/green channel", () => {
  it("names the colour tags and the live tag, refusing names that cannot be tags or are reserved", () => {
    expect(channelTags("prod")).toEqual({ live: "prod", blue: "prod-blue", green: "prod-green" });
    expect(() => channelTags("has space")).toThrow(PromoteUsageError);
    expect(() => channelTags("cortex-history-x")).toThrow(/reserved for history entries/);
    expect(() => channelTags("cortex-lock-x")).toThrow(/reserved for release locks/);
    expect(() => channelTags("x".repeat(124))).toThrow(PromoteUsageError);
  });

  it("releases to the colour the live tag is not on", () => {
    expect(idleColour(a, { blue: a, green: b })).toEqual({ idle: "green", active: "blue" });
    expect(idleColour(b, { blue: a, green: b })).toEqual({ idle: "blue", active: "green" });
  });

  it("without an active colour, fills an empty one first, else blue", () => {
    expect(idleColour(undefined, { blue: undefined, green: undefined })).toEqual({ idle: "blue", active: null });
    expect(idleColour(undefined, { blue: a, green: undefined })).toEqual({ idle: "green", active: null });
    expect(idleColour(c, { blue: a, green: b })).toEqual({ idle: "blue", active: null });
  });
});
