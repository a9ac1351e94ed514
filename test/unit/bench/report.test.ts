import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { MachineDescription } from "../../../src/bench/machine.js";
import { type RunRecord, requestMetrics } from "../../../src/bench/metrics.js";
import { formatChange, gateMarker, markdownTable, mermaidChart, renderMarkdown } from "../../../src/bench/report.js";
import { type BenchResults, buildResults } from "../../../src/bench/results.js";
import { defaultScenario } from "../../../src/bench/scenario.js";
import { defaultComparisonSettings } from "../../../src/bench/verdict.js";
import { parseDigest } from "../../../src/core/digest.js";

const machine: MachineDescription = {
  cpuModel: "Test CPU @ 3.0GHz",
  logicalCpus: 4,
  availableParallelism: 2,
  memoryBytes: 8 * 2 ** 30,
  gpus: [],
  os: "Linux 6.1 x64",
  node: "v20.0.0",
};

/** A run whose latencies scale with `slow`, plus a little deterministic jitter so intervals have width. */
function runs(slow: number, count: number): RunRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const jitter = 1 + ((i % 5) - 2) / 100;
    const ttft = 100 * slow * jitter;
    const e2e = ttft + 400 * slow * jitter;
    const m = requestMetrics({
      text: "",
      finishReason: "length",
      usage: { promptTokens: 50, completionTokens: 5 },
      timing: { ttftMs: ttft, e2eMs: e2e, chunkTimesMs: [ttft, ttft + 100 * slow, e2e] },
    });
    return { requests: [m], wallMs: e2e, concurrency: 1, process: { peakRssBytes: 100 * 2 ** 20, cpuSeconds: 0.5 } };
  });
}

function results(slow: number, warnOnly = false): BenchResults {
  return buildResults({
    measured: [
      { scenario: { ...defaultScenario, runs: 20 }, warmupRuns: 3, baseline: runs(1, 20), candidate: runs(slow, 20) },
    ],
    candidate: { modelRef: "ai/tiny:candidate", digest: `sha256:${"b".repeat(64)}`, backend: "embedded", threads: 1 },
    baseline: { kind: "interleaved", info: { modelRef: "ai/tiny:stable", digest: `sha256:${"a".repeat(64)}` } },
    candidateLoads: { coldMs: [900, 910, 905], warmMs: [] },
    settings: defaultComparisonSettings,
    warnOnly,
    machine,
    createdAt: new Date("2026-11-28T00:00:00Z"),
  });
}

describe("Markdown report", () => {
  it("starts with the hidden marker of the gate, and refuses names that would close the comment", () => {
    expect(renderMarkdown(results(1), { gateName: "bench" }).split("\n")[0]).toBe("<!-- cortex-model-gate:bench -->");
    expect(gateMarker("perf/linux")).toBe("<!-- cortex-model-gate:perf/linux -->");
    expect(() => gateMarker("x-->y")).toThrow(/gate name/);
  });

  it("tabulates each metric with medians, change, interval and verdict", () => {
    const r = results(1.3);
    const table = markdownTable(r.scenarios[0]?.comparisons ?? []);
    const lines = table.split("\n");
    expect(lines[0]).toBe(
      "| Metric | Baseline (median) | Candidate (median) | Change | Interval of change | Threshold | Verdict |",
    );
    const ttft = lines.find((l) => l.startsWith("| TTFT (ms)"));
    expect(ttft).toMatch(
      /^\| TTFT \(ms\) \| 100 \| 130 \| \+30\.0% ↑ \| \+\d+\.\d% … \+\d+\.\d% \| ±5% \| 🔴 regression \|$/,
    );
    const tps = lines.find((l) => l.startsWith("| Output tok/s"));
    expect(tps).toMatch(/−23\.1% ↓ .* 🔴 regression \|$/);
    const rss = lines.find((l) => l.startsWith("| Peak RSS (MiB)"));
    expect(rss).toMatch(/\| 100 \| 100 \| ±0\.0% \| ±0\.0% … ±0\.0% \| ±10% \| ✅ pass \|$/);
  });

  it("describes both sides, the runner and the excluded warm-up runs", () => {
    const md = renderMarkdown(results(1), { gateName: "bench" });
    expect(md).toContain("## Model benchmark: ✅ pass");
    expect(md).toContain("- **Baseline** (interleaved in this job): `ai/tiny:stable` · `sha256:aaaaaaaaaaaa…`");
    expect(md).toContain("- **Candidate**: `ai/tiny:candidate` · `sha256:bbbbbbbbbbbb…` · embedded · 1 thread");
    expect(md).toContain("Test CPU @ 3.0GHz, 2/4 CPUs usable, 8.0 GiB, no GPU");
    expect(md).toContain("20 of at most 20 runs per side (the cap was reached; 3 warm-up runs per side excluded)");
    expect(md).toContain("Prompt cache defeated: cache_prompt false and a unique 8-digit prefix per request.");
    expect(md).toContain("Output tokens per request: baseline 5, candidate 5.");
    // Load times were given for the candidate only: no comparison can be made, so no load table.
    expect(md).not.toContain("Backend load");
  });

  it("shows no ratio rather than an infinite one when the baseline median is 0", () => {
    expect(formatChange(Number.POSITIVE_INFINITY)).toBe("n/a");
    expect(formatChange(undefined)).toBe("n/a");
  });

  it("says so when regressions only warn", () => {
    expect(renderMarkdown(results(1.3, true), { gateName: "bench" })).toContain("the gate is set to warn only");
    expect(renderMarkdown(results(1.3), { gateName: "bench" })).not.toContain("warn only");
  });

  it("draws a Mermaid xychart of candidate medians as a percentage of the baseline", () => {
    const chart = mermaidChart(results(1.3).scenarios[0] as BenchResults["scenarios"][number]);
    const lines = chart.split("\n");
    expect(lines[0]).toBe("```mermaid");
    expect(lines[1]).toBe("xychart-beta");
    expect(lines[3]).toBe(
      '    x-axis ["TTFT", "TPOT", "ITL", "E2E latency", "Output tok/s", "Prompt tok/s", "Peak RSS", "CPU time per run"]',
    );
    expect(lines[4]).toBe('    y-axis "% of baseline" 70 --> 140');
    expect(lines[5]).toBe("    bar [130, 130, 130, 130, 76.9, 76.9, 100, 100]");
    expect(lines[6]).toBe("    line [100, 100, 100, 100, 100, 100, 100, 100]");
    expect(lines.at(-1)).toBe("```");
  });

  it("sets our client's output tok/s beside the backend's own count when it reports one", () => {
    const timed = requestMetrics({
      text: "",
      finishReason: "length",
      usage: { promptTokens: 50, completionTokens: 5 },
      timing: { ttftMs: 200, e2eMs: 600, chunkTimesMs: [200, 600] },
      backendTimings: { predicted_per_second: 10 },
    });
    const record: RunRecord = { requests: [timed], wallMs: 600, concurrency: 1 };
    const r = buildResults({
      measured: [
        { scenario: defaultScenario, warmupRuns: 0, baseline: runs(1, 3), candidate: [record, record, record] },
      ],
      candidate: { modelRef: "c" },
      baseline: { kind: "interleaved", info: { modelRef: "b" } },
      settings: defaultComparisonSettings,
      warnOnly: false,
      machine,
    });
    // 5 tokens over 0.4 s is 12.5 tok/s against the backend's 10.
    expect(r.scenarios[0]?.candidate.clientToBackendOutputRate).toBe(1.25);
    expect(r.scenarios[0]?.baseline.clientToBackendOutputRate).toBeUndefined();
    expect(renderMarkdown(r, { gateName: "bench" })).toContain(
      "Output tok/s through our client vs the backend's own count for the same generations: +25.0% (candidate).",
    );
  });

  it("formats changes with a true minus sign and a neutral zero", () => {
    expect(formatChange(1.146)).toBe("+14.6%");
    expect(formatChange(0.9)).toBe("−10.0%");
    expect(formatChange(1.0000001)).toBe("±0.0%");
  });
});

describe("results document", () => {
  it("uses a stored run's candidate as the baseline of a candidate-only run", () => {
    const stored = results(1);
    const next = buildResults({
      measured: [{ scenario: { ...defaultScenario, runs: 20 }, warmupRuns: 3, candidate: runs(1.3, 20) }],
      candidate: { modelRef: "ai/tiny:pr" },
      baseline: { kind: "stored", stored: { origin: { source: "file", file: "baseline.json" }, results: stored } },
      candidateLoads: { coldMs: [1500, 1510, 1490], warmMs: [] },
      settings: defaultComparisonSettings,
      warnOnly: false,
      machine,
    });
    expect(next.baseline).toMatchObject({ source: "file", file: "baseline.json", modelRef: "ai/tiny:candidate" });
    expect(next.scenarios[0]?.baseline.samples.ttft).toEqual(stored.scenarios[0]?.candidate.samples.ttft);
    expect(next.scenarios[0]?.comparisons.find((c) => c.metric === "ttft")?.verdict).toBe("regression");
    expect(next.load?.comparisons.map((c) => [c.metric, c.verdict])).toEqual([["cold_load", "regression"]]);
    expect(next.verdict).toBe("regression");
  });

  it("reports one cold and one warm load per side without letting them make the gate inconclusive", () => {
    const built = buildResults({
      measured: [
        { scenario: { ...defaultScenario, runs: 20 }, warmupRuns: 3, baseline: runs(1, 20), candidate: runs(1, 20) },
      ],
      candidate: { modelRef: "ai/tiny:pr" },
      candidateLoads: { coldMs: [1010], warmMs: [410] },
      baseline: { kind: "interleaved", info: { modelRef: "ai/tiny:stable" }, loads: { coldMs: [1000], warmMs: [400] } },
      settings: defaultComparisonSettings,
      warnOnly: false,
      machine,
    });
    expect(built.load?.comparisons.map((c) => [c.metric, c.verdict])).toEqual([
      ["cold_load", "inconclusive"],
      ["warm_load", "inconclusive"],
    ]);
    expect(built.scenarios[0]?.verdict).toBe("pass");
    expect(built.verdict).toBe("pass");
    expect(renderMarkdown(built, { gateName: "bench" })).toMatch(/\| Warm load \(ms\) \| 400 \| 410 \|/);
  });

  it("fails clearly when the stored run lacks the scenario", () => {
    const stored = results(1);
    expect(() =>
      buildResults({
        measured: [{ scenario: { ...defaultScenario, name: "other" }, warmupRuns: 0, candidate: runs(1, 3) }],
        candidate: { modelRef: "x" },
        baseline: { kind: "stored", stored: { origin: { source: "file", file: "b.json" }, results: stored } },
        settings: defaultComparisonSettings,
        warnOnly: false,
        machine,
      }),
    ).toThrow(/baseline file b.json has no scenario named "other"/);
  });

  it("records a registry or cache baseline's origin, valid against the schema, and names it in the report", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../../schemas/bench-results.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const digest = parseDigest(`sha256:${"c".repeat(64)}`);
    const resultDigest = parseDigest(`sha256:${"d".repeat(64)}`);
    const origins = [
      { source: "registry", ref: "reg.example/ai/tiny:stable", digest, resultDigest },
      { source: "cache", cacheKey: "cortex-bench-bench-main-42", file: "/tmp/x.json" },
    ] as const;
    const built = origins.map((origin) =>
      buildResults({
        measured: [{ scenario: { ...defaultScenario, runs: 20 }, warmupRuns: 3, candidate: runs(1, 20) }],
        candidate: { modelRef: "ai/tiny:pr" },
        baseline: { kind: "stored", stored: { origin, results: results(1) } },
        settings: defaultComparisonSettings,
        warnOnly: false,
        machine,
      }),
    );
    expect(built[0]?.baseline).toMatchObject({
      source: "registry",
      modelRef: "reg.example/ai/tiny:stable",
      digest,
      resultDigest,
      backend: "embedded",
    });
    expect(built[1]?.baseline).toMatchObject({ source: "cache", cacheKey: "cortex-bench-bench-main-42" });
    for (const document of built) {
      expect(validate(JSON.parse(JSON.stringify(document))), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(renderMarkdown(built[0] as BenchResults, { gateName: "bench" })).toContain(
      "- **Baseline** (results attached in the registry, artifact `sha256:dddddddddddd…`): `reg.example/ai/tiny:stable`",
    );
    expect(renderMarkdown(built[1] as BenchResults, { gateName: "bench" })).toContain(
      "(Actions cache `cortex-bench-bench-main-42`)",
    );
  });

  it("matches the documented schema, and the schema rejects a mangled document", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../../schemas/bench-results.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const document = JSON.parse(JSON.stringify(results(1.3)));
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    document.scenarios[0].comparisons[0].verdict = "fine";
    expect(validate(document)).toBe(false);
  });

  it("keeps summaries with median, p90 and the coefficient of variation", () => {
    const s = results(1).scenarios[0]?.candidate.summaries.ttft;
    expect(s?.n).toBe(20);
    expect(s?.median).toBeCloseTo(100, 9);
    expect(s?.p90).toBeCloseTo(102, 9);
    expect(s?.cv).toBeGreaterThan(0);
  });
});
