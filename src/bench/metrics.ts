/**
 * Per-request metrics derived from one streamed generation, by vLLM's definitions (docs/bench.md): TTFT to the first content chunk, TPOT = (E2E - TTFT) / (out - 1), ITL the gaps
 * between content chunks, output tok/s = out / (E2E - TTFT).
 */
import type { GenerationResult } from "../client/types.js";
import { BenchRunError } from "./errors.js";
import type { MetricName } from "./metric-catalog.js";
import { median } from "./statistics.js";

export type PromptRateSource = "backend" | "ttft";

export interface RequestMetrics {
  readonly ttftMs: number;
  readonly e2eMs: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** Undefined with fewer than two output tokens: there is no gap to divide. */
  readonly tpotMs?: number;
  readonly itlMs: readonly number[];
  /** Undefined with fewer than two output tokens (the decode phase has no duration). */
  readonly outputTokensPerSecond?: number;
  readonly promptTokensPerSecond: number;
  readonly promptRateSource: PromptRateSource;
  /** The backend's own decode rate for the same generation, to check our client's measurement overhead. */
  readonly backendOutputTokensPerSecond?: number;
}

function finite(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}

/** llama.cpp reports `timings.prompt_per_second`; Ollama reports counts and nanosecond durations. */
function backendPromptRate(timings: Readonly<Record<string, number>> | undefined): number | undefined {
  if (!timings) return undefined;
  if (finite(timings.prompt_per_second)) return timings.prompt_per_second;
  if (finite(timings.prompt_n) && finite(timings.prompt_ms)) return timings.prompt_n / (timings.prompt_ms / 1000);
  if (finite(timings.prompt_eval_count) && finite(timings.prompt_eval_duration)) {
    return timings.prompt_eval_count / (timings.prompt_eval_duration / 1e9);
  }
  return undefined;
}

function backendOutputRate(timings: Readonly<Record<string, number>> | undefined): number | undefined {
  if (!timings) return undefined;
  if (finite(timings.predicted_per_second)) return timings.predicted_per_second;
  if (finite(timings.eval_count) && finite(timings.eval_duration)) {
    return timings.eval_count / (timings.eval_duration / 1e9);
  }
  return undefined;
}

/** Fails when the response lacks what the definitions need: a streamed first token and `usage`. */
export function requestMetrics(result: GenerationResult): RequestMetrics {
  const { timing, usage } = result;
  if (timing.ttftMs === undefined) {
    throw new BenchRunError("the response carried no streamed content, so TTFT cannot be measured");
  }
  if (!usage) {
    throw new BenchRunError("the response carried no usage, so output tokens cannot be counted");
  }
  const ttftMs = timing.ttftMs;
  const e2eMs = timing.e2eMs;
  const outputTokens = usage.completionTokens;
  const decodeMs = e2eMs - ttftMs;
  const itlMs: number[] = [];
  for (let i = 1; i < timing.chunkTimesMs.length; i++) {
    itlMs.push((timing.chunkTimesMs[i] as number) - (timing.chunkTimesMs[i - 1] as number));
  }
  const decodes = outputTokens >= 2 && decodeMs > 0;
  const fromBackend = backendPromptRate(result.backendTimings);
  const backendOutput = backendOutputRate(result.backendTimings);
  return {
    ttftMs,
    e2eMs,
    promptTokens: usage.promptTokens,
    outputTokens,
    ...(decodes
      ? { tpotMs: decodeMs / (outputTokens - 1), outputTokensPerSecond: outputTokens / (decodeMs / 1000) }
      : {}),
    itlMs,
    promptTokensPerSecond: fromBackend ?? usage.promptTokens / (ttftMs / 1000),
    promptRateSource: fromBackend === undefined ? "ttft" : "backend",
    ...(backendOutput === undefined ? {} : { backendOutputTokensPerSecond: backendOutput }),
  };
}

/** Metric samples of one side, one value per request (or per run for run-level metrics). */
export type MetricSamples = Partial<Record<MetricName, number[]>>;

/** What one run (a batch of `concurrency` simultaneous requests) produced. */
export interface RunRecord {
  readonly requests: readonly RequestMetrics[];
  readonly wallMs: number;
  readonly concurrency: number;
  /** Peak resident bytes and CPU seconds of the backend's process tree during the run, when sampled. */
  readonly process?: { readonly peakRssBytes: number; readonly cpuSeconds: number };
}

function push(samples: MetricSamples, name: keyof MetricSamples, value: number | undefined): void {
  if (value === undefined || !Number.isFinite(value)) return;
  const list = samples[name] ?? [];
  list.push(value);
  samples[name] = list;
}

/**
 * The samples the gate compares. ITL enters as each request's median gap: gaps inside one request are
 * correlated, so pooling them would make the interval look more certain than it is. Request throughput
 * is a run-level figure and is only meaningful with concurrent requests.
 */
export function collectSamples(runs: readonly RunRecord[]): MetricSamples {
  const samples: MetricSamples = {};
  for (const run of runs) {
    for (const request of run.requests) {
      push(samples, "ttft", request.ttftMs);
      push(samples, "tpot", request.tpotMs);
      push(samples, "itl", request.itlMs.length > 0 ? median(request.itlMs) : undefined);
      push(samples, "e2e", request.e2eMs);
      push(samples, "output_tps", request.outputTokensPerSecond);
      push(samples, "prompt_tps", request.promptTokensPerSecond);
    }
    if (run.concurrency > 1 && run.wallMs > 0)
      push(samples, "request_throughput", run.requests.length / (run.wallMs / 1000));
    if (run.process) {
      push(samples, "peak_rss", run.process.peakRssBytes / 2 ** 20);
      push(samples, "cpu", run.process.cpuSeconds);
    }
  }
  return samples;
}
