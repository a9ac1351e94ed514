/**
 * One benchmark gate from start to verdict: run the scenarios (interleaved A/B, or the candidate alone
 * against a stored baseline), compare, and render. The CLI and the bench-model action both call this.
 */
import { describeError } from "../core/errors.js";
import type { StoredBaseline } from "./baseline-origin.js";
import { BenchStoppedError } from "./errors.js";
import { describeMachine } from "./machine.js";
import { renderMarkdown } from "./report.js";
import {
  type BaselineSource,
  type BenchResults,
  type BenchStopError,
  buildResults,
  compareScenario,
  type LoadTimes,
  lookDecision,
  type SideInfo,
} from "./results.js";
import { type BenchSide, runScenario, type ScenarioRuns } from "./runner.js";
import type { Scenario } from "./scenario.js";
import { sequentialPlan } from "./sequential.js";
import type { ComparisonSettings } from "./verdict.js";

export interface GateSide extends BenchSide {
  readonly info: SideInfo;
  readonly loads?: LoadTimes;
}

export interface BenchOptions {
  readonly scenarios: readonly Scenario[];
  readonly candidate: GateSide;
  /** A stored baseline is read by the caller before anything is measured, so a bad one fails at once. */
  readonly baseline:
    | { readonly kind: "served"; readonly side: GateSide }
    | { readonly kind: "stored"; readonly stored: StoredBaseline };
  readonly settings: ComparisonSettings;
  readonly warnOnly: boolean;
  readonly gateName: string;
  readonly onProgress?: (message: string) => void;
}

export interface BenchOutcome {
  readonly results: BenchResults;
  readonly markdown: string;
}

/** Both sides served by one server under one model name: an A/A run, whatever the flags say. */
function sameServer(candidate: GateSide, baseline: BenchOptions["baseline"]): string | undefined {
  if (baseline.kind !== "served") return undefined;
  const url = (side: GateSide) => side.info.baseUrl?.replace(/\/+$/, "");
  if (
    url(candidate) === undefined ||
    url(candidate) !== url(baseline.side) ||
    candidate.model !== baseline.side.model
  ) {
    return undefined;
  }
  return `baseline and candidate are the same model (${candidate.model}) on the same server (${url(candidate)}): this compares the server with itself`;
}

/** One scenario's runs, with progress at every look; a failed run ends them with what was measured. */
function measureScenario(
  scenario: Scenario,
  options: BenchOptions,
  baseline: BaselineSource,
  served: GateSide | undefined,
): Promise<ScenarioRuns> {
  const plan = sequentialPlan(scenario.runs, options.settings.regressionAlpha, options.settings.acceptanceAlpha);
  let undecided: string[] = [];
  return runScenario(scenario, {
    candidate: options.candidate,
    ...(served ? { baseline: served } : {}),
    looks: plan.looks,
    look: (runs) => {
      const { comparisons } = compareScenario(scenario, runs, baseline, options.settings);
      undecided = comparisons.filter((c) => c.verdict === "inconclusive" && c.interval).map((c) => c.metric);
      return lookDecision(comparisons);
    },
    onLook: (runs, cap, stopped) =>
      options.onProgress?.(
        `${scenario.name}: ${runs}/${cap} runs per side${stopped ? ` (${stopped === "cap" ? "cap reached" : `stopped: ${stopped}`})` : undecided.length ? `, undecided: ${undecided.join(", ")}` : ""}`,
      ),
  });
}

/**
 * Runs every scenario and builds the results. A request that fails part way ends the benchmark with a
 * BenchStoppedError that carries the results of what was measured and the error, so a caller can still
 * write them; a caller that does not look fails as it would without them.
 */
export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const baseline: BaselineSource =
    options.baseline.kind === "stored"
      ? options.baseline
      : {
          kind: "interleaved",
          info: options.baseline.side.info,
          ...(options.baseline.side.loads ? { loads: options.baseline.side.loads } : {}),
        };
  const served = options.baseline.kind === "served" ? options.baseline.side : undefined;
  const warning = sameServer(options.candidate, options.baseline);
  if (warning) options.onProgress?.(`warning: ${warning}`);
  const measured: ScenarioRuns[] = [];
  let stopped: { readonly error: BenchStopError; readonly cause: unknown } | undefined;
  for (const [index, scenario] of options.scenarios.entries()) {
    const runs = await measureScenario(scenario, options, baseline, served);
    measured.push(runs);
    if (runs.stopReason === "error") {
      const message = `scenario ${scenario.name} could not run: ${describeError(runs.error)}`;
      const scenariosNotRun = options.scenarios.slice(index + 1).map((s) => s.name);
      stopped = { error: { scenario: scenario.name, message, scenariosNotRun }, cause: runs.error };
      options.onProgress?.(`${scenario.name}: stopped after ${runs.candidate.length} runs per side: ${message}`);
      break;
    }
  }
  const results = buildResults({
    measured,
    candidate: options.candidate.info,
    ...(options.candidate.loads ? { candidateLoads: options.candidate.loads } : {}),
    baseline,
    settings: options.settings,
    warnOnly: options.warnOnly,
    machine: await describeMachine(options.candidate.info.device),
    ...(warning ? { warnings: [warning] } : {}),
    ...(stopped ? { error: stopped.error } : {}),
  });
  const outcome = { results, markdown: renderMarkdown(results, { gateName: options.gateName }) };
  if (stopped) throw new BenchStoppedError(stopped.error.message, outcome, { cause: stopped.cause });
  return outcome;
}

/**
 * runBench for a shell that writes the results whatever happens: a run stopped part way comes back as its
 * outcome, with the error to fail on once the results are written.
 */
export async function runBenchKeepingResults(
  options: BenchOptions,
): Promise<BenchOutcome & { readonly stopped?: BenchStoppedError }> {
  try {
    return await runBench(options);
  } catch (error) {
    if (!(error instanceof BenchStoppedError)) throw error;
    return { ...error.outcome, stopped: error };
  }
}
