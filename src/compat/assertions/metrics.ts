import type { Observation, Sample } from "./evidence.js";

const ms = (value: number) => `${Math.round(value)} ms`;

export function maxLatency(sample: Sample, limitMs: number): Observation {
  const took = sample.timing.e2eMs;
  return { holds: took <= limitMs, reason: `answer took ${ms(took)} (limit ${ms(limitMs)})` };
}

export function maxTtft(sample: Sample, limitMs: number): Observation {
  const ttft = sample.timing.ttftMs;
  if (ttft === undefined) return { holds: false, reason: "no time to first token: the answer carried no content" };
  return { holds: ttft <= limitMs, reason: `first token after ${ms(ttft)} (limit ${ms(limitMs)})` };
}

/** Token counts come from the server's usage only; guessing with another tokenizer would mislead. */
export function tokenCount(sample: Sample, limit: number, bound: "max" | "min"): Observation {
  const count = sample.usage?.completionTokens;
  if (count === undefined) return { holds: false, reason: "the server reported no usage, so tokens cannot be counted" };
  const holds = bound === "max" ? count <= limit : count >= limit;
  return { holds, reason: `answer has ${count} tokens (${bound} ${limit})` };
}

export function embeddingDim(sample: Sample, expected: number): Observation {
  const vectors = sample.embeddings ?? [];
  if (vectors.length === 0) return { holds: false, reason: "the server returned no embedding" };
  const dims = [...new Set(vectors.map((v) => v.length))];
  return {
    holds: dims.length === 1 && dims[0] === expected,
    reason: `embedding dimension ${dims.join(", ")} (expected ${expected})`,
  };
}
