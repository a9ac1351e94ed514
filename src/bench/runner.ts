/**
 * Sends the scenarios' requests. With two sides the runs are interleaved, baseline then candidate, so
 * drift of a noisy machine (thermal, a neighbour's job) falls on both alike; warm-up runs come first on
 * both sides and are kept out of the samples.
 */
import type { ModelClient } from "../client/types.js";
import { type RunRecord, requestMetrics } from "./metrics.js";
import { ProcessSampler } from "./process-sampler.js";
import type { Scenario } from "./scenario.js";

export interface BenchSide {
  readonly client: ModelClient;
  /** The model name the server answers to. */
  readonly model: string;
  /** Root of the backend's process tree, for memory and CPU figures; omitted when not local. */
  readonly pid?: number;
}

export interface ScenarioRuns {
  readonly scenario: Scenario;
  /** Warm-up runs made per side and excluded from the samples. */
  readonly warmupRuns: number;
  readonly baseline?: readonly RunRecord[];
  readonly candidate: readonly RunRecord[];
}

export interface RunnerOptions {
  readonly candidate: BenchSide;
  /** Omitted when the baseline comes from a stored results file. */
  readonly baseline?: BenchSide;
  readonly requestTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
}

async function generate(side: BenchSide, scenario: Scenario, prompt: string, timeoutMs: number) {
  const options = { temperature: scenario.temperature, seed: scenario.seed, maxTokens: scenario.maxTokens };
  const common = { model: side.model, stream: true, timeoutMs, options } as const;
  const result = await side.client.generate(
    scenario.api === "chat"
      ? { ...common, api: "chat", messages: [{ role: "user", content: prompt }] }
      : { ...common, api: "completions", prompt },
  );
  return requestMetrics(result);
}

/** One run: `concurrency` requests sent at once, prompts taken in turn from the scenario's set. */
async function oneRun(side: BenchSide, scenario: Scenario, runIndex: number, timeoutMs: number): Promise<RunRecord> {
  const sampler = side.pid === undefined ? undefined : new ProcessSampler(side.pid);
  await sampler?.start();
  const started = performance.now();
  const batch = Promise.all(
    Array.from({ length: scenario.concurrency }, (_, k) => {
      const prompt = scenario.prompts[(runIndex * scenario.concurrency + k) % scenario.prompts.length] as string;
      return generate(side, scenario, prompt, timeoutMs);
    }),
  );
  // The sampler's timer must not outlive a failed request, or the process would never exit.
  const requests = await batch.catch(async (error: unknown) => {
    await sampler?.stop();
    throw error;
  });
  const wallMs = performance.now() - started;
  const usage = await sampler?.stop();
  return { requests, wallMs, concurrency: scenario.concurrency, ...(usage ? { process: usage } : {}) };
}

export async function runScenario(scenario: Scenario, options: RunnerOptions): Promise<ScenarioRuns> {
  const timeoutMs = options.requestTimeoutMs ?? 300_000;
  const sides = options.baseline ? [options.baseline, options.candidate] : [options.candidate];
  for (let w = 0; w < scenario.warmup; w++) {
    for (const side of sides) await oneRun(side, scenario, w, timeoutMs);
  }
  const baseline: RunRecord[] = [];
  const candidate: RunRecord[] = [];
  for (let i = 0; i < scenario.runs; i++) {
    if (options.baseline) baseline.push(await oneRun(options.baseline, scenario, i, timeoutMs));
    candidate.push(await oneRun(options.candidate, scenario, i, timeoutMs));
    options.onProgress?.(`${scenario.name}: run ${i + 1}/${scenario.runs}`);
  }
  return {
    scenario,
    warmupRuns: scenario.warmup,
    ...(options.baseline ? { baseline } : {}),
    candidate,
  };
}
