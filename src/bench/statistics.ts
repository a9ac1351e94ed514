/**
 * The statistics the gate rests on. Everything here is deterministic: randomness comes only from a seeded
 * generator, so a verdict can be reproduced from the raw samples and the seed stored in the results.
 */
import { UsageError } from "../core/errors.js";

/** A uniform generator on [0, 1). */
export type Random = () => number;

/**
 * mulberry32: 32-bit state, passes the usual small-crush style checks, and is tiny. Quality needs are
 * modest (resampling indices), reproducibility across platforms is what matters.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal variate (Box-Muller), for simulations with known noise. */
export function standardNormal(random: Random): number {
  // 1 - u keeps the logarithm finite: random() may return 0 but never 1.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function requireSamples(values: readonly number[], what: string): void {
  if (values.length === 0) throw new UsageError(`${what} of an empty sample`);
}

function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Percentile of already sorted values, q in [0, 1]; see `percentile` for the method. */
function sortedPercentile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/**
 * Percentile with linear interpolation between closest ranks (Hyndman and Fan type 7, the default of
 * numpy, R and spreadsheets' PERCENTILE.INC): position (n - 1) * q in the sorted sample.
 */
export function percentile(values: readonly number[], q: number): number {
  requireSamples(values, "percentile");
  if (!(q >= 0 && q <= 1)) throw new UsageError(`percentile rank ${q} is outside [0, 1]`);
  return sortedPercentile(sortedCopy(values), q);
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  requireSamples(values, "mean");
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (n - 1) over the mean; 0 for a single value. */
export function coefficientOfVariation(values: readonly number[]): number {
  const average = mean(values);
  if (values.length < 2) return 0;
  let squares = 0;
  for (const value of values) squares += (value - average) ** 2;
  const sd = Math.sqrt(squares / (values.length - 1));
  return average === 0 ? 0 : sd / Math.abs(average);
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** The candidate/baseline contrast on the log scale, with its standard error and degrees of freedom. */
export interface LogRatio {
  /** trimmed mean of log(candidate) minus that of log(baseline): the log of a ratio of typical values. */
  readonly estimate: number;
  readonly standardError: number;
  /** Welch-Satterthwaite degrees of freedom; Infinity when both sides are constant. */
  readonly degreesOfFreedom: number;
}

function requireLoggable(values: readonly number[], what: string): void {
  if (values.length < 3) throw new UsageError(`a ${what} of ${values.length} sample(s) has no spread to estimate`);
  if (values.some((value) => !(value > 0))) throw new UsageError(`the ${what} has samples that are not positive`);
}

/** Trimmed mean and Yuen's variance term d = (n - 1) s_w^2 / (h (h - 1)) of one side. */
function trimmedSide(values: readonly number[], trim: number): { mean: number; d: number; h: number } {
  const sorted = sortedCopy(values);
  const n = sorted.length;
  const g = Math.floor(trim * n);
  const h = n - 2 * g;
  let sum = 0;
  for (let i = g; i < n - g; i++) sum += sorted[i] as number;
  const trimmed = sum / h;
  const low = sorted[g] as number;
  const high = sorted[n - g - 1] as number;
  let winsorizedSum = 0;
  for (const value of sorted) winsorizedSum += Math.min(Math.max(value, low), high);
  const winsorizedMean = winsorizedSum / n;
  let squares = 0;
  for (const value of sorted) squares += (Math.min(Math.max(value, low), high) - winsorizedMean) ** 2;
  return { mean: trimmed, d: squares / (h * (h - 1)), h };
}

/**
 * Yuen's two-sample trimmed-mean contrast (Yuen 1974) on log samples: the log scale makes a slowdown a
 * shift whatever the metric's unit, and trimming 20% from each end keeps a stray slow run (a neighbour's
 * job) from moving the estimate while losing little efficiency when the noise is well behaved. Samples
 * must be positive and at least 3 per side.
 */
export function trimmedLogRatio(baseline: readonly number[], candidate: readonly number[], trim = 0.2): LogRatio {
  requireLoggable(baseline, "baseline");
  requireLoggable(candidate, "candidate");
  const base = trimmedSide(baseline.map(Math.log), trim);
  const cand = trimmedSide(candidate.map(Math.log), trim);
  const variance = base.d + cand.d;
  const denominator = base.d ** 2 / (base.h - 1) + cand.d ** 2 / (cand.h - 1);
  return {
    estimate: cand.mean - base.mean,
    standardError: Math.sqrt(variance),
    degreesOfFreedom: denominator > 0 ? variance ** 2 / denominator : Number.POSITIVE_INFINITY,
  };
}

/**
 * The same contrast for interleaved runs, pair by pair: the trimmed mean of log(candidate_i / baseline_i)
 * with Yuen's one-sample standard error. Runs made back to back share the machine's state (a burst of load,
 * a thermal step), so their difference cancels what would otherwise count as noise, or as a difference.
 */
export function pairedTrimmedLogRatio(baseline: readonly number[], candidate: readonly number[], trim = 0.2): LogRatio {
  if (baseline.length !== candidate.length) {
    throw new UsageError(`pairs need equal sides, got ${baseline.length} and ${candidate.length} samples`);
  }
  requireLoggable(baseline, "baseline");
  requireLoggable(candidate, "candidate");
  const side = trimmedSide(
    candidate.map((value, i) => Math.log(value) - Math.log(baseline[i] as number)),
    trim,
  );
  return {
    estimate: side.mean,
    standardError: Math.sqrt(side.d),
    degreesOfFreedom: side.d > 0 ? side.h - 1 : Number.POSITIVE_INFINITY,
  };
}
