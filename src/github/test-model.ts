import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as core from "@actions/core";
import { OpenAIClient } from "../client/openai-client.js";
import { annotations } from "../compat/reporters/annotations.js";
import { caseReport, summaryLine } from "../compat/reporters/console.js";
import { resultsJson } from "../compat/reporters/json.js";
import { junitXml } from "../compat/reporters/junit.js";
import { markdownSummary } from "../compat/reporters/markdown.js";
import { type CompatResults, exitCodeFor } from "../compat/results.js";
import { loadSuite } from "../compat/suite-load.js";
import { type Endpoint, testModel } from "../compat/test-model.js";
import { parseTestSettings } from "../compat/test-request.js";
import type { MetricsExport } from "../metrics/export.js";
import { parsePinnedSource } from "../promote/endpoints.js";
import { annotate } from "./annotate.js";
import { TestModel } from "./constants.js";
import { actionInputs, optionalInput } from "./inputs.js";
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
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = parseTestSettings(actionInputs, workspace);
  const publish = publishInput(inputs, settings.reference);
  const digest = settings.digest ?? (publish && parsePinnedSource(publish.modelRef).digest);
  const metrics = metricsExportInput("test", env);
  const reference = publish?.modelRef ?? settings.reference;
  return {
    suite: path.resolve(workspace, settings.suite),
    endpoint: {
      client: new OpenAIClient({ baseUrl: settings.baseUrl }),
      model: {
        name: settings.model,
        ...(reference !== undefined && { reference }),
        ...(digest && { digest }),
      },
      ...(settings.backend !== undefined && { backend: settings.backend }),
    },
    ...(settings.compare && {
      compare: {
        client: new OpenAIClient({ baseUrl: settings.compare.baseUrl }),
        model: { name: settings.compare.model },
      },
    }),
    ...(settings.baseline !== undefined && { baseline: settings.baseline }),
    ...(settings.threshold !== undefined && { threshold: settings.threshold }),
    concurrency: settings.concurrency,
    jsonPath: reportPath(optionalInput(inputs.json), "compat-results.json", env),
    reportPath: reportPath(undefined, "compat-report.md", env),
    ...(settings.junit !== undefined && { junitPath: settings.junit }),
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
    baselineHint: 'the input "baseline" (golden outputs, recorded by the CLI\'s test --record)',
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
