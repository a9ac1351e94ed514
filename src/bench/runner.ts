/**
 * Sends the scenarios' requests. With two sides the runs are interleaved, baseline then candidate, so
 * drift of a noisy machine (thermal, a neighbour's job) falls on both alike; warm-up runs come first on
 * both sides and are kept out of the samples.
 */
import type { GenerationOptions, ModelClient } from "../client/types.js";
import { type RunRecord, requestMetrics } from "./metrics.js";
import { ProcessSampler } from "./process-sampler.js";
import type { Scenario } from "./scenario.js";
import { seededRandom } from "./statistics.js";

export interface BenchSide {
  readonly client: ModelClient;
  /** The model name the server answers to. */
  readonly model: string;
  /** Root of the backend's process tree, for memory and CPU figures; omitted when not local. */
  readonly pid?: number;
}

/** Why measuring stopped: a regression shown, every metric decided, the cap of runs reached, or a run failed. */
export type StopReason = "regression" | "decided" | "cap" | "error";

export interface ScenarioRuns {
  readonly scenario: Scenario;
  /** Warm-up runs made per side and excluded from the samples. */
  readonly warmupRuns: number;
  readonly baseline?: readonly RunRecord[];
  readonly candidate: readonly RunRecord[];
  /** Absent means the cap was reached (every run of the scenario was made). */
  readonly stopReason?: StopReason;
  /** What ended the scenario when a run failed (stopReason "error"); the runs before it are kept. */
  readonly error?: unknown;
}

/** The runs so far, as a look sees them. */
export interface RunsSoFar {
  readonly baseline?: readonly RunRecord[];
  readonly candidate: readonly RunRecord[];
}

export interface RunnerOptions {
  readonly candidate: BenchSide;
  /** Omitted when the baseline comes from a stored results file. */
  readonly baseline?: BenchSide;
  readonly requestTimeoutMs?: number;
  /** Runs per side after which `look` is asked whether to stop; the cap is always the last. */
  readonly looks?: readonly number[];
  /** A decision reached at a look ends the scenario early; undefined goes on. */
  readonly look?: (runs: RunsSoFar) => "regression" | "decided" | undefined;
  /** Called at each look with the runs made so far and the cap. */
  readonly onLook?: (runs: number, cap: number, stopped: StopReason | undefined) => void;
}

/** Digits of the per-request prefix; a fixed length keeps the prompt's token count equal on both sides. */
export const prefixDigits = 8;

/**
 * A prefix unique to each request, made the same way for both sides, so no request finds its prompt in a
 * server's prefix cache (a second side sent the same prompt right after the first would skip its prefill).
 */
export function requestPrefix(seed: number, side: number, run: number, request: number): string {
  const random = seededRandom(
    (seed ^ Math.imul(run + 1, 0x9e3779b1) ^ Math.imul(side + 1, 0x85ebca6b) ^ Math.imul(request + 1, 0xc2b2ae35)) >>>
      0,
  );
  let digits = "";
  for (let i = 0; i < prefixDigits; i++) digits += String(Math.floor(random() * 10));
  return digits;
}

/**
 * Equal work per request: a fixed output length where the server supports it (llama.cpp and vLLM
 * `ignore_eos` with `min_tokens`), and llama.cpp's prompt cache off, unless the scenario asks otherwise.
 */
export function generationOptions(scenario: Scenario): GenerationOptions {
  return {
    temperature: scenario.temperature,
    seed: scenario.seed,
    maxTokens: scenario.maxTokens,
    ...(scenario.fixedLength ? { ignoreEos: true, minTokens: scenario.maxTokens } : {}),
    ...(scenario.promptCache ? {} : { cachePrompt: false }),
  };
}

async function generate(side: BenchSide, scenario: Scenario, prompt: string, timeoutMs: number) {
  const common = { model: side.model, stream: true, timeoutMs, options: generationOptions(scenario) } as const;
  const result = await side.client.generate(
    scenario.api === "chat"
      ? { ...common, api: "chat", messages: [{ role: "user", content: prompt }] }
      : { ...common, api: "completions", prompt },
  );
  return requestMetrics(result);
}

/** One run: `concurrency` requests sent at once, prompts taken in turn from the scenario's set. */
async function oneRun(
  side: BenchSide,
  sideIndex: number,
  scenario: Scenario,
  runIndex: number,
  timeoutMs: number,
): Promise<RunRecord> {
  const sampler = side.pid === undefined ? undefined : new ProcessSampler(side.pid);
  await sampler?.start();
  const started = performance.now();
  const batch = Promise.all(
    Array.from({ length: scenario.concurrency }, (_, k) => {
      const prompt = scenario.prompts[(runIndex * scenario.concurrency + k) % scenario.prompts.length] as string;
      const prefixed = scenario.promptCache
        ? prompt
        : `${requestPrefix(scenario.seed, sideIndex, runIndex, k)} ${prompt}`;
      return generate(side, scenario, prefixed, timeoutMs);
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

/** Warm-up runs on every side, kept out of the samples; their run indexes are negative, so their prefixes never repeat a measured one's. */
async function warmUp(sides: readonly BenchSide[], scenario: Scenario, timeoutMs: number): Promise<void> {
  for (let w = 0; w < scenario.warmup; w++) {
    for (const [index, side] of sides.entries()) await oneRun(side, index, scenario, -1 - w, timeoutMs);
  }
}

/** The samples collected so far, as a look and the results see them. */
function samplesSoFar(options: RunnerOptions, baseline: RunRecord[], candidate: RunRecord[]): RunsSoFar {
  return { ...(options.baseline ? { baseline } : {}), candidate };
}

type Measured = RunsSoFar & { readonly stopReason?: StopReason; readonly error?: unknown };

/**
 * Measured runs, interleaved, until a look decides, the cap is reached or a run fails; the stop reason is
 * undefined only when the cap was reached without a look deciding.
 */
async function measuredRuns(scenario: Scenario, options: RunnerOptions, timeoutMs: number): Promise<Measured> {
  const looks = new Set(options.looks ?? []);
  const baseline: RunRecord[] = [];
  const candidate: RunRecord[] = [];
  for (let made = 1; made <= scenario.runs; made++) {
    try {
      const runBaseline = async () => {
        if (options.baseline) baseline.push(await oneRun(options.baseline, 0, scenario, made - 1, timeoutMs));
      };
      const runCandidate = async () => {
        candidate.push(await oneRun(options.candidate, 1, scenario, made - 1, timeoutMs));
      };
      // The order within a pair alternates: a request right after another can be slower (or faster) for
      // reasons of the server's own (a slot still being released, a warm cache line), and a fixed order would
      // charge that to one side.
      if (made % 2 === 1) {
        await runBaseline();
        await runCandidate();
      } else {
        await runCandidate();
        await runBaseline();
      }
    } catch (error) {
      // A run whose other side failed has no pair: interleaved samples are compared in pairs.
      const paired = options.baseline ? Math.min(baseline.length, candidate.length) : candidate.length;
      baseline.length = paired;
      candidate.length = paired;
      return { ...samplesSoFar(options, baseline, candidate), stopReason: "error", error };
    }
    if (made !== scenario.runs && !looks.has(made)) continue;
    const stopReason = options.look?.(samplesSoFar(options, baseline, candidate));
    options.onLook?.(made, scenario.runs, stopReason ?? (made === scenario.runs ? "cap" : undefined));
    if (stopReason) return { ...samplesSoFar(options, baseline, candidate), stopReason };
  }
  return samplesSoFar(options, baseline, candidate);
}

/** The scenario's runs; a failed request ends it with the runs made so far and the error, rather than losing them. */
export async function runScenario(scenario: Scenario, options: RunnerOptions): Promise<ScenarioRuns> {
  const timeoutMs = options.requestTimeoutMs ?? 300_000;
  const sides = options.baseline ? [options.baseline, options.candidate] : [options.candidate];
  try {
    await warmUp(sides, scenario, timeoutMs);
  } catch (error) {
    return { scenario, warmupRuns: scenario.warmup, ...samplesSoFar(options, [], []), stopReason: "error", error };
  }
  return { scenario, warmupRuns: scenario.warmup, ...(await measuredRuns(scenario, options, timeoutMs)) };
}
