import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as core from "@actions/core";
import { OpenAIClient } from "../client/openai-client.js";
import { annotations } from "../compat/reporters/annotations.js";
import { caseReport, summaryLine } from "../compat/reporters/console.js";
import { resultsJson } from "../compat/reporters/json.js";
import { junitXml } from "../compat/reporters/junit.js";
import { markdownSummary } from "../compat/reporters/markdown.js";
import { type CompatResults, exitCodeFor, parseFailOn } from "../compat/results.js";
import { loadSuite } from "../compat/suite-load.js";
import { type Endpoint, testModel } from "../compat/test-model.js";
import type { MetricsExport } from "../metrics/export.js";
import { parsePinnedSource } from "../promote/endpoints.js";
import { annotate } from "./annotate.js";
import { TestModel } from "./constants.js";
import { InputError, numberInput, optionalInput, requiredInput } from "./inputs.js";
import { exportActionMetrics, metricsExportInput } from "./metrics-export.js";
import { setOutputs } from "./outputs.js";
import { type PublishTarget, publishInput, publishResults, reportPath } from "./publish-results.js";
import { runAction } from "./run.js";
import { appendSummary } from "./summary.js";

export interface TestModelInputs {
  readonly suite: string;
  readonly endpoint: Endpoint;
  readonly compare?: Endpoint;
  readonly baseline?: string;
  readonly threshold?: number;
  readonly concurrency: number;
  readonly jsonPath: string;
  readonly reportPath: string;
  readonly junitPath?: string;
  readonly publish?: PublishTarget;
  readonly metrics?: MetricsExport;
}

export function getInputs(env: NodeJS.ProcessEnv = process.env): TestModelInputs {
  const { inputs } = TestModel;
  const failOn = optionalInput(inputs.failOn);
  const threshold = failOn === undefined ? undefined : parseFailOn(failOn);
  if (failOn !== undefined && threshold === undefined) {
    throw new InputError(`input "${inputs.failOn}" must be "any" or a pass rate (0.9 or 90%), got "${failOn}"`);
  }
  const compareBaseUrl = optionalInput(inputs.compareBaseUrl);
  const compareModel = optionalInput(inputs.compareModel);
  if (compareModel !== undefined && compareBaseUrl === undefined) {
    throw new InputError(`input "${inputs.compareModel}" needs "${inputs.compareBaseUrl}"`);
  }
  const publish = publishInput(inputs);
  const model = requiredInput(inputs.model);
  const digest = optionalInput(inputs.digest) ?? (publish && parsePinnedSource(publish.modelRef).digest);
  const backend = optionalInput(inputs.backend);
  const baseline = optionalInput(inputs.baseline);
  const junit = optionalInput(inputs.junit);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const metrics = metricsExportInput("test", env);
  return {
    suite: path.resolve(workspace, requiredInput(inputs.suite)),
    endpoint: {
      client: new OpenAIClient({ baseUrl: requiredInput(inputs.baseUrl) }),
      model: {
        name: model,
        ...(publish && { reference: publish.modelRef }),
        ...(digest && { digest }),
      },
      ...(backend !== undefined && { backend }),
    },
    ...(compareBaseUrl !== undefined && {
      compare: {
        client: new OpenAIClient({ baseUrl: compareBaseUrl }),
        model: { name: compareModel ?? model },
      },
    }),
    ...(baseline !== undefined && { baseline: path.resolve(workspace, baseline) }),
    ...(threshold !== undefined && { threshold }),
    concurrency: numberInput(inputs.concurrency, { fallback: 1, min: 1, integer: true }),
    jsonPath: reportPath(optionalInput(inputs.json), "compat-results.json", env),
    reportPath: reportPath(undefined, "compat-report.md", env),
    ...(junit !== undefined && { junitPath: path.resolve(workspace, junit) }),
    ...(publish && { publish }),
    ...(metrics && { metrics }),
  };
}

/** Runs the suite and writes every report; the verdict is the caller's to act on. */
export async function runTestModel(inputs: TestModelInputs): Promise<CompatResults> {
  const suite = await loadSuite(inputs.suite, path.dirname(inputs.suite));
  const results = await testModel({
    suite,
    endpoint: inputs.endpoint,
    ...(inputs.compare && { compare: inputs.compare }),
    ...(inputs.baseline !== undefined && { baselinePath: inputs.baseline }),
    ...(inputs.threshold !== undefined && { threshold: inputs.threshold }),
    concurrency: inputs.concurrency,
    onCase: (result) => core.info(caseReport(result).join("\n")),
  });
  const json = resultsJson(results);
  const markdown = markdownSummary(results);
  await mkdir(path.dirname(inputs.jsonPath), { recursive: true });
  await writeFile(inputs.jsonPath, json);
  await mkdir(path.dirname(inputs.reportPath), { recursive: true });
  await writeFile(inputs.reportPath, markdown);
  if (inputs.junitPath) await writeFile(inputs.junitPath, junitXml(results));
  await appendSummary(markdown);
  annotate(annotations(results).map((a) => ({ ...a, file: workspaceRelative(a.file) })));
  if (inputs.publish) await publishResults(inputs.publish, "compat", json, results.summary.verdict === "pass");
  await exportActionMetrics({ kind: "compat", results }, inputs.metrics);
  return results;
}

/** Annotations appear beside a pull request's lines only when their path is relative to the repository. */
function workspaceRelative(file: string): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (!workspace) return file;
  const relative = path.relative(workspace, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

export async function testModelStep(): Promise<void> {
  const inputs = getInputs();
  const results = await runTestModel(inputs);
  const { outputs } = TestModel;
  setOutputs({
    [outputs.verdict]: results.summary.verdict,
    [outputs.passed]: results.summary.passed,
    [outputs.failed]: results.summary.failed,
    [outputs.errors]: results.summary.errors,
    [outputs.resultsPath]: inputs.jsonPath,
    [outputs.reportPath]: inputs.reportPath,
  });
  core.info(summaryLine(results.summary));
  if (exitCodeFor(results.summary) !== 0) core.setFailed(`compatibility suite: ${summaryLine(results.summary)}`);
}

/** The action's entry point. */
export function run(): Promise<void> {
  return runAction(testModelStep);
}
