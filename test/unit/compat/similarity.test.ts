import { describe, expect, it } from "vitest";
import { normalisedSimilarity } from "../../../src/compat/similarity.js";

describe("normalisedSimilarity", () => {
  it("is 1 for texts equal after normalisation, including two empty texts", () => {
    expect(normalisedSimilarity("a  b\n", " a b")).toBe(1);
    expect(normalisedSimilarity("", "")).toBe(1);
    expect(normalisedSimilarity("caf\u00e9", "cafe\u0301")).toBe(1);
  });

  it("is 1 - edit distance / longer length, counted in code points", () => {
    expect(normalisedSimilarity("kitten", "sitting")).toBeCloseTo(1 - 3 / 7);
    expect(normalisedSimilarity("😀a", "😀b")).toBe(0.5);
    expect(normalisedSimilarity("abc", "")).toBe(0);
  });
});
