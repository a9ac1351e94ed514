import { describe, expect, it } from "vitest";
import { type Digest, sha256Digest } from "../../../src/core/digest.js";
import { MediaType } from "../../../src/core/media-types.js";
import { RevertRefusedError } from "../../../src/promote/errors.js";
import type { MoveEntry } from "../../../src/promote/history-entry.js";
import { chooseRevertDigest } from "../../../src/promote/revert.js";

const [A, B, C, D] = ["a", "b", "c", "d"].map((s) => sha256Digest(s)) as [Digest, Digest, Digest, Digest];
let n = 0;
function move(digest: Digest, previous?: Digest): MoveEntry {
  const base = { action: "promote", id: `e${n++}`, tag: "stable", time: "t", digest } as const;
  return {
    ...base,
    descriptor: { mediaType: MediaType.ociManifest, digest, size: 1 },
    ...(previous ? { previous } : {}),
  };
}

describe("choosing the digest to revert to", () => {
  // Newest first: D was promoted over C, which was promoted twice over B; B replaced A (which predates history).
  const history = [move(D, C), move(C, C), move(C, B), move(B, A)];

  it("counts changes of digest, not entries, from the current entry", () => {
    expect(chooseRevertDigest("stable", history, D, { steps: 1 })).toBe(C);
    expect(chooseRevertDigest("stable", history, D, { steps: 2 })).toBe(B);
    expect(chooseRevertDigest("stable", history, D, { steps: 3 })).toBe(A);
    expect(() => chooseRevertDigest("stable", history, D, { steps: 4 })).toThrow(/only 3 earlier digests/);
  });

  it("starts where the tag really is when the newest entry lost a race", () => {
    expect(chooseRevertDigest("stable", history, C, { steps: 1 })).toBe(B);
  });

  it("accepts a digest from the history, including the one before the first entry", () => {
    expect(chooseRevertDigest("stable", history, D, { digest: A })).toBe(A);
    expect(() => chooseRevertDigest("stable", history, D, { digest: sha256Digest("x") })).toThrow(
      /is not in the history of stable/,
    );
  });

  it("refuses without history and with a step count below one", () => {
    expect(() => chooseRevertDigest("stable", [], D, { steps: 1 })).toThrow(RevertRefusedError);
    expect(() => chooseRevertDigest("stable", [], D, { steps: 1 })).toThrow(/has no history/);
    expect(() => chooseRevertDigest("stable", history, D, { steps: 0 })).toThrow(/at least 1/);
  });
});
