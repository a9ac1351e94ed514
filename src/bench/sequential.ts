/**
 * Group-sequential looks for the gate: the data are examined every few runs and the gate stops as soon as
 * a decision holds, with `--runs` as the cap. The boundaries come from error-spending functions
 * (Hwang-Shih-DeCani with gamma -4, O'Brien-Fleming-like, for declaring a regression: strict early, so the
 * last look keeps nearly a fixed design's power; Lan-DeMets Pocock-type for declaring "not slower": even
 * across looks, so a clear answer comes early), computed by the recursive numerical integration of
 * Armitage, McPherson and Rowe, so the error rate of each decision over all looks is the one asked for,
 * not the one of a single look.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Runs per side between two looks. */
export const runsPerLook = 5;
/**
 * Runs per side before the first look. Five would do for the arithmetic, but a server's first runs after
 * the warm-up can still be transient (page faults, a neighbour's job starting), and a look that early
 * would see only them.
 */
export const firstLook = 10;

/** The runs per side after which the data are examined: `firstLook`, every `runsPerLook` runs after it, and the cap. */
export function lookSchedule(cap: number): number[] {
  const looks: number[] = [];
  for (let runs = firstLook; runs < cap; runs += runsPerLook) looks.push(runs);
  looks.push(cap);
  return looks;
}

/** Lan-DeMets O'Brien-Fleming-type, Pocock-type, or Hwang-Shih-DeCani with parameter gamma. */
export type Spending = "obrien-fleming" | "pocock" | { readonly gamma: number };

/** Error spent by information fraction t in (0, 1]: Lan and DeMets (1983); Hwang, Shih and DeCani (1990). */
function spent(spending: Spending, alpha: number, t: number): number {
  if (typeof spending === "object") {
    const { gamma } = spending;
    return gamma === 0 ? alpha * t : (alpha * (1 - Math.exp(-gamma * t))) / (1 - Math.exp(-gamma));
  }
  if (spending === "pocock") return alpha * Math.log(1 + (Math.E - 1) * t);
  return 2 - 2 * normalCdf(normalQuantile(1 - alpha / 2, 0, 1) / Math.sqrt(t), 0, 1);
}

const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
const upperTail = (x: number) => normalCdf(-x, 0, 1);

/** Grid step on the Brownian-motion scale; fine enough for boundaries to about three decimals. */
const STEP = 0.025;
const LOWEST = -10;

/**
 * One-sided upper boundaries z_1..z_K for a standardized statistic examined at information fractions
 * `fractions` (increasing, last 1): the chance of ever crossing under the null is `alpha`, spent as the
 * spending function says. Each look's crossing probability is found by integrating the density of the
 * paths that have not crossed yet.
 */
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: a numerical search kept in one piece, as the spending-function literature writes it
export function spendingBoundaries(fractions: readonly number[], alpha: number, spending: Spending): number[] {
  const bounds: number[] = [];
  // Density of B(t_k) on a grid below the boundary, for the paths still running.
  let grid: number[] = [];
  let density: number[] = [];
  let previousT = 0;
  let previousSpent = 0;
  for (const t of fractions) {
    const target = Math.max(spent(spending, alpha, t) - previousSpent, 1e-300);
    const delta = t - previousT;
    const sd = Math.sqrt(delta);
    let c: number;
    if (bounds.length === 0) {
      c = Math.sqrt(t) * -normalQuantile(target, 0, 1);
    } else {
      const crossing = (level: number) => {
        let total = 0;
        for (let i = 0; i < grid.length; i++)
          total += (density[i] as number) * upperTail((level - (grid[i] as number)) / sd);
        return total * STEP;
      };
      let low = -5;
      let high = 40;
      for (let i = 0; i < 80; i++) {
        const middle = (low + high) / 2;
        if (crossing(middle) > target) low = middle;
        else high = middle;
      }
      c = (low + high) / 2;
    }
    bounds.push(c / Math.sqrt(t));
    const next: number[] = [];
    const nextDensity: number[] = [];
    for (let y = LOWEST; y < c; y += STEP) {
      let value = 0;
      if (bounds.length === 1) value = phi(y / sd) / sd;
      else for (let i = 0; i < grid.length; i++) value += (density[i] as number) * phi((y - (grid[i] as number)) / sd);
      next.push(y);
      nextDensity.push(bounds.length === 1 ? value : (value * STEP) / sd);
    }
    grid = next;
    density = nextDensity;
    previousT = t;
    previousSpent = spent(spending, alpha, t);
  }
  return bounds;
}

/**
 * A normal boundary as the critical value of Student's t with `df` degrees of freedom at the same tail
 * probability: with few samples the standard error is itself uncertain, and the t distribution says how much.
 */
export function studentized(z: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return z;
  return -tQuantile(normalCdf(-z, 0, 1), Math.max(df, 1));
}

export interface SequentialPlan {
  /** Runs per side at each look. */
  readonly looks: readonly number[];
  /** z boundary per look for declaring a regression (the metric worse than its threshold). */
  readonly regression: readonly number[];
  /** z boundary per look for declaring the metric not worse than its threshold. */
  readonly acceptance: readonly number[];
}

/**
 * O'Brien-Fleming's own spending asks for z near 5 at the second of twelve looks, which with ten samples'
 * degrees of freedom is a t of about 12: a 2x slowdown would wait for a third look. gamma -4 spends a
 * little more early and keeps the last boundary within 0.05 of O'Brien-Fleming's.
 */
export const regressionSpending: Spending = { gamma: -4 };

const plans = new Map<string, SequentialPlan>();

/** The looks and boundaries for a cap of `cap` runs per side; cached, as every metric of a gate shares them. */
export function sequentialPlan(cap: number, regressionAlpha: number, acceptanceAlpha: number): SequentialPlan {
  const key = `${cap}:${regressionAlpha}:${acceptanceAlpha}`;
  let plan = plans.get(key);
  if (!plan) {
    const looks = lookSchedule(cap);
    const fractions = looks.map((runs) => runs / cap);
    plan = {
      looks,
      regression: spendingBoundaries(fractions, regressionAlpha, regressionSpending),
      acceptance: spendingBoundaries(fractions, acceptanceAlpha, "pocock"),
    };
    plans.set(key, plan);
  }
  return plan;
}
