/**
 * The results document (schemas/bench-results.schema.json): what was compared, on what machine, every
 * raw sample, and the summaries and verdicts computed from them. A later run can use this file as its
 * baseline, so everything a comparison needs is kept, not only the medians.
 */

import { readFile } from "node:fs/promises";
import type { Device } from "../core/device.js";
import { UsageError } from "../core/errors.js";
import { type BaselineOrigin, describeOrigin, type StoredBaseline } from "./baseline-origin.js";
import type { MachineDescription } from "./machine.js";
import { type MetricName, metricNames } from "./metric-catalog.js";
import { collectSamples, type MetricSamples, type RequestMetrics } from "./metrics.js";
import { prefixDigits, type RunsSoFar, type ScenarioRuns, type StopReason } from "./runner.js";
import type { Scenario } from "./scenario.js";
import { runsPerLook, sequentialPlan } from "./sequential.js";
import { coefficientOfVariation, mean, median, percentile } from "./statistics.js";
import {
  type ComparisonSettings,
  compareMetric,
  enoughSamples,
  type LookBoundaries,
  type MetricComparison,
  overallVerdict,
  type Verdict,
} from "./verdict.js";

export const resultsFormat = "cortex-model.bench-results.v1";

export interface SideInfo {
  /** The reference the side was asked for (tag or digest) or the served model name. */
  readonly modelRef: string;
  readonly digest?: string;
  readonly backend?: string;
  /** Inference threads of the backend: llama.cpp's speed depends on it more than on anything else. */
  readonly threads?: number;
  /** The device the server says the model runs on (cpu, metal, cuda, vulkan), not the one asked for. */
  readonly device?: Device;
  readonly baseUrl?: string;
}

/** Measured by whoever started the backend; the benchmark records and compares them. */
export interface LoadTimes {
  readonly coldMs: readonly number[];
  readonly warmMs: readonly number[];
}

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
  readonly mean: number;
  /** Coefficient of variation (sample standard deviation over mean). */
  readonly cv: number;
}

export type Summaries = Partial<Record<MetricName, Summary>>;

export interface SideData {
  readonly samples: MetricSamples;
  readonly summaries: Summaries;
  /** Per-request raw figures, ITL lists included; absent for load times. */
  readonly requests?: readonly RequestMetrics[];
  /**
   * Median over requests of our client's output tok/s divided by the backend's own figure for the same
   * generation: how far the measurement through the client is from the backend's count (target: within 5%).
   */
  readonly clientToBackendOutputRate?: number;
}

export interface SectionResult {
  readonly name: string;
  readonly baseline: SideData;
  readonly candidate: SideData;
  readonly comparisons: readonly MetricComparison[];
  readonly verdict: Verdict;
}

/** Output tokens per request on one side. */
export interface LengthSummary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface OutputLengths {
  readonly baseline?: LengthSummary;
  readonly candidate: LengthSummary;
  /** Medians more than 10% apart: metrics that grow with the output length are not compared. */
  readonly materiallyDifferent: boolean;
}

/** How the scenario kept a server's prompt cache from favouring one side. */
export interface CachingHandled {
  /** Sent as `cache_prompt` (llama.cpp); absent when the scenario let the server cache. */
  readonly cachePrompt?: false;
  /** Digits of the unique prefix each request's prompt starts with; absent when not prefixed. */
  readonly uniquePrefixDigits?: number;
}

export interface ScenarioResult extends SectionResult {
  readonly api: string;
  readonly maxTokens: number;
  readonly concurrency: number;
  /** Measured runs actually made per side (the candidate's, against a stored baseline). */
  readonly runs: number;
  /** The cap: the scenario's runs per side. */
  readonly maxRuns: number;
  readonly stopReason: StopReason;
  readonly warmupRunsExcluded: number;
  readonly promptCount: number;
  /** Whether exactly maxTokens output tokens were asked for (ignore_eos, min_tokens). */
  readonly fixedLength: boolean;
  readonly caching: CachingHandled;
  readonly outputTokens?: OutputLengths;
}

/**
 * The baseline side and where its samples came from. `source` and the fields of its origin (file; ref,
 * digest and resultDigest; cacheKey) were added within format v1: readers of older documents see only
 * "interleaved" and "file".
 */
export type BaselineInfo = SideInfo & {
  readonly source: "interleaved" | BaselineOrigin["source"];
  readonly file?: string;
  readonly ref?: string;
  readonly resultDigest?: string;
  readonly cacheKey?: string;
};

export interface BenchResults {
  readonly format: typeof resultsFormat;
  readonly createdAt: string;
  readonly machine: MachineDescription;
  readonly settings: ComparisonSettings & { readonly warnOnly: boolean; readonly runsPerLook: number };
  readonly baseline: BaselineInfo;
  readonly candidate: SideInfo;
  readonly scenarios: readonly ScenarioResult[];
  /** Cold and warm load times, when the caller measured them. */
  readonly load?: SectionResult;
  readonly verdict: Verdict;
  /** What makes the comparison less fair than it should be (same server on both sides, unequal lengths). */
  readonly warnings: readonly string[];
  /** Why measuring ended before every scenario was done; the results hold what was measured until then. */
  readonly error?: BenchStopError;
}

/** A run that failed part way: the scenario it was in, the one-line cause, and the scenarios never started. */
export interface BenchStopError {
  readonly scenario: string;
  readonly message: string;
  readonly scenariosNotRun: readonly string[];
}

export function summarize(samples: MetricSamples): Summaries {
  const summaries: Summaries = {};
  for (const name of metricNames) {
    const values = samples[name];
    if (!values || values.length === 0) continue;
    summaries[name] = {
      n: values.length,
      median: median(values),
      p90: percentile(values, 0.9),
      mean: mean(values),
      cv: coefficientOfVariation(values),
    };
  }
  return summaries;
}

/** Metrics that grow with the number of tokens generated, hence not comparable across unequal lengths. */
const lengthDependent: ReadonlySet<MetricName> = new Set(["e2e", "cpu", "request_throughput"]);

/** Compares every metric present on both sides, in catalogue order. */
export function compareSamples(
  baseline: MetricSamples,
  candidate: MetricSamples,
  settings: ComparisonSettings,
  look?: LookBoundaries,
  unequalLengths?: OutputLengths,
  interleaved = false,
): MetricComparison[] {
  return metricNames.flatMap((name) => {
    const base = baseline[name];
    const cand = candidate[name];
    if (!base?.length || !cand?.length) return [];
    const comparison = compareMetric(name, base, cand, settings, look, interleaved);
    if (!unequalLengths?.materiallyDifferent || !lengthDependent.has(name)) return [comparison];
    const { interval: _dropped, withinBand: _too, ...rest } = comparison;
    return [
      {
        ...rest,
        verdict: "inconclusive" as const,
        hint: `not compared: the sides generated materially different numbers of tokens (medians ${unequalLengths.baseline?.median} and ${unequalLengths.candidate.median})`,
      },
    ];
  });
}

function lengthSummary(requests: readonly RequestMetrics[]): LengthSummary | undefined {
  if (requests.length === 0) return undefined;
  const counts = requests.map((r) => r.outputTokens);
  return { min: Math.min(...counts), median: median(counts), max: Math.max(...counts) };
}

export function outputLengths(
  baseline: readonly RequestMetrics[] | undefined,
  candidate: readonly RequestMetrics[],
): OutputLengths | undefined {
  const cand = lengthSummary(candidate);
  if (!cand) return undefined;
  const base = baseline && lengthSummary(baseline);
  const materiallyDifferent = base
    ? Math.abs(base.median - cand.median) > 0.1 * Math.max(base.median, cand.median)
    : false;
  return { ...(base ? { baseline: base } : {}), candidate: cand, materiallyDifferent };
}

function clientToBackendOutputRate(requests: readonly RequestMetrics[]): number | undefined {
  const ratios = requests.flatMap((r) =>
    r.outputTokensPerSecond && r.backendOutputTokensPerSecond
      ? [r.outputTokensPerSecond / r.backendOutputTokensPerSecond]
      : [],
  );
  return ratios.length ? median(ratios) : undefined;
}

function sideData(samples: MetricSamples, requests?: readonly RequestMetrics[]): SideData {
  const check = requests && clientToBackendOutputRate(requests);
  return {
    samples,
    summaries: summarize(samples),
    ...(requests ? { requests } : {}),
    ...(check ? { clientToBackendOutputRate: check } : {}),
  };
}

function section(name: string, baseline: SideData, candidate: SideData, settings: ComparisonSettings): SectionResult {
  const comparisons = compareSamples(baseline.samples, candidate.samples, settings);
  return { name, baseline, candidate, comparisons, verdict: overallVerdict(comparisons.map((c) => c.verdict)) };
}

function loadSamples(loads: LoadTimes): MetricSamples {
  return {
    ...(loads.coldMs.length ? { cold_load: [...loads.coldMs] } : {}),
    ...(loads.warmMs.length ? { warm_load: [...loads.warmMs] } : {}),
  };
}

export type BaselineSource =
  | { readonly kind: "interleaved"; readonly info: SideInfo; readonly loads?: LoadTimes }
  | { readonly kind: "stored"; readonly stored: StoredBaseline };

export interface ResultsInput {
  readonly measured: readonly ScenarioRuns[];
  readonly candidate: SideInfo;
  readonly candidateLoads?: LoadTimes;
  readonly baseline: BaselineSource;
  readonly settings: ComparisonSettings;
  readonly warnOnly: boolean;
  readonly machine: MachineDescription;
  readonly createdAt?: Date;
  readonly warnings?: readonly string[];
  readonly error?: BenchStopError;
}

/** One scenario's sides and comparisons after `runs`, with the boundaries of the look that many runs make. */
export function compareScenario(
  scenario: Scenario,
  runs: RunsSoFar,
  baseline: BaselineSource,
  settings: ComparisonSettings,
): { baseline: SideData; candidate: SideData; comparisons: MetricComparison[]; outputTokens?: OutputLengths } {
  const candidate = sideData(
    collectSamples(runs.candidate),
    runs.candidate.flatMap((r) => r.requests),
  );
  const base =
    baseline.kind === "stored"
      ? storedScenario(baseline.stored, scenario.name)
      : sideData(
          collectSamples(runs.baseline ?? []),
          (runs.baseline ?? []).flatMap((r) => r.requests),
        );
  const plan = sequentialPlan(scenario.runs, settings.regressionAlpha, settings.acceptanceAlpha);
  const index = plan.looks.indexOf(runs.candidate.length);
  const look =
    index < 0
      ? undefined
      : { regression: plan.regression[index] as number, acceptance: plan.acceptance[index] as number };
  const lengths = outputLengths(base.requests, candidate.requests ?? []);
  return {
    baseline: base,
    candidate,
    comparisons: compareSamples(
      base.samples,
      candidate.samples,
      settings,
      look,
      lengths,
      baseline.kind === "interleaved",
    ),
    ...(lengths ? { outputTokens: lengths } : {}),
  };
}

/**
 * What a look decides: stop on any regression; stop when every metric that has an interval shows it is
 * not worse than its threshold (metrics without one cannot be settled by more runs of this length).
 */
export function lookDecision(comparisons: readonly MetricComparison[]): "regression" | "decided" | undefined {
  if (comparisons.some((c) => c.verdict === "regression")) return "regression";
  const settleable = comparisons.filter((c) => c.interval);
  if (settleable.length > 0 && settleable.every((c) => c.verdict === "pass" || c.verdict === "improvement")) {
    return "decided";
  }
  return undefined;
}

/** The stored run's candidate is the baseline now: it is what was measured for the digest in production. */
function storedScenario(stored: StoredBaseline, name: string): SideData {
  const found = stored.results.scenarios.find((s) => s.name === name);
  if (!found) throw new UsageError(`${describeOrigin(stored.origin)} has no scenario named "${name}"`);
  return found.candidate;
}

function storedBaselineInfo({ origin, results }: StoredBaseline): BaselineInfo {
  switch (origin.source) {
    case "file":
      return { ...results.candidate, source: "file", file: origin.file };
    case "cache":
      return { ...results.candidate, source: "cache", cacheKey: origin.cacheKey };
    case "registry":
      // The digest the reference resolves to now is what the baseline is about, whatever the run recorded.
      return {
        ...results.candidate,
        modelRef: origin.ref,
        digest: origin.digest,
        source: "registry",
        ref: origin.ref,
        resultDigest: origin.resultDigest,
      };
  }
}

function caching(scenario: Scenario): CachingHandled {
  return scenario.promptCache ? {} : { cachePrompt: false, uniquePrefixDigits: prefixDigits };
}

export function buildResults(input: ResultsInput): BenchResults {
  const { baseline, settings } = input;
  const warnings = [...(input.warnings ?? [])];
  const scenarios = input.measured.map((m): ScenarioResult => {
    const compared = compareScenario(m.scenario, m, baseline, settings);
    if (compared.outputTokens?.materiallyDifferent) {
      warnings.push(
        `scenario ${m.scenario.name}: the sides generated materially different numbers of output tokens (medians ${compared.outputTokens.baseline?.median} and ${compared.outputTokens.candidate.median}); E2E, CPU time and request throughput are not compared`,
      );
    }
    // Cut short by a failure before a look decided: its partial comparisons are shown, not concluded from.
    const verdict = overallVerdict(compared.comparisons.map((c) => c.verdict));
    return {
      name: m.scenario.name,
      baseline: compared.baseline,
      candidate: compared.candidate,
      comparisons: compared.comparisons,
      verdict: m.stopReason === "error" ? "inconclusive" : verdict,
      api: m.scenario.api,
      maxTokens: m.scenario.maxTokens,
      concurrency: m.scenario.concurrency,
      runs: m.candidate.length,
      maxRuns: m.scenario.runs,
      stopReason: m.stopReason ?? "cap",
      warmupRunsExcluded: m.warmupRuns,
      promptCount: m.scenario.prompts.length,
      fixedLength: m.scenario.fixedLength,
      caching: caching(m.scenario),
      ...(compared.outputTokens ? { outputTokens: compared.outputTokens } : {}),
    };
  });
  // The candidate's load times are kept even with nothing to compare them to: a later run may use them.
  const baselineLoads =
    baseline.kind === "stored"
      ? baseline.stored.results.load?.candidate
      : baseline.loads && sideData(loadSamples(baseline.loads));
  const load = input.candidateLoads
    ? section("backend load", baselineLoads ?? sideData({}), sideData(loadSamples(input.candidateLoads)), settings)
    : undefined;
  // A job starts each backend once or twice: one cold and one warm load per side can never give an interval.
  // They are reported, but only load metrics with samples enough for a verdict take part in the gate's.
  const decisiveLoad = load?.comparisons.filter((c) =>
    enoughSamples(load.baseline.samples[c.metric] ?? [], load.candidate.samples[c.metric] ?? []),
  );
  const verdicts = [
    ...scenarios.map((s) => s.verdict),
    ...(decisiveLoad?.length ? [overallVerdict(decisiveLoad.map((c) => c.verdict))] : []),
  ];
  return {
    format: resultsFormat,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    machine: input.machine,
    settings: { ...settings, warnOnly: input.warnOnly, runsPerLook },
    baseline:
      baseline.kind === "stored" ? storedBaselineInfo(baseline.stored) : { ...baseline.info, source: "interleaved" },
    candidate: input.candidate,
    scenarios,
    ...(load ? { load } : {}),
    verdict: overallVerdict(input.error ? [...verdicts, "inconclusive"] : verdicts),
    warnings,
    ...(input.error ? { error: input.error } : {}),
  };
}

/** A results document from its text; `where` names it in the one-line error. */
export function parseResults(text: string, where: string): BenchResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const format = (parsed as { format?: unknown } | null)?.format;
  if (format !== resultsFormat) {
    throw new UsageError(`${where} has format ${JSON.stringify(format)}, expected ${resultsFormat}`);
  }
  return parsed as BenchResults;
}

export async function readResultsFile(path: string): Promise<BenchResults> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read baseline results ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseResults(text, `baseline results ${path}`);
}
