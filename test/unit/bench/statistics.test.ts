import { describe, expect, it } from "vitest";
import {
  bootstrapMedianRatio,
  coefficientOfVariation,
  mean,
  median,
  percentile,
  seededRandom,
  standardNormal,
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

describe("bootstrap interval of the ratio of medians", () => {
  const options = { resamples: 4000, seed: 3, confidence: 0.95 };

  it("collapses to the exact ratio when neither side varies", () => {
    expect(bootstrapMedianRatio([10, 10, 10], [12, 12, 12, 12], options)).toEqual({ low: 1.2, high: 1.2 });
  });

  it("matches the resampling distribution worked out by hand", () => {
    // Candidate [1, 3] resamples to median 1, 2 or 3 with probabilities 1/4, 1/2, 1/4; the baseline is 1.
    expect(bootstrapMedianRatio([1], [1, 3], options)).toEqual({ low: 1, high: 3 });
  });

  it("is deterministic given the seed, and the seed matters", () => {
    const random = seededRandom(11);
    const a = Array.from({ length: 25 }, () => 100 + 10 * standardNormal(random));
    const b = Array.from({ length: 25 }, () => 110 + 10 * standardNormal(random));
    const first = bootstrapMedianRatio(a, b, options);
    expect(bootstrapMedianRatio(a, b, options)).toEqual(first);
    expect(bootstrapMedianRatio(a, b, { ...options, seed: 4 })).not.toEqual(first);
  });

  it("covers a known true ratio under log-normal noise", () => {
    const random = seededRandom(5);
    const sigma = 0.1;
    const base = Array.from({ length: 60 }, () => 50 * Math.exp(sigma * standardNormal(random)));
    const cand = Array.from({ length: 60 }, () => 60 * Math.exp(sigma * standardNormal(random)));
    const interval = bootstrapMedianRatio(base, cand, options);
    expect(interval.low).toBeLessThan(1.2);
    expect(interval.high).toBeGreaterThan(1.2);
    expect(interval.low).toBeGreaterThan(1.1);
    expect(interval.high).toBeLessThan(1.3);
  });

  it("refuses a resample count that is not a positive integer", () => {
    expect(() => bootstrapMedianRatio([1], [1], { ...options, resamples: 0 })).toThrow(/positive integer/);
  });
});
