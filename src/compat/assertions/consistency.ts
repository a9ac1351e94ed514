import type { Evidence, Observation, Sample } from "./evidence.js";

/** An answer's identity for comparison: the text, or the vectors for an embeddings case. */
function fingerprint(sample: Sample): string {
  return sample.embeddings ? JSON.stringify(sample.embeddings) : sample.text;
}

export function deterministic(evidence: Evidence, n: number): Observation {
  const samples = evidence.samples.slice(0, n);
  if (samples.length < n) return { holds: false, reason: `only ${samples.length} of ${n} answers were received` };
  const [first, ...rest] = samples;
  const firstPrint = first ? fingerprint(first) : "";
  const index = rest.findIndex((s) => fingerprint(s) !== firstPrint);
  if (index < 0) return { holds: true, reason: `${n} answers are identical` };
  return {
    holds: false,
    reason: `answer ${index + 2} of ${n} differs from answer 1`,
    expected: first?.text ?? "",
    actual: rest[index]?.text ?? "",
  };
}

export function streamConsistent(evidence: Evidence): Observation {
  const pair = evidence.otherMode;
  if (!pair) return { holds: false, reason: "no streamed and non-streamed answers to compare" };
  const holds = pair.streamed === pair.plain;
  return {
    holds,
    reason: holds ? "streamed text equals the non-streamed text" : "streamed text differs from the non-streamed text",
    expected: pair.plain,
    actual: pair.streamed,
  };
}
