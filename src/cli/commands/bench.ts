import { writeFile } from "node:fs/promises";
import type { BenchOptions } from "../../bench/bench.js";
import { type BaselineSettings, baselineChoices, parseBenchSettings } from "../../bench/bench-request.js";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { UsageError } from "../../core/errors.js";
import { type Command, commandWarnings, flagSource, parseCommandArgs } from "../command.js";
import {
  checkMetricsExport,
  exportResultMetrics,
  metricsExportOptions,
  metricsExportUsage,
} from "../metrics-export.js";
import { publishSigning } from "../publish-signing.js";
import { signingOptions, signingUsage } from "../trust-flags.js";

const usage = `Usage: cortex-model bench --base-url URL --model-id NAME
         (--baseline-base-url URL --baseline-model-id NAME | --baseline-file FILE | --baseline-ref REF) [options]

Benchmarks a served model (the candidate) against a baseline and gives a verdict per metric from an
interval of the candidate/baseline ratio, looked at every 5 runs: it stops as soon as a regression is
shown or every metric is shown not worse than its threshold, or at --runs. With a served baseline the
runs are interleaved in pairs after warm-up runs, the order flipped every run (baseline, candidate,
candidate, baseline, ...); with --baseline-file or --baseline-ref the candidate is compared with the
candidate side of a stored results JSON. Exactly one baseline per run. Exit 0 no regression shown (pass, improvement or inconclusive), 1 regression, 2 could
not run (the results are still written, with what was measured and why measuring stopped).

Sides (the baseline's flags start with --baseline-):
  --base-url URL            OpenAI-compatible base URL, usually ending in /v1
  --model-id NAME           model name the server answers to (setup's model-id)
  --model REF               model reference, recorded in the results (default: --model-id)
  --digest DIGEST           manifest digest recorded in the results
  --backend NAME            backend recorded in the results (e.g. embedded, ollama)
  --threads N               inference threads, ${boundsRange(BOUNDS.threads)} (default: what the server's /models
                            reports, if anything)
  --pid PID                 backend process, ${boundsRange(BOUNDS.pid)}: sample peak RSS and CPU seconds of its
                            process tree
  --load-seconds S          cold load time measured when starting the backend (setup's load-seconds),
                            ${boundsRange(BOUNDS.loadSeconds)} (repeatable)
  --warm-load-seconds S     warm load time, ${boundsRange(BOUNDS.loadSeconds)} (repeatable)
  --baseline-file FILE      stored results JSON to compare against instead of a served baseline
  --baseline-ref REF        the bench results attached in the registry to the digest REF resolves to
                            (e.g. registry/ns/model:stable, or oci:DIR:TAG), as --publish attaches them

Workload and statistics:
  --scenario FILE           scenario YAML (schemas/scenario.schema.json; default: one built-in scenario)
  --runs N                  most measured runs per side, ${boundsRange(BOUNDS.runs)}, overriding the scenarios (default 60)
  --warmup N                warm-up runs per side, ${boundsRange(BOUNDS.warmup)}, excluded (default 3)
  --thresholds METRIC=PCT   accepted change in the worse direction (repeatable or comma-separated; metrics:
                            ttft tpot itl e2e output_tps prompt_tps request_throughput peak_rss cpu cold_load
                            warm_load)

Output:
  --json FILE               write the results JSON
  --markdown FILE           write the Markdown report (default: print it)
  --gate-name NAME          name in the report's hidden marker <!-- cortex-model-gate:NAME --> (default bench)
  --warn-only               report regressions but exit 0
  --publish REF             attach the results JSON to this model (pinned by digest) as an OCI referrer,
                            for promote --require bench
${signingUsage}
                            with --publish: also attach a signed bench attestation
${metricsExportUsage}

Deprecated spellings (still taken, with a warning): --model NAME without --model-id (the served name),
--ref (now --model), --cold-load-ms and --warm-load-ms (now --load-seconds and --warm-load-seconds),
--threshold (now --thresholds); the same with --baseline-.`;

const sideFlags = (prefix: string) =>
  ({
    [`${prefix}base-url`]: { type: "string" },
    [`${prefix}model-id`]: { type: "string" },
    [`${prefix}model`]: { type: "string" },
    [`${prefix}digest`]: { type: "string" },
    [`${prefix}backend`]: { type: "string" },
    [`${prefix}threads`]: { type: "string" },
    [`${prefix}pid`]: { type: "string" },
    [`${prefix}load-seconds`]: { type: "string", multiple: true },
    [`${prefix}warm-load-seconds`]: { type: "string", multiple: true },
    [`${prefix}cold-load-ms`]: { type: "string", multiple: true },
    [`${prefix}warm-load-ms`]: { type: "string", multiple: true },
  }) as const;

const options = {
  ...sideFlags(""),
  ...sideFlags("baseline-"),
  ref: { type: "string" },
  "baseline-file": { type: "string" },
  "baseline-ref": { type: "string" },
  scenario: { type: "string" },
  runs: { type: "string" },
  warmup: { type: "string" },
  thresholds: { type: "string", multiple: true },
  threshold: { type: "string", multiple: true },
  json: { type: "string" },
  markdown: { type: "string" },
  "gate-name": { type: "string" },
  "warn-only": { type: "boolean" },
  publish: { type: "string" },
  ...metricsExportOptions,
  ...signingOptions,
} as const;

/** The baseline the flags name: results from a file or a registry, or a served endpoint to measure. */
async function readBaseline(baseline: BaselineSettings): Promise<BenchOptions["baseline"]> {
  const stored = await import("../../bench/stored-baseline.js");
  switch (baseline.kind) {
    case "file":
      return { kind: "stored", stored: await stored.baselineFromFile(baseline.path) };
    case "ref":
      return { kind: "stored", stored: await stored.baselineFromRegistry(baseline.ref) };
    case "served": {
      const { servedSide } = await import("../../bench/served-side.js");
      return { kind: "served", side: await servedSide(baseline.side) };
    }
  }
}

export const bench: Command = {
  name: "bench",
  summary: "benchmark a served model against a baseline and gate on regressions",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs("bench", args, options, false);
    await checkMetricsExport(values);
    const flags = flagSource(values, commandWarnings("bench", io));
    const settings = parseBenchSettings(flags, io.cwd);
    if (settings.baseline === undefined) {
      throw new UsageError(`give exactly one baseline: ${baselineChoices(flags)}`);
    }
    if (values.publish) {
      // Checked before minutes of measuring: a result must name the exact digest it is about.
      const { parsePinnedSource } = await import("../../promote/endpoints.js");
      parsePinnedSource(values.publish);
    }
    const signing = values.publish ? await publishSigning(values, io) : undefined;
    const { runBenchKeepingResults } = await import("../../bench/bench.js");
    const { gateScenarios } = await import("../../bench/scenario.js");
    const { defaultComparisonSettings, gateExitCode } = await import("../../bench/verdict.js");
    const { servedSide } = await import("../../bench/served-side.js");
    const scenarios = await gateScenarios(settings.scenarioFile, settings);
    const candidate = await servedSide(settings.candidate);
    // A stored baseline is read before minutes of measuring, so a missing one fails at once.
    const baseline = await readBaseline(settings.baseline);
    const { results, markdown, stopped } = await runBenchKeepingResults({
      scenarios,
      candidate,
      baseline,
      settings: { ...defaultComparisonSettings, thresholdsPct: settings.thresholdsPct },
      warnOnly: settings.warnOnly,
      gateName: settings.gateName,
      onProgress: (message) => io.stderr.write(`cortex-model bench: ${message}\n`),
    });
    const resultsJson = `${JSON.stringify(results, null, 2)}\n`;
    if (values.json) await writeFile(values.json, resultsJson);
    if (values.markdown) await writeFile(values.markdown, markdown);
    else io.stdout.write(markdown);
    // Written first, so what was measured before the failure is kept.
    if (stopped) throw stopped;
    for (const s of results.scenarios) {
      const flagged = s.comparisons.filter((c) => c.verdict === "regression").map((c) => c.metric);
      io.stderr.write(
        `cortex-model bench: ${s.name}: ${s.verdict}${flagged.length ? ` (${flagged.join(", ")})` : ""}\n`,
      );
    }
    io.stderr.write(
      `cortex-model bench: verdict ${results.verdict}${results.settings.warnOnly ? " (warn only)" : ""}\n`,
    );
    if (values.publish) {
      const { publishModelResult } = await import("../../promote/publish.js");
      const { documentPassed } = await import("../../promote/results.js");
      const published = await publishModelResult(
        values.publish,
        "bench",
        resultsJson,
        documentPassed("bench", results) === true,
        signing,
      );
      io.stderr.write(`cortex-model bench: results attached to ${published.model} as ${published.artifact.digest}\n`);
      if (published.attestation) {
        io.stderr.write(`cortex-model bench: signed attestation attached as ${published.attestation.digest}\n`);
      }
    }
    await exportResultMetrics("bench", { kind: "bench", results }, values, io);
    return gateExitCode(results.verdict, results.settings.warnOnly);
  },
};
