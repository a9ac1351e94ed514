import { writeFile } from "node:fs/promises";
import type { GateSide } from "../../bench/bench.js";
import { BOUNDS, type Bounds, boundsRange } from "../../core/bounds.js";
import { UsageError } from "../../core/errors.js";
import { type Command, parseCommandArgs } from "../command.js";
import {
  checkMetricsExport,
  exportResultMetrics,
  metricsExportOptions,
  metricsExportUsage,
} from "../metrics-export.js";
import { optionalNumberOption, parseNumberOption } from "../option-values.js";
import { publishSigning } from "../publish-signing.js";
import { signingOptions, signingUsage } from "../trust-flags.js";

const usage = `Usage: cortex-model bench --base-url URL --model NAME
         (--baseline-base-url URL --baseline-model NAME | --baseline-file FILE | --baseline-ref REF) [options]

Benchmarks a served model (the candidate) against a baseline and gives a verdict per metric from an
interval of the candidate/baseline ratio, looked at every 5 runs: it stops as soon as a regression is
shown or every metric is shown not worse than its threshold, or at --runs. With a served baseline the
runs are interleaved (baseline, candidate, baseline, ...) after warm-up runs; with --baseline-file or
--baseline-ref the candidate is compared with the candidate side of a stored results JSON. Exactly one
baseline per run. Exit 0 no regression shown (pass, improvement or inconclusive), 1 regression, 2 could
not run.

Sides (the baseline's flags start with --baseline-):
  --base-url URL            OpenAI-compatible base URL, usually ending in /v1
  --model NAME              model name the server answers to
  --ref REF                 reference recorded in the results (default: --model)
  --digest DIGEST           manifest digest recorded in the results
  --backend NAME            backend recorded in the results (e.g. embedded, ollama)
  --threads N               inference threads, ${boundsRange(BOUNDS.threads)} (default: what the server's /models
                            reports, if anything)
  --pid PID                 backend process, ${boundsRange(BOUNDS.pid)}: sample peak RSS and CPU seconds of its
                            process tree
  --cold-load-ms MS         cold load time measured when starting the backend, ${boundsRange(BOUNDS.loadMilliseconds)}
                            (repeatable)
  --warm-load-ms MS         warm load time, ${boundsRange(BOUNDS.loadMilliseconds)} (repeatable)
  --baseline-file FILE      stored results JSON to compare against instead of a served baseline
  --baseline-ref REF        the bench results attached in the registry to the digest REF resolves to
                            (e.g. registry/ns/model:stable, or oci:DIR:TAG), as --publish attaches them

Workload and statistics:
  --scenario FILE           scenario YAML (schemas/scenario.schema.json; default: one built-in scenario)
  --runs N                  most measured runs per side, ${boundsRange(BOUNDS.runs)}, overriding the scenarios (default 60)
  --warmup N                warm-up runs per side, ${boundsRange(BOUNDS.warmup)}, excluded (default 3)
  --threshold METRIC=PCT    accepted change in the worse direction (repeatable; metrics: ttft tpot itl e2e
                            output_tps prompt_tps request_throughput peak_rss cpu cold_load warm_load)

Output:
  --json FILE               write the results JSON
  --markdown FILE           write the Markdown report (default: print it)
  --gate-name NAME          name in the report's hidden marker <!-- cortex-model-gate:NAME --> (default bench)
  --warn-only               report regressions but exit 0
  --publish REF             attach the results JSON to this model (pinned by digest) as an OCI referrer,
                            for promote --require bench
${signingUsage}
                            with --publish: also attach a signed bench attestation
${metricsExportUsage}`;

function integer(flag: string, value: string | undefined, bounds: Bounds): number | undefined {
  return optionalNumberOption(value, `--${flag}`, bounds);
}

function milliseconds(flag: string, values: string[] | undefined): number[] {
  return (values ?? []).map((value) => parseNumberOption(value, `--${flag}`, BOUNDS.loadMilliseconds));
}

const sideFlags = (prefix: string) =>
  ({
    [`${prefix}base-url`]: { type: "string" },
    [`${prefix}model`]: { type: "string" },
    [`${prefix}ref`]: { type: "string" },
    [`${prefix}digest`]: { type: "string" },
    [`${prefix}backend`]: { type: "string" },
    [`${prefix}threads`]: { type: "string" },
    [`${prefix}pid`]: { type: "string" },
    [`${prefix}cold-load-ms`]: { type: "string", multiple: true },
    [`${prefix}warm-load-ms`]: { type: "string", multiple: true },
  }) as const;

type Values = Record<string, string | string[] | boolean | undefined>;

async function side(values: Values, prefix: "" | "baseline-"): Promise<GateSide> {
  const text = (name: string) => values[`${prefix}${name}`] as string | undefined;
  const list = (name: string) => values[`${prefix}${name}`] as string[] | undefined;
  const baseUrl = text("base-url");
  const model = text("model");
  if (!baseUrl || !model) throw new UsageError(`bench: --${prefix}base-url and --${prefix}model go together`);
  const threads = integer(`${prefix}threads`, text("threads"), BOUNDS.threads);
  const pid = integer(`${prefix}pid`, text("pid"), BOUNDS.pid);
  const ref = text("ref");
  const digest = text("digest");
  const backend = text("backend");
  const { servedSide } = await import("../../bench/served-side.js");
  return servedSide({
    baseUrl,
    model,
    ...(ref === undefined ? {} : { ref }),
    ...(digest === undefined ? {} : { digest }),
    ...(backend === undefined ? {} : { backend }),
    ...(threads === undefined ? {} : { threads }),
    ...(pid === undefined ? {} : { pid }),
    coldLoadMs: milliseconds(`${prefix}cold-load-ms`, list("cold-load-ms")),
    warmLoadMs: milliseconds(`${prefix}warm-load-ms`, list("warm-load-ms")),
  });
}

function checkOneBaseline(v: Values): void {
  const given = [
    v["baseline-base-url"] !== undefined || v["baseline-model"] !== undefined,
    v["baseline-file"] !== undefined,
    v["baseline-ref"] !== undefined,
  ];
  if (given.filter(Boolean).length !== 1) {
    throw new UsageError(
      "bench: give exactly one baseline: --baseline-base-url with --baseline-model, --baseline-file, or --baseline-ref",
    );
  }
}

/** The baseline the flags name: results from a file or a registry, or a served endpoint to measure. */
async function readBaseline(v: Values) {
  const stored = await import("../../bench/stored-baseline.js");
  const file = v["baseline-file"] as string | undefined;
  const ref = v["baseline-ref"] as string | undefined;
  if (file !== undefined) return { kind: "stored" as const, stored: await stored.baselineFromFile(file) };
  if (ref !== undefined) return { kind: "stored" as const, stored: await stored.baselineFromRegistry(ref) };
  return { kind: "served" as const, side: await side(v, "baseline-") };
}

export const bench: Command = {
  name: "bench",
  summary: "benchmark a served model against a baseline and gate on regressions",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(
      "bench",
      args,
      {
        ...sideFlags(""),
        ...sideFlags("baseline-"),
        "baseline-file": { type: "string" },
        "baseline-ref": { type: "string" },
        scenario: { type: "string" },
        runs: { type: "string" },
        warmup: { type: "string" },
        threshold: { type: "string", multiple: true },
        json: { type: "string" },
        markdown: { type: "string" },
        "gate-name": { type: "string", default: "bench" },
        "warn-only": { type: "boolean", default: false },
        publish: { type: "string" },
        ...metricsExportOptions,
        ...signingOptions,
      },
      false,
    );
    const v = values as Values;
    await checkMetricsExport(values);
    checkOneBaseline(v);
    if (v.publish) {
      // Checked before minutes of measuring: a result must name the exact digest it is about.
      const { parsePinnedSource } = await import("../../promote/endpoints.js");
      parsePinnedSource(v.publish as string);
    }
    const signing = v.publish ? await publishSigning(v, io) : undefined;
    const { runBench } = await import("../../bench/bench.js");
    const { gateScenarios } = await import("../../bench/scenario.js");
    const { defaultComparisonSettings, gateExitCode, parseThreshold } = await import("../../bench/verdict.js");
    const { gateMarker } = await import("../../bench/report.js");
    const gateName = v["gate-name"] as string;
    gateMarker(gateName);
    const runs = integer("runs", v.runs as string | undefined, BOUNDS.runs);
    const warmup = integer("warmup", v.warmup as string | undefined, BOUNDS.warmup);
    const scenarios = await gateScenarios(v.scenario as string | undefined, { runs, warmup });
    const settings = {
      ...defaultComparisonSettings,
      thresholdsPct: Object.fromEntries(((v.threshold as string[] | undefined) ?? []).map(parseThreshold)),
    };
    const candidate = await side(v, "");
    // A stored baseline is read before minutes of measuring, so a missing one fails at once.
    const baseline = await readBaseline(v);
    const { results, markdown } = await runBench({
      scenarios,
      candidate,
      baseline,
      settings,
      warnOnly: v["warn-only"] === true,
      gateName,
      onProgress: (message) => io.stderr.write(`cortex-model bench: ${message}\n`),
    });
    const resultsJson = `${JSON.stringify(results, null, 2)}\n`;
    if (v.json) await writeFile(v.json as string, resultsJson);
    if (v.markdown) await writeFile(v.markdown as string, markdown);
    else io.stdout.write(markdown);
    for (const s of results.scenarios) {
      const flagged = s.comparisons.filter((c) => c.verdict === "regression").map((c) => c.metric);
      io.stderr.write(
        `cortex-model bench: ${s.name}: ${s.verdict}${flagged.length ? ` (${flagged.join(", ")})` : ""}\n`,
      );
    }
    io.stderr.write(
      `cortex-model bench: verdict ${results.verdict}${results.settings.warnOnly ? " (warn only)" : ""}\n`,
    );
    if (v.publish) {
      const { publishModelResult } = await import("../../promote/publish.js");
      const { documentPassed } = await import("../../promote/results.js");
      const published = await publishModelResult(
        v.publish as string,
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
