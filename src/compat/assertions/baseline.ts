import { normalisedSimilarity } from "../similarity.js";
import type { Observation, Sample } from "./evidence.js";

/** Without a threshold the answer must equal the golden output exactly; with one, be at least that similar. */
export function matchesBaseline(sample: Sample, baseline: string | undefined, threshold?: number): Observation {
  if (baseline === undefined) return { holds: false, reason: "no baseline output is recorded for this case" };
  if (threshold === undefined) {
    const holds = sample.text === baseline;
    return {
      holds,
      reason: holds ? "output equals the baseline" : "output differs from the baseline",
      expected: baseline,
      actual: sample.text,
    };
  }
  const similarity = normalisedSimilarity(baseline, sample.text);
  return {
    holds: similarity >= threshold,
    reason: `similarity to the baseline ${similarity.toFixed(3)} (threshold ${threshold})`,
    expected: baseline,
    actual: sample.text,
  };
}
