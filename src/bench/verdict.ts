/**
 * Verdicts from an interval of the candidate/baseline ratio. A regression is declared only when the whole
 * interval lies beyond the threshold, so noise alone cannot fail a pull request; "pass" means the interval
 * shows the metric is not worse than the threshold; an interval that crosses the threshold says "cannot
 * tell yet", never "pass". Under sequential looks the interval's two ends use that look's boundaries.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { UsageError } from "../core/errors.js";
import { type Direction, isMetricName, type MetricName, metricCatalog } from "./metric-catalog.js";
import { studentized } from "./sequential.js";
import { type Interval, median, pairedTrimmedLogRatio, trimmedLogRatio } from "./statistics.js";

export type Verdict = "pass" | "regression" | "improvement" | "inconclusive";

export type Thresholds = Readonly<Partial<Record<MetricName, number>>>;

export interface ComparisonSettings {
  readonly thresholdsPct: Thresholds;
  /** Chance, over all looks, that a metric exactly at its threshold is called a regression (one-sided). */
  readonly regressionAlpha: number;
  /** Chance, over all looks, that a metric exactly at its threshold is called not worse (one-sided). */
  readonly acceptanceAlpha: number;
  /** Share of samples trimmed from each end before the means of the logs are taken. */
  readonly trim: number;
}

export const defaultComparisonSettings: ComparisonSettings = {
  thresholdsPct: {},
  regressionAlpha: 0.025,
  acceptanceAlpha: 0.05,
  trim: 0.2,
};

/** Standard-normal boundaries of one look: how far beyond the threshold the estimate must be, in SEs. */
export interface LookBoundaries {
  readonly regression: number;
  readonly acceptance: number;
}

/** A single look at all the data (load times, a fixed number of runs). */
export function singleLook(settings: ComparisonSettings): LookBoundaries {
  return {
    regression: -normalQuantile(settings.regressionAlpha, 0, 1),
    acceptance: -normalQuantile(settings.acceptanceAlpha, 0, 1),
  };
}

/** Fewer samples than this per side make an interval meaningless. */
const minimumSamples = 3;

/** Whether two sides have samples enough for an interval, hence for a verdict that means something. */
export function enoughSamples(baseline: readonly number[], candidate: readonly number[]): boolean {
  return Math.min(baseline.length, candidate.length) >= minimumSamples;
}

export interface MetricComparison {
  readonly metric: MetricName;
  readonly baselineMedian: number;
  readonly candidateMedian: number;
  /**
   * The candidate/baseline ratio the interval is about (of 20%-trimmed geometric means); without an
   * interval, the ratio of medians; absent when neither is a number.
   */
  readonly ratio?: number;
  readonly interval?: Interval;
  /** The interval comes from pairs of interleaved runs rather than from two independent samples. */
  readonly paired?: boolean;
  /** The interval also lies inside ±threshold: shown equivalent, not only not worse. */
  readonly withinBand?: boolean;
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
  const match = /^([a-z][a-z0-9_]*)=(\d+(?:\.\d+)?)%?$/.exec(text.trim());
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
 * lower-is-better metrics and ratio < 1 - t for higher-is-better ones. The interval's better end inside
 * the threshold is a pass ("not worse"); beyond 1 - t (or 1 + t) on the better side, an improvement.
 */
export function classify(interval: Interval, direction: Direction, thresholdPct: number): Verdict {
  const t = thresholdPct / 100;
  const lowerIsBetter = direction === "lower-is-better";
  const worst = lowerIsBetter ? interval.low : interval.high;
  const best = lowerIsBetter ? interval.high : interval.low;
  if (lowerIsBetter ? worst > 1 + t : worst < 1 - t) return "regression";
  if (lowerIsBetter ? best < 1 - t : best > 1 + t) return "improvement";
  if (lowerIsBetter ? best <= 1 + t : best >= 1 - t) return "pass";
  return "inconclusive";
}

/**
 * The standard error shrinks about as 1/sqrt(n); this estimates the samples per side that would bring the
 * interval's far end inside the threshold if the estimate stayed where it is, for an inconclusive hint.
 */
function repetitionsHint(
  estimate: number,
  standardError: number,
  z: number,
  samples: number,
  thresholdPct: number,
  direction: Direction,
): string {
  const margin = Math.log(direction === "lower-is-better" ? 1 + thresholdPct / 100 : 1 / (1 - thresholdPct / 100));
  const worse = direction === "lower-is-better" ? estimate : -estimate;
  const room = Math.abs(margin - worse);
  const needed = room > 0 ? Math.ceil(samples * ((z * standardError) / room) ** 2) : Number.POSITIVE_INFINITY;
  const more = Number.isFinite(needed)
    ? `about ${Math.max(needed, samples + 1)} samples per side would settle it if the noise stays as it is`
    : "the estimate sits on the threshold, so no number of runs may settle it";
  return `the interval crosses the ${thresholdPct}% threshold: add repetitions (runs); ${more}`;
}

export function compareMetric(
  metric: MetricName,
  baseline: readonly number[],
  candidate: readonly number[],
  settings: ComparisonSettings,
  look: LookBoundaries = singleLook(settings),
  /** Samples of interleaved runs, index by index; pairs are formed only when both sides have as many. */
  interleaved = false,
): MetricComparison {
  const thresholdPct = thresholdFor(metric, settings.thresholdsPct);
  const baselineMedian = median(baseline);
  const candidateMedian = median(candidate);
  const medianRatio = candidateMedian / baselineMedian;
  const common = {
    metric,
    baselineMedian,
    candidateMedian,
    ...(Number.isFinite(medianRatio) ? { ratio: medianRatio } : {}),
    thresholdPct,
  };
  const fewest = Math.min(baseline.length, candidate.length);
  if (!enoughSamples(baseline, candidate)) {
    return {
      ...common,
      verdict: "inconclusive",
      hint: `only ${fewest} sample(s) on one side; at least ${minimumSamples} are needed for an interval`,
    };
  }
  if ([...baseline, ...candidate].some((value) => !(value > 0))) {
    // CPU seconds of short runs come in 10 ms ticks, some of them 0: no ratio can be formed from a zero.
    return {
      ...common,
      verdict: "inconclusive",
      hint: "some samples are 0, so the metric is too coarse at this run length for a ratio; longer runs (more tokens or prompts per run) would settle it, more runs alone may not",
    };
  }
  const paired = interleaved && baseline.length === candidate.length;
  const { estimate, standardError, degreesOfFreedom } = paired
    ? pairedTrimmedLogRatio(baseline, candidate, settings.trim)
    : trimmedLogRatio(baseline, candidate, settings.trim);
  const direction = metricCatalog[metric].direction;
  const regression = studentized(look.regression, degreesOfFreedom) * standardError;
  const acceptance = studentized(look.acceptance, degreesOfFreedom) * standardError;
  // The regression boundary bounds the worse end, the acceptance boundary the better end.
  const interval =
    direction === "lower-is-better"
      ? { low: Math.exp(estimate - regression), high: Math.exp(estimate + acceptance) }
      : { low: Math.exp(estimate - acceptance), high: Math.exp(estimate + regression) };
  const verdict = classify(interval, direction, thresholdPct);
  const t = thresholdPct / 100;
  return {
    ...common,
    ratio: Math.exp(estimate),
    interval,
    ...(paired ? { paired } : {}),
    withinBand: interval.low >= 1 - t && interval.high <= 1 + t,
    verdict,
    ...(verdict === "inconclusive"
      ? { hint: repetitionsHint(estimate, standardError, look.acceptance, fewest, thresholdPct, direction) }
      : {}),
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
