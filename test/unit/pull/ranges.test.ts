import { describe, expect, it } from "vitest";
import { addRange, contiguousPrefix, missingRanges, splitRanges } from "../../../src/pull/ranges.js";

describe("byte ranges", () => {
  it("merges, finds gaps and the contiguous prefix", () => {
    let done = addRange([], [10, 20]);
    done = addRange(done, [30, 40]);
    expect(contiguousPrefix(done)).toBe(0);
    done = addRange(done, [0, 10]);
    expect(done).toEqual([
      [0, 20],
      [30, 40],
    ]);
    expect(contiguousPrefix(done)).toBe(20);
    expect(missingRanges(done, 50)).toEqual([
      [20, 30],
      [40, 50],
    ]);
    expect(splitRanges(missingRanges(done, 50), 4)).toEqual([
      [20, 24],
      [24, 28],
      [28, 30],
      [40, 44],
      [44, 48],
      [48, 50],
    ]);
  });
});
