import { describe, expect, it } from "vitest";
import {
  classify,
  compareMetric,
  defaultComparisonSettings,
  gateExitCode,
  overallVerdict,
  parseThreshold,
  thresholdFor,
} from "../../../src/bench/verdict.js";

describe("classify", () => {
  it("declares a latency regression only when the whole interval lies above 1 + threshold", () => {
    expect(classify({ low: 1.06, high: 1.2 }, "lower-is-better", 5)).toBe("regression");
    expect(classify({ low: 1.04, high: 1.2 }, "lower-is-better", 5)).toBe("inconclusive");
    expect(classify({ low: 0.97, high: 1.04 }, "lower-is-better", 5)).toBe("pass");
    expect(classify({ low: 0.8, high: 0.94 }, "lower-is-better", 5)).toBe("improvement");
    // Not worse than the threshold is all a gate needs: the interval need not also lie inside the band.
    expect(classify({ low: 0.8, high: 0.96 }, "lower-is-better", 5)).toBe("pass");
    expect(classify({ low: 0.9, high: 1.06 }, "lower-is-better", 5)).toBe("inconclusive");
  });

  it("mirrors the direction for rates, where lower is worse", () => {
    expect(classify({ low: 0.8, high: 0.94 }, "higher-is-better", 5)).toBe("regression");
    expect(classify({ low: 1.06, high: 1.2 }, "higher-is-better", 5)).toBe("improvement");
    expect(classify({ low: 0.96, high: 1.05 }, "higher-is-better", 5)).toBe("pass");
  });
});

describe("compareMetric", () => {
  const settings = defaultComparisonSettings;

  it("flags a clear TTFT slowdown and reports the ratio of trimmed geometric means", () => {
    const c = compareMetric("ttft", [100, 101, 99, 100, 102], [130, 131, 129, 130, 128], settings);
    // Trimmed to the middle three of each: geometric means of 100, 100, 101 and 129, 130, 130.
    expect(c.ratio).toBeCloseTo(Math.cbrt((129 * 130 * 130) / (100 * 100 * 101)), 12);
    expect(c.baselineMedian).toBe(100);
    expect(c.verdict).toBe("regression");
    expect(c.interval?.low).toBeGreaterThan(1.05);
    expect(c.hint).toBeUndefined();
  });

  it("calls lower output tok/s a regression", () => {
    expect(compareMetric("output_tps", [50, 51, 49, 50], [40, 41, 39, 40], settings).verdict).toBe("regression");
  });

  it("applies per-metric threshold overrides", () => {
    const samples: [number[], number[]] = [
      [100, 100, 100],
      [108, 108, 108],
    ];
    expect(compareMetric("e2e", ...samples, settings).verdict).toBe("regression");
    expect(compareMetric("e2e", ...samples, { ...settings, thresholdsPct: { e2e: 10 } }).verdict).toBe("pass");
  });

  it("is inconclusive with a hint naming more repetitions when noise straddles the threshold", () => {
    const c = compareMetric("tpot", [80, 120, 100, 90, 110], [85, 125, 105, 95, 115], settings);
    expect(c.verdict).toBe("inconclusive");
    expect(c.hint).toMatch(/add repetitions \(runs\); about \d+ samples per side/);
  });

  it("widens the interval at an early look and narrows it at the last one", () => {
    const base = [100, 104, 97, 101, 99, 103, 98, 100];
    const cand = [101, 105, 98, 102, 100, 104, 99, 101];
    const early = compareMetric("ttft", base, cand, settings, { regression: 4.9, acceptance: 2.4 });
    const last = compareMetric("ttft", base, cand, settings, { regression: 2.0, acceptance: 2.4 });
    expect(early.interval?.low).toBeLessThan(last.interval?.low as number);
    expect(early.interval?.high).toBeCloseTo(last.interval?.high as number, 12);
    expect(last).toMatchObject({ verdict: "pass", withinBand: true });
  });

  it("calls a metric with samples of 0 too coarse instead of forming NaN ratios (CPU ticks of short runs)", () => {
    const c = compareMetric("cpu", [0, 0, 0, 0.01, 0.01, 0.01, 0.01], [0, 0.01, 0.01, 0.01, 0, 0.01, 0], settings);
    expect(c.verdict).toBe("inconclusive");
    expect(c.interval).toBeUndefined();
    expect(c.hint).toMatch(/some samples are 0, so the metric is too coarse/);
    const zeroBaseline = compareMetric("cpu", [0, 0, 0], [0.01, 0.01, 0.01], settings);
    expect(zeroBaseline.ratio).toBeUndefined();
    expect(c.hint).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it("does not pretend to know from fewer than three samples", () => {
    const c = compareMetric("cold_load", [1000], [3000], settings);
    expect(c.verdict).toBe("inconclusive");
    expect(c.interval).toBeUndefined();
    expect(c.hint).toMatch(/only 1 sample/);
  });
});

describe("thresholds and the overall verdict", () => {
  it("parses METRIC=PCT and rejects unknown metrics or silly percentages", () => {
    expect(parseThreshold("ttft=10")).toEqual(["ttft", 10]);
    expect(parseThreshold("peak_rss=2.5%")).toEqual(["peak_rss", 2.5]);
    // A metric whose name has a digit in it.
    expect(parseThreshold("e2e=20")).toEqual(["e2e", 20]);
    expect(() => parseThreshold("latency=5")).toThrow(/known metric/);
    expect(() => parseThreshold("ttft=0")).toThrow(/between 0 and 100/);
  });

  it("uses the catalogue default unless overridden", () => {
    expect(thresholdFor("ttft", {})).toBe(5);
    expect(thresholdFor("peak_rss", {})).toBe(10);
    expect(thresholdFor("ttft", { ttft: 20 })).toBe(20);
  });

  it("lets any regression decide, then inconclusive, then improvement", () => {
    expect(overallVerdict(["pass", "improvement", "regression", "inconclusive"])).toBe("regression");
    expect(overallVerdict(["pass", "improvement", "inconclusive"])).toBe("inconclusive");
    expect(overallVerdict(["pass", "improvement"])).toBe("improvement");
    expect(overallVerdict([])).toBe("pass");
  });

  it("fails the gate on regression unless told to warn only", () => {
    expect(gateExitCode("regression", false)).toBe(1);
    expect(gateExitCode("regression", true)).toBe(0);
    expect(gateExitCode("inconclusive", false)).toBe(0);
  });
});
