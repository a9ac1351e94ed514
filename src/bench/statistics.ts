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

export interface BootstrapOptions {
  /** Resamples drawn; the interval's own jitter shrinks as 1/sqrt(resamples). */
  readonly resamples: number;
  readonly seed: number;
  /** Two-sided confidence level, 0.95 for a 95% interval. */
  readonly confidence: number;
}

function medianOfResample(source: readonly number[], scratch: Float64Array, random: Random): number {
  const n = source.length;
  for (let i = 0; i < n; i++) scratch[i] = source[Math.floor(random() * n)] as number;
  scratch.sort();
  return sortedPercentile(scratch, 0.5);
}

/**
 * Percentile bootstrap interval of median(candidate) / median(baseline): each side is resampled with
 * replacement independently (the two sides are independent runs), the ratio of the resampled medians is
 * collected, and the interval is read off its percentiles (type 7).
 */
export function bootstrapMedianRatio(
  baseline: readonly number[],
  candidate: readonly number[],
  options: BootstrapOptions,
): Interval {
  requireSamples(baseline, "bootstrap");
  requireSamples(candidate, "bootstrap");
  if (!Number.isInteger(options.resamples) || options.resamples < 1) {
    throw new UsageError(`bootstrap resamples must be a positive integer, got ${options.resamples}`);
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw new UsageError(`confidence level must be in (0, 1), got ${options.confidence}`);
  }
  const random = seededRandom(options.seed);
  const baseScratch = new Float64Array(baseline.length);
  const candScratch = new Float64Array(candidate.length);
  const ratios = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    const base = medianOfResample(baseline, baseScratch, random);
    const cand = medianOfResample(candidate, candScratch, random);
    ratios[r] = cand / base;
  }
  ratios.sort();
  const tail = (1 - options.confidence) / 2;
  return { low: sortedPercentile(ratios, tail), high: sortedPercentile(ratios, 1 - tail) };
}
