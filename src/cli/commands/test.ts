import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { OpenAIClient } from "../../client/openai-client.js";
import { caseReport, comparisonReport, summaryLine } from "../../compat/reporters/console.js";
import { resultsJson } from "../../compat/reporters/json.js";
import { junitXml } from "../../compat/reporters/junit.js";
import { markdownSummary } from "../../compat/reporters/markdown.js";
import { type CompatResults, exitCodeFor } from "../../compat/results.js";
import { formatIssue, SuiteError } from "../../compat/suite-error.js";
import { loadSuite } from "../../compat/suite-load.js";
import { type Endpoint, testModel } from "../../compat/test-model.js";
import { parseTestSettings } from "../../compat/test-request.js";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { parsePinnedSource } from "../../promote/endpoints.js";
import { type Command, type CommandIO, commandWarnings, flagSource, parseCommandArgs } from "../command.js";
import {
  checkMetricsExport,
  exportResultMetrics,
  metricsExportOptions,
  metricsExportUsage,
} from "../metrics-export.js";
import { publishSigning } from "../publish-signing.js";
import { signingOptions, signingUsage } from "../trust-flags.js";

const usage = `Usage: cortex-model test --suite FILE --base-url URL --model-id NAME [options]

Runs a compatibility suite against an OpenAI-compatible endpoint (base URL ending in /v1).

Options:
  --suite FILE              suite YAML (see docs/compat.md)
  --base-url URL            endpoint to test, e.g. http://127.0.0.1:8080/v1
  --model-id NAME           model name sent in requests (setup's model-id)
  --model REF               reference the model was pulled as, recorded in results
  --digest DIGEST           manifest digest of the model, recorded in results and baselines
  --backend NAME            backend name recorded in results (ollama, dmr, llama.cpp, embedded)
  --baseline FILE           golden outputs for matches-baseline (overrides the suite's baseline)
  --record FILE             write this run's answers as a baseline
  --json FILE               write the results document (schemas/compat-results.schema.json)
  --junit FILE              write JUnit XML
  --summary FILE            write a Markdown summary table
  --compare-base-url URL    also run the suite against this endpoint and list differing answers
  --compare-model-id NAME   model name on the compared endpoint (default: --model-id)
  --concurrency N           cases in flight at once, ${boundsRange(BOUNDS.suiteConcurrency)} (default 1)
  --fail-on any|RATE        pass rate needed: any (every case), 0.9 or 90% (default: the suite's threshold)
  --publish REF             attach the results JSON to this model (pinned by digest) as an OCI referrer,
                            for promote --require compat; --model and --digest default to it
${metricsExportUsage}
${signingUsage}
                            with --publish: also attach a signed in-toto test-result attestation

Exit: 0 the suite passed, 1 it failed, 2 it could not run (invalid suite, endpoint down).

Deprecated spellings (still taken, with a warning): --model NAME without --model-id (the served name),
--ref (now --model), --compare-model (now --compare-model-id).`;

const options = {
  suite: { type: "string" },
  "base-url": { type: "string" },
  "model-id": { type: "string" },
  model: { type: "string" },
  digest: { type: "string" },
  ref: { type: "string" },
  backend: { type: "string" },
  baseline: { type: "string" },
  record: { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
  summary: { type: "string" },
  "compare-base-url": { type: "string" },
  "compare-model-id": { type: "string" },
  "compare-model": { type: "string" },
  concurrency: { type: "string" },
  "fail-on": { type: "string" },
  publish: { type: "string" },
  ...metricsExportOptions,
  ...signingOptions,
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];
type TestSettings = ReturnType<typeof parseTestSettings>;

/** The endpoint under test, with what the results record about its model, and the one compared with it. */
function endpoints(
  settings: TestSettings,
  reference: string | undefined,
  pinned: string | undefined,
): { endpoint: Endpoint; compare?: Endpoint } {
  const digest = settings.digest ?? pinned;
  const endpoint: Endpoint = {
    client: new OpenAIClient({ baseUrl: settings.baseUrl }),
    model: {
      name: settings.model,
      ...(reference !== undefined && { reference }),
      ...(digest !== undefined && { digest }),
    },
    ...(settings.backend !== undefined && { backend: settings.backend }),
  };
  if (!settings.compare) return { endpoint };
  const compare = {
    client: new OpenAIClient({ baseUrl: settings.compare.baseUrl }),
    model: { name: settings.compare.model },
  };
  return { endpoint, compare };
}

/** The report files asked for, and the results attached (and signed) when --publish names the model. */
async function writeOutputs(
  results: CompatResults,
  run: { values: Values; settings: TestSettings; signing: Awaited<ReturnType<typeof publishSigning>> | undefined },
  io: CommandIO,
): Promise<void> {
  const { values, settings, signing } = run;
  const path = (file: string | undefined) => (file === undefined ? undefined : resolve(io.cwd, file));
  const jsonPath = path(values.json);
  const summaryPath = path(values.summary);
  if (jsonPath) await writeFile(jsonPath, resultsJson(results));
  if (settings.junit) await writeFile(settings.junit, junitXml(results));
  if (summaryPath) await writeFile(summaryPath, markdownSummary(results));
  if (values.publish === undefined) return;
  const { publishModelResult } = await import("../../promote/publish.js");
  const passed = results.summary.verdict === "pass";
  const published = await publishModelResult(values.publish, "compat", resultsJson(results), passed, signing);
  io.stderr.write(`cortex-model test: results attached to ${published.model} as ${published.artifact.digest}\n`);
  if (published.attestation) {
    io.stderr.write(`cortex-model test: signed attestation attached as ${published.attestation.digest}\n`);
  }
}

export const test: Command = {
  name: "test",
  summary: "run a compatibility suite against an OpenAI-compatible endpoint",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs("test", args, options, false);
    const settings = parseTestSettings(flagSource(values, commandWarnings("test", io)), io.cwd);
    const publishRef = values.publish === undefined ? undefined : parsePinnedSource(values.publish);
    await checkMetricsExport(values);
    const signing = publishRef ? await publishSigning(values, io) : undefined;
    const path = (file: string | undefined) => (file === undefined ? undefined : resolve(io.cwd, file));

    let suite: Awaited<ReturnType<typeof loadSuite>>;
    try {
      suite = await loadSuite(settings.suite, io.cwd);
    } catch (error) {
      if (!(error instanceof SuiteError)) throw error;
      for (const issue of error.issues) io.stderr.write(`cortex-model test: ${formatIssue(issue)}\n`);
      return error.exitCode;
    }

    const { endpoint, compare } = endpoints(settings, settings.reference ?? values.publish, publishRef?.digest);
    const recordPath = path(values.record);

    const results = await testModel({
      suite,
      endpoint,
      ...(compare && { compare }),
      ...(settings.baseline && { baselinePath: settings.baseline }),
      ...(recordPath && { recordPath }),
      concurrency: settings.concurrency,
      baselineHint: "--baseline FILE (or --record one)",
      ...(settings.threshold !== undefined && { threshold: settings.threshold }),
      onCase: (result) => io.stdout.write(`${caseReport(result).join("\n")}\n`),
    });

    const comparison = comparisonReport(results);
    if (comparison.length > 0) io.stdout.write(`\n${comparison.join("\n")}\n`);
    io.stdout.write(`\n${summaryLine(results.summary)}\n`);
    await writeOutputs(results, { values, settings, signing }, io);
    await exportResultMetrics("test", { kind: "compat", results }, values, io);
    return exitCodeFor(results.summary);
  },
};
