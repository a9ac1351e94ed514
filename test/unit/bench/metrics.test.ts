import { describe, expect, it } from "vitest";
import { collectSamples, type RunRecord, requestMetrics } from "../../../src/bench/metrics.js";
import type { GenerationResult } from "../../../src/client/types.js";

function result(overrides: Partial<GenerationResult> = {}): GenerationResult {
  return {
    text: "abcde",
    finishReason: "length",
    usage: { promptTokens: 40, completionTokens: 5 },
    timing: { ttftMs: 200, e2eMs: 600, chunkTimesMs: [200, 300, 400, 450, 600] },
    ...overrides,
  };
}

describe("requestMetrics", () => {
  it("derives TPOT, ITL and output tok/s by vLLM's definitions", () => {
    const m = requestMetrics(result());
    expect(m.ttftMs).toBe(200);
    expect(m.e2eMs).toBe(600);
    // (600 - 200) / (5 - 1) = 100 ms per output token after the first.
    expect(m.tpotMs).toBe(100);
    expect(m.itlMs).toEqual([100, 100, 50, 150]);
    // 5 tokens / 0.4 s.
    expect(m.outputTokensPerSecond).toBe(12.5);
  });

  it("derives prompt tok/s from TTFT when the backend reports no timings", () => {
    const m = requestMetrics(result());
    expect(m.promptRateSource).toBe("ttft");
    expect(m.promptTokensPerSecond).toBe(200); // 40 tokens / 0.2 s
  });

  it("prefers llama.cpp's own prompt rate and keeps its decode rate for the overhead check", () => {
    const m = requestMetrics(result({ backendTimings: { prompt_per_second: 850, predicted_per_second: 13.1 } }));
    expect(m.promptRateSource).toBe("backend");
    expect(m.promptTokensPerSecond).toBe(850);
    expect(m.backendOutputTokensPerSecond).toBe(13.1);
  });

  it("reads Ollama's nanosecond durations", () => {
    const m = requestMetrics(
      result({
        backendTimings: { prompt_eval_count: 40, prompt_eval_duration: 50e6, eval_count: 5, eval_duration: 0.5e9 },
      }),
    );
    expect(m.promptTokensPerSecond).toBe(800);
    expect(m.backendOutputTokensPerSecond).toBe(10);
  });

  it("leaves TPOT and output tok/s undefined for a single output token", () => {
    const m = requestMetrics(
      result({
        usage: { promptTokens: 4, completionTokens: 1 },
        timing: { ttftMs: 50, e2eMs: 51, chunkTimesMs: [50] },
      }),
    );
    expect(m.tpotMs).toBeUndefined();
    expect(m.outputTokensPerSecond).toBeUndefined();
    expect(m.itlMs).toEqual([]);
  });

  it("refuses responses that were not streamed or carry no usage", () => {
    expect(() => requestMetrics(result({ timing: { e2eMs: 10, chunkTimesMs: [] } }))).toThrow(
      /TTFT cannot be measured/,
    );
    expect(() => requestMetrics(result({ usage: undefined }))).toThrow(/no usage/);
  });
});

describe("collectSamples", () => {
  const request = requestMetrics(result());

  it("takes one sample per request, ITL as each request's median gap", () => {
    const runs: RunRecord[] = [
      { requests: [request], wallMs: 600, concurrency: 1, process: { peakRssBytes: 64 * 2 ** 20, cpuSeconds: 0.3 } },
      { requests: [request], wallMs: 610, concurrency: 1 },
    ];
    const samples = collectSamples(runs);
    expect(samples.ttft).toEqual([200, 200]);
    expect(samples.itl).toEqual([100, 100]);
    expect(samples.peak_rss).toEqual([64]);
    expect(samples.cpu).toEqual([0.3]);
    expect(samples.request_throughput).toBeUndefined();
  });

  it("measures request throughput per run when requests are concurrent", () => {
    const samples = collectSamples([{ requests: [request, request, request, request], wallMs: 800, concurrency: 4 }]);
    expect(samples.request_throughput).toEqual([5]);
    expect(samples.e2e).toHaveLength(4);
  });
});
