import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import * as core from "@actions/core";
import { context } from "@actions/github";
import { describeOrigin } from "../bench/baseline-origin.js";
import { type BenchOptions, runBenchKeepingResults } from "../bench/bench.js";
import { type BenchSettings, baselineChoices, parseBenchSettings } from "../bench/bench-request.js";
import type { BenchStoppedError } from "../bench/errors.js";
import type { BenchResults } from "../bench/results.js";
import { gateScenarios } from "../bench/scenario.js";
import { type ServedSideSpec, servedSide } from "../bench/served-side.js";
import { baselineFromCache, baselineFromFile, baselineFromRegistry } from "../bench/stored-baseline.js";
import { defaultComparisonSettings, gateExitCode } from "../bench/verdict.js";
import type { MetricsExport } from "../metrics/export.js";
import { documentPassed } from "../promote/results.js";
import type { ExplicitCredentials } from "../registry/index.js";
import { type BenchCachePlan, benchCachePlan, restoreBenchBaseline, saveBenchResults } from "./bench-cache.js";
import { BenchModel } from "./constants.js";
import { actionInputs, booleanInput, InputError, listInput, maskSecret, optionalInput, secretInput } from "./inputs.js";
import { exportActionMetrics, metricsExportInput } from "./metrics-export.js";
import { setOutputs } from "./outputs.js";
import { upsertComment } from "./pr-comment.js";
import { type PublishTarget, publishInput, publishResults, reportPath } from "./publish-results.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { appendSummary } from "./summary.js";

const { inputs: names } = BenchModel;

/** Where the report goes besides the job summary: the pull request's comment, when there is one to write. */
export interface CommentTarget {
  readonly token: string;
  readonly repo: string;
  readonly issueNumber: number;
}

/** Exactly one per run; `cache` only when `baseline-cache` is on, on a pull request, and nothing else is given. */
export type BaselineInput =
  | { readonly kind: "served"; readonly side: ServedSideSpec }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "ref"; readonly ref: string; readonly credentials?: ExplicitCredentials }
  | { readonly kind: "cache"; readonly prefix: string; readonly file: string };

export interface BenchModelInputs {
  readonly candidate: ServedSideSpec;
  readonly baseline: BaselineInput;
  /** With `baseline-cache` on a push to a branch: the key the results are saved under after the run. */
  readonly cacheSave?: { readonly key: string; readonly file: string };
  readonly scenarioFile?: string;
  readonly runs?: number;
  readonly warmup?: number;
  readonly settings: BenchOptions["settings"];
  readonly warnOnly: boolean;
  readonly gateName: string;
  readonly comment?: CommentTarget;
  /** Markdown files (another gate's report, such as test-model's) put above this report in the comment. */
  readonly includeReports: readonly string[];
  readonly resultsPath: string;
  readonly reportPath: string;
  readonly publish?: PublishTarget;
  readonly metrics?: MetricsExport;
}

/**
 * `comment`: `auto` (the default) comments on pull requests only; `true` insists, and warns when the run
 * has no pull request; `false` never comments.
 */
function commentInput(env: NodeJS.ProcessEnv): CommentTarget | undefined {
  const mode = optionalInput(names.comment) ?? "auto";
  if (!["auto", "true", "false"].includes(mode)) {
    throw new InputError(`input "${names.comment}" must be auto, true or false, got "${mode}"`);
  }
  if (mode === "false") return undefined;
  const issueNumber = context.payload.pull_request?.number;
  if (issueNumber === undefined) {
    if (mode === "true")
      core.warning("Not commenting: this run is not for a pull request. The report is in the job summary.");
    return undefined;
  }
  const token = secretInput(names.githubToken);
  if (token === undefined)
    throw new InputError(`input "${names.githubToken}" is needed to comment on the pull request`);
  return { token, repo: env.GITHUB_REPOSITORY ?? `${context.repo.owner}/${context.repo.repo}`, issueNumber };
}

function baselineInput(settings: BenchSettings, cachePlan: BenchCachePlan | undefined): BaselineInput {
  const baseline = settings.baseline;
  if (baseline === undefined && cachePlan?.restorePrefix !== undefined) {
    return { kind: "cache", prefix: cachePlan.restorePrefix, file: cachePlan.file };
  }
  if (baseline === undefined) {
    const cache = cachePlan
      ? `; "${names.baselineCache}" supplies one only on a pull request, from its base branch's cached results`
      : ` (or "${names.baselineCache}: true" on a pull request)`;
    throw new InputError(`give exactly one baseline: ${baselineChoices(actionInputs)}${cache}`);
  }
  if (baseline.kind !== "ref") return baseline;
  const credentials = credentialInputs(names.registryUsername, names.registryPassword);
  return { ...baseline, ...(credentials && { credentials }) };
}

/** Reads a stored baseline before anything is measured, so a missing one fails at once. */
async function gateBaseline(baseline: BaselineInput): Promise<BenchOptions["baseline"]> {
  switch (baseline.kind) {
    case "served":
      return { kind: "served", side: await servedSide(baseline.side) };
    case "file":
      return { kind: "stored", stored: await baselineFromFile(baseline.path) };
    case "ref": {
      const options = baseline.credentials ? { credentials: baseline.credentials, onSecret: maskSecret } : {};
      const stored = await baselineFromRegistry(baseline.ref, options);
      core.info(`Baseline: ${describeOrigin(stored.origin)}`);
      return { kind: "stored", stored };
    }
    case "cache": {
      const key = await restoreBenchBaseline(baseline.prefix, baseline.file);
      core.info(`Baseline: bench results restored from the Actions cache entry ${key}`);
      return { kind: "stored", stored: await baselineFromCache(baseline.file, key) };
    }
  }
}

export function getInputs(env: NodeJS.ProcessEnv = process.env): BenchModelInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = parseBenchSettings(actionInputs, workspace);
  const publish = publishInput(names, settings.candidate.ref);
  // The reference attached to is the one recorded, pinned by the digest the results are about.
  const candidate = publish ? { ...settings.candidate, ref: publish.modelRef } : settings.candidate;
  const cachePlan = booleanInput(names.baselineCache, false) ? benchCachePlan(settings.gateName, env) : undefined;
  const comment = commentInput(env);
  const metrics = metricsExportInput("bench", env);
  const fileName = settings.gateName.replaceAll("/", "-");
  return {
    candidate,
    baseline: baselineInput(settings, cachePlan),
    ...(cachePlan?.saveKey !== undefined && { cacheSave: { key: cachePlan.saveKey, file: cachePlan.file } }),
    ...(settings.scenarioFile !== undefined && { scenarioFile: settings.scenarioFile }),
    ...(settings.runs !== undefined && { runs: settings.runs }),
    ...(settings.warmup !== undefined && { warmup: settings.warmup }),
    settings: { ...defaultComparisonSettings, thresholdsPct: settings.thresholdsPct },
    warnOnly: settings.warnOnly,
    gateName: settings.gateName,
    ...(comment && { comment }),
    includeReports: listInput(names.includeReports).map((file) => path.resolve(workspace, file)),
    resultsPath: reportPath(undefined, `${fileName}-results.json`, env),
    reportPath: reportPath(undefined, `${fileName}-report.md`, env),
    ...(publish && { publish }),
    ...(metrics && { metrics }),
  };
}

export interface BenchModelOutcome {
  readonly results: BenchResults;
  readonly commentUrl?: string;
  /** A request failed part way: the results hold what was measured, and the step fails on this. */
  readonly stopped?: BenchStoppedError;
}

/** Measures, reports to the job summary and the pull request, and publishes; the verdict is the caller's. */
export async function runBenchModel(inputs: BenchModelInputs): Promise<BenchModelOutcome> {
  const { results, markdown, stopped } = await runBenchKeepingResults({
    scenarios: await gateScenarios(inputs.scenarioFile, { runs: inputs.runs, warmup: inputs.warmup }),
    candidate: await servedSide(inputs.candidate),
    baseline: await gateBaseline(inputs.baseline),
    settings: inputs.settings,
    warnOnly: inputs.warnOnly,
    gateName: inputs.gateName,
    onProgress: (message) => core.info(message),
  });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  for (const [file, text] of [
    [inputs.resultsPath, json],
    [inputs.reportPath, markdown],
  ] as const) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  await appendSummary(markdown);
  const commentUrl = inputs.comment ? await comment(inputs, inputs.comment, markdown) : undefined;
  // Results cut short by a failure are reported, never kept as a later run's baseline nor attached to the model.
  if (stopped) return { results, stopped, ...(commentUrl && { commentUrl }) };
  if (inputs.cacheSave && (await saveBenchResults(inputs.cacheSave.key, inputs.cacheSave.file, json))) {
    core.info(`Bench results saved to the Actions cache as ${inputs.cacheSave.key}`);
  }
  if (inputs.publish) await publishResults(inputs.publish, "bench", json, documentPassed("bench", results) === true);
  await exportActionMetrics({ kind: "bench", results }, inputs.metrics);
  return { results, ...(commentUrl && { commentUrl }) };
}

async function comment(inputs: BenchModelInputs, target: CommentTarget, markdown: string): Promise<string | undefined> {
  const included = await Promise.all(inputs.includeReports.map((file) => readFile(file, "utf8")));
  const result = await upsertComment({
    ...target,
    marker: `gate:${inputs.gateName}`,
    body: [...included, markdown].join("\n\n---\n\n"),
  });
  if (result.status === "skipped") return undefined;
  core.info(`Pull-request comment ${result.status}: ${result.url}`);
  return result.url;
}

export async function benchModelStep(): Promise<void> {
  const inputs = getInputs();
  const { results, commentUrl, stopped } = await runBenchModel(inputs);
  const { outputs } = BenchModel;
  setOutputs({
    [outputs.verdict]: results.verdict,
    [outputs.resultsPath]: inputs.resultsPath,
    [outputs.reportPath]: inputs.reportPath,
    [outputs.commentUrl]: commentUrl ?? "",
  });
  if (stopped) throw stopped;
  if (results.verdict === "regression") {
    const flagged = results.scenarios.flatMap((s) =>
      s.comparisons.filter((c) => c.verdict === "regression").map((c) => `${s.name}: ${c.metric}`),
    );
    const message = `performance regression (${flagged.join(", ")})`;
    if (gateExitCode(results.verdict, results.settings.warnOnly) === 0) core.warning(message);
    else core.setFailed(message);
  }
}

/** The action's entry point. */
export function run(): Promise<void> {
  return runAction(benchModelStep);
}
