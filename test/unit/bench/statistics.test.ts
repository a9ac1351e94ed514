import { describe, expect, it } from "vitest";
import {
  coefficientOfVariation,
  mean,
  median,
  pairedTrimmedLogRatio,
  percentile,
  seededRandom,
  standardNormal,
  trimmedLogRatio,
} from "../../../src/bench/statistics.js";

describe("summary statistics (hand-computed values)", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("interpolates percentiles linearly between closest ranks (type 7)", () => {
    // Position (4 - 1) * 0.9 = 2.7: 3 + 0.7 * (4 - 3).
    expect(percentile([4, 2, 1, 3], 0.9)).toBeCloseTo(3.7, 12);
    // Position 9 * 0.9 = 8.1 in 10..100: 90 + 0.1 * 10.
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBeCloseTo(91, 12);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 1)).toBe(3);
  });

  it("computes the mean and the sample coefficient of variation", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // Mean 5, sum of squares 32, sample sd sqrt(32 / 7).
    expect(coefficientOfVariation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    expect(coefficientOfVariation([3])).toBe(0);
  });

  it("rejects empty samples and ranks outside [0, 1]", () => {
    expect(() => median([])).toThrow(/empty sample/);
    expect(() => percentile([1], 1.5)).toThrow(/outside \[0, 1\]/);
  });
});

describe("seeded generator", () => {
  it("reproduces mulberry32's published sequence", () => {
    const random = seededRandom(1);
    expect(random()).toBe(0.6270739405881613);
    expect(random()).toBe(0.002735721180215478);
  });

  it("is uniform enough: mean near 1/2 and normal variates near N(0, 1)", () => {
    const random = seededRandom(7);
    const uniform = Array.from({ length: 20000 }, () => random());
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniform)).toBeLessThan(1);
    expect(mean(uniform)).toBeCloseTo(0.5, 2);
    const normal = Array.from({ length: 20000 }, () => standardNormal(random));
    expect(Math.abs(mean(normal))).toBeLessThan(0.03);
    expect(percentile(normal, 0.975)).toBeGreaterThan(1.9);
    expect(percentile(normal, 0.975)).toBeLessThan(2.02);
  });
});

describe("Yuen's trimmed contrast of log samples", () => {
  it("matches the trimmed means, winsorized variances and Welch degrees of freedom worked out by hand", () => {
    // Logs 0..4 and 1..5: n 5, g 1, h 3; trimmed means 2 and 3; winsorized [1,1,2,3,3] has squares 4,
    // so d = 4 / (3 * 2) per side; SE = sqrt(4/3); df = (4/3)^2 / (2 * (2/3)^2 / 2) = 4.
    const r = trimmedLogRatio([0, 1, 2, 3, 4].map(Math.exp), [1, 2, 3, 4, 5].map(Math.exp));
    expect(r.estimate).toBeCloseTo(1, 12);
    expect(r.standardError).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(r.degreesOfFreedom).toBeCloseTo(4, 12);
  });

  it("pairs interleaved runs: a burst that hits both runs of a pair cancels out", () => {
    // Logs of the differences: 0.1 five times; the shared factor of each pair differs wildly.
    const shared = [1, 3, 0.5, 2, 7];
    const base = shared.map((f) => 100 * f);
    const cand = shared.map((f) => 100 * f * Math.exp(0.1));
    const paired = pairedTrimmedLogRatio(base, cand);
    expect(paired.estimate).toBeCloseTo(0.1, 12);
    expect(paired.standardError).toBeCloseTo(0, 12);
    expect(trimmedLogRatio(base, cand).standardError).toBeGreaterThan(0.5);
    // Differences 0..4 in logs: n 5, g 1, h 3, winsorized squares 4, d = 4 / 6; df h - 1.
    const spread = pairedTrimmedLogRatio([1, 1, 1, 1, 1], [0, 1, 2, 3, 4].map(Math.exp));
    expect(spread).toMatchObject({ estimate: 2, degreesOfFreedom: 2 });
    expect(spread.standardError).toBeCloseTo(Math.sqrt(4 / 6), 12);
    expect(() => pairedTrimmedLogRatio([1, 2, 3], [1, 2, 3, 4])).toThrow(/equal sides/);
  });

  it("keeps one stray slow run from moving the estimate", () => {
    const base = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100];
    const cand = [...base.slice(0, 9), 5000];
    expect(Math.abs(trimmedLogRatio(base, cand).estimate)).toBeLessThan(0.01);
  });

  it("has no spread when neither side varies, and refuses samples it cannot take the log of", () => {
    const flat = trimmedLogRatio([10, 10, 10], [12, 12, 12, 12]);
    expect(flat.estimate).toBeCloseTo(Math.log(1.2), 12);
    expect(flat).toMatchObject({ standardError: 0, degreesOfFreedom: Number.POSITIVE_INFINITY });
    expect(() => trimmedLogRatio([1, 2], [1, 2, 3])).toThrow(/2 sample/);
    expect(() => trimmedLogRatio([0, 1, 2], [1, 2, 3])).toThrow(/not positive/);
  });
});
