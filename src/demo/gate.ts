import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type GateSide, runBench } from "../bench/bench.js";
import { metricNames } from "../bench/metric-catalog.js";
import type { BenchResults } from "../bench/results.js";
import { defaultScenario } from "../bench/scenario.js";
import { defaultComparisonSettings, gateExitCode } from "../bench/verdict.js";
import { OpenAIClient } from "../client/openai-client.js";
import { writeResultsJson } from "../compat/reporters/json.js";
import { junitXml } from "../compat/reporters/junit.js";
import { markdownSummary } from "../compat/reporters/markdown.js";
import type { CompatResults } from "../compat/results.js";
import type { Suite } from "../compat/suite.js";
import { testModel } from "../compat/test-model.js";
import type { Descriptor, Target } from "../core/target.js";
import { publishResult } from "../promote/results.js";
import type { ServeChild } from "./serve-child.js";

/**
 * A short interleaved A/B so the whole demo takes seconds: 8 measured runs per side after one warm-up.
 * Too few to catch a small slowdown (docs/bench.md calibrates 60 runs for 15%), enough to show the gate.
 * The prompts are ones both candidates know: a known-answer model stops at once on any other prompt,
 * and an answer of several tokens is what TTFT and TPOT need.
 */
const demoScenario = {
  ...defaultScenario,
  name: "demo",
  prompts: ["Which gas do green plants absorb", "Reply with a greeting object as JSON"],
  runs: 8,
  warmup: 1,
  maxTokens: 16,
};

/**
 * Two tiny models on a shared machine differ by noise alone; 30% keeps that noise from failing the story.
 * A real gate keeps the calibrated defaults.
 */
const demoThresholdPct = 30;

export interface ServedModel {
  readonly served: ServeChild;
  readonly descriptor: Descriptor;
  readonly reference: string;
}

export interface GateOutcome {
  readonly compat: CompatResults;
  readonly bench: BenchResults;
  readonly compatPassed: boolean;
  readonly benchPassed: boolean;
  /** Report files written, relative to the output folder. */
  readonly files: readonly string[];
}

function gateSide(model: ServedModel): GateSide {
  return {
    client: new OpenAIClient({ baseUrl: model.served.baseUrl }),
    model: model.served.modelId,
    pid: model.served.pid,
    loads: { coldMs: [model.served.coldLoadMs], warmMs: [] },
    info: {
      modelRef: model.reference,
      digest: model.descriptor.digest,
      backend: "embedded",
      threads: 1,
      baseUrl: model.served.baseUrl,
    },
  };
}

/**
 * What the test-model and bench-model actions do for one candidate: the suite, the A/B benchmark against
 * the baseline, the same report files, and both results attached to the candidate's digest in `registry`.
 */
export async function runGate(options: {
  readonly suite: Suite;
  readonly candidate: ServedModel;
  readonly baseline: ServedModel;
  readonly registry: Target;
  readonly outDir: string;
  /** Folder under outDir for this candidate's reports. */
  readonly name: string;
}): Promise<GateOutcome> {
  const { candidate, registry } = options;
  const dir = join(options.outDir, options.name);
  await mkdir(dir, { recursive: true });

  const compat = await testModel({
    suite: options.suite,
    endpoint: {
      client: new OpenAIClient({ baseUrl: candidate.served.baseUrl }),
      model: { name: candidate.served.modelId, reference: candidate.reference, digest: candidate.descriptor.digest },
      backend: "embedded",
    },
  });
  await writeResultsJson(join(dir, "compat.json"), compat);
  await writeFile(join(dir, "compat.junit.xml"), junitXml(compat));
  await writeFile(join(dir, "compat.md"), markdownSummary(compat));

  const { results: bench, markdown } = await runBench({
    scenarios: [demoScenario],
    candidate: gateSide(candidate),
    baseline: { kind: "served", side: gateSide(options.baseline) },
    settings: {
      ...defaultComparisonSettings,
      thresholdsPct: Object.fromEntries(metricNames.map((metric) => [metric, demoThresholdPct])),
    },
    warnOnly: false,
    gateName: `demo-${options.name}`,
  });
  const benchJson = `${JSON.stringify(bench, null, 2)}\n`;
  await writeFile(join(dir, "bench.json"), benchJson);
  await writeFile(join(dir, "bench.md"), markdown);

  const compatPassed = compat.summary.verdict === "pass";
  const benchPassed = gateExitCode(bench.verdict, false) === 0;
  await publishResult(registry, candidate.descriptor, "compat", JSON.stringify(compat), compatPassed);
  await publishResult(registry, candidate.descriptor, "bench", benchJson, benchPassed);
  const files = ["compat.json", "compat.junit.xml", "compat.md", "bench.json", "bench.md"];
  return { compat, bench, compatPassed, benchPassed, files: files.map((f) => join(options.name, f)) };
}
