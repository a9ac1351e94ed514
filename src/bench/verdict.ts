/**
 * Verdicts from the bootstrap interval of the candidate/baseline ratio. A regression is declared only when
 * the whole interval lies beyond the threshold, so noise alone cannot fail a pull request; an interval
 * that crosses the threshold says "cannot tell yet", never "pass".
 */
import { UsageError } from "../core/errors.js";
import { type Direction, isMetricName, type MetricName, metricCatalog } from "./metric-catalog.js";
import { bootstrapMedianRatio, type Interval, median } from "./statistics.js";

export type Verdict = "pass" | "regression" | "improvement" | "inconclusive";

export type Thresholds = Readonly<Partial<Record<MetricName, number>>>;

export interface ComparisonSettings {
  readonly thresholdsPct: Thresholds;
  readonly resamples: number;
  readonly seed: number;
  readonly confidence: number;
}

export const defaultComparisonSettings: ComparisonSettings = {
  thresholdsPct: {},
  resamples: 2000,
  seed: 1,
  confidence: 0.95,
};

/** Fewer samples than this per side make a bootstrap interval meaningless. */
const minimumSamples = 3;

/** Whether two sides have samples enough for an interval, hence for a verdict that means something. */
export function enoughSamples(baseline: readonly number[], candidate: readonly number[]): boolean {
  return Math.min(baseline.length, candidate.length) >= minimumSamples;
}

export interface MetricComparison {
  readonly metric: MetricName;
  readonly baselineMedian: number;
  readonly candidateMedian: number;
  /** median(candidate) / median(baseline). */
  readonly ratio: number;
  readonly interval?: Interval;
  readonly thresholdPct: number;
  readonly verdict: Verdict;
  /** Why an inconclusive verdict is inconclusive, and what would settle it. */
  readonly hint?: string;
}

export function thresholdFor(metric: MetricName, thresholds: Thresholds): number {
  return thresholds[metric] ?? metricCatalog[metric].defaultThresholdPct;
}

/**
 * Reads "ttft=10" style overrides. The percentage is the accepted change in the worse direction, so it
 * must be positive.
 */
export function parseThreshold(text: string): [MetricName, number] {
  const match = /^([a-z_]+)=(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  const name = match?.[1];
  if (!match || name === undefined || !isMetricName(name)) {
    throw new UsageError(`threshold "${text}" is not METRIC=PERCENT with a known metric (e.g. ttft=10)`);
  }
  const pct = Number(match[2]);
  if (!(pct > 0 && pct < 100)) throw new UsageError(`threshold for ${name} must be between 0 and 100 percent`);
  return [name, pct];
}

/**
 * Classifies an interval of candidate/baseline ratios. "Worse by more than t" is ratio > 1 + t for
 * lower-is-better metrics and ratio < 1 - t for higher-is-better ones; improvement mirrors it.
 */
export function classify(interval: Interval, direction: Direction, thresholdPct: number): Verdict {
  const t = thresholdPct / 100;
  const above = interval.low > 1 + t;
  const below = interval.high < 1 - t;
  if (above) return direction === "lower-is-better" ? "regression" : "improvement";
  if (below) return direction === "lower-is-better" ? "improvement" : "regression";
  if (interval.low >= 1 - t && interval.high <= 1 + t) return "pass";
  return "inconclusive";
}

/**
 * The interval's width shrinks about as 1/sqrt(n); this estimates the repetitions that would fit it
 * inside the threshold band, for the hint of an inconclusive verdict.
 */
function repetitionsHint(interval: Interval, samples: number, thresholdPct: number): string {
  const halfWidth = (interval.high - interval.low) / 2;
  const allowed = thresholdPct / 100;
  const needed = Math.ceil(samples * (halfWidth / allowed) ** 2);
  return `the 95% interval crosses the ±${thresholdPct}% band: add repetitions (runs), about ${Math.max(needed, samples + 1)} samples per side would narrow it enough if the noise stays as it is`;
}

export function compareMetric(
  metric: MetricName,
  baseline: readonly number[],
  candidate: readonly number[],
  settings: ComparisonSettings,
): MetricComparison {
  const thresholdPct = thresholdFor(metric, settings.thresholdsPct);
  const baselineMedian = median(baseline);
  const candidateMedian = median(candidate);
  const ratio = candidateMedian / baselineMedian;
  const common = { metric, baselineMedian, candidateMedian, ratio, thresholdPct };
  const fewest = Math.min(baseline.length, candidate.length);
  if (!enoughSamples(baseline, candidate)) {
    return {
      ...common,
      verdict: "inconclusive",
      hint: `only ${fewest} sample(s) on one side; at least ${minimumSamples} are needed for an interval`,
    };
  }
  if (!(baselineMedian > 0)) {
    return { ...common, verdict: "inconclusive", hint: "the baseline median is zero, so no ratio can be formed" };
  }
  const interval = bootstrapMedianRatio(baseline, candidate, settings);
  if (!(Number.isFinite(interval.low) && Number.isFinite(interval.high))) {
    // Resampled baseline medians of zero (0/0 or x/0): the metric is coarser than its spread, as CPU time in
    // 10 ms ticks over short runs is. An open interval bounds nothing, and JSON cannot even store it.
    return {
      ...common,
      verdict: "inconclusive",
      hint: `the 95% interval is open: some resampled baseline medians are 0, so the metric is too coarse at this run length; longer runs (more tokens or prompts per run) would settle it, more runs alone may not`,
    };
  }
  const verdict = classify(interval, metricCatalog[metric].direction, thresholdPct);
  return {
    ...common,
    interval,
    verdict,
    ...(verdict === "inconclusive" ? { hint: repetitionsHint(interval, fewest, thresholdPct) } : {}),
  };
}

/** Any regression decides; then inconclusive (someone should look); then improvement; else pass. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  for (const worst of ["regression", "inconclusive", "improvement"] as const) {
    if (verdicts.includes(worst)) return worst;
  }
  return "pass";
}

/** Exit code of a gate: 1 only for a regression that is not downgraded to a warning. */
export function gateExitCode(verdict: Verdict, warnOnly: boolean): 0 | 1 {
  return verdict === "regression" && !warnOnly ? 1 : 0;
}
