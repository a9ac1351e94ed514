import type { Assertion } from "../suite.js";
import { matchesBaseline } from "./baseline.js";
import { deterministic, streamConsistent } from "./consistency.js";
import type { AssertionResult, Evidence, Observation, Sample } from "./evidence.js";
import { isJson, matchesJsonSchema } from "./json.js";
import { embeddingDim, maxLatency, maxTtft, tokenCount } from "./metrics.js";
import { contains, containsAll, containsAny, equals, finishReason, icontains, regex, startsWith } from "./text.js";

/** Checks one assertion against a case's evidence; per-answer assertions must hold for every answer. */
export function evaluate(assertion: Assertion, evidence: Evidence): AssertionResult {
  if (assertion.kind === "deterministic") return verdict(assertion, deterministic(evidence, assertion.n));
  if (assertion.kind === "stream-consistent") return verdict(assertion, streamConsistent(evidence));
  return perSample(assertion, evidence.samples, (sample) => observe(assertion, sample, evidence));
}

/** Assertions about one answer at a time, as opposed to those comparing several answers. */
type PerAnswer = Exclude<Assertion, { kind: "deterministic" | "stream-consistent" }>;

function perSample(
  assertion: Assertion,
  samples: readonly Sample[],
  check: (sample: Sample) => Observation,
): AssertionResult {
  if (samples.length === 0) return verdict(assertion, { holds: false, reason: "no answer was received" });
  let first: AssertionResult | undefined;
  for (const [index, sample] of samples.entries()) {
    const result = verdict(assertion, check(sample));
    if (!result.pass) {
      return samples.length > 1
        ? { ...result, reason: `answer ${index + 1} of ${samples.length}: ${result.reason}` }
        : result;
    }
    first ??= result;
  }
  return first as AssertionResult;
}

function observe(assertion: PerAnswer, sample: Sample, evidence: Evidence): Observation {
  switch (assertion.kind) {
    case "equals":
      return equals(sample, assertion.value);
    case "contains":
      return contains(sample, assertion.value);
    case "icontains":
      return icontains(sample, assertion.value);
    case "starts-with":
      return startsWith(sample, assertion.value);
    case "contains-any":
      return containsAny(sample, assertion.value);
    case "contains-all":
      return containsAll(sample, assertion.value);
    case "regex":
      return regex(sample, assertion.pattern);
    case "finish-reason":
      return finishReason(sample, assertion.value);
    case "is-json":
      return isJson(sample);
    case "json-schema":
      return matchesJsonSchema(sample, assertion.schema);
    case "max-latency-ms":
      return maxLatency(sample, assertion.value);
    case "max-ttft-ms":
      return maxTtft(sample, assertion.value);
    case "max-tokens":
      return tokenCount(sample, assertion.value, "max");
    case "min-tokens":
      return tokenCount(sample, assertion.value, "min");
    case "embedding-dim":
      return embeddingDim(sample, assertion.value);
    case "matches-baseline":
      return matchesBaseline(sample, evidence.baseline, assertion.threshold);
  }
}

/** Applies negation; a negated assertion's diff would mislead (the texts are meant to differ), so it is dropped. */
function verdict(assertion: Assertion, observation: Observation): AssertionResult {
  const pass = assertion.negate ? !observation.holds : observation.holds;
  const showDiff = !pass && !assertion.negate && observation.expected !== undefined;
  return {
    type: assertion.label,
    pass,
    reason: observation.reason,
    ...(showDiff && { expected: observation.expected }),
    ...(!pass && observation.actual !== undefined && { actual: observation.actual }),
    location: assertion.location,
  };
}
