import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { BenchResults } from "../bench/results.js";
import type { CompatResults } from "../compat/results.js";
import type { CommandIO } from "./command.js";

/** The flags of every command whose results can go to Prometheus. */
export const metricsExportOptions = {
  openmetrics: { type: "string" },
  pushgateway: { type: "string" },
} as const;

export const metricsExportUsage = `  --openmetrics FILE        write the results as OpenMetrics text (gauges labelled model_digest, backend,
                            runner, scenario)
  --pushgateway URL         push the results to a Prometheus Pushgateway, one group per scenario`;

type Results =
  | { readonly kind: "bench"; readonly results: BenchResults }
  | { readonly kind: "compat"; readonly results: CompatResults };

/** Checked before any measuring, so a mistyped URL fails at once. */
export async function checkMetricsExport(values: { pushgateway?: string | undefined }): Promise<void> {
  if (values.pushgateway === undefined) return;
  const { checkGatewayUrl } = await import("../metrics/pushgateway.js");
  checkGatewayUrl(values.pushgateway);
}

/** Writes and pushes what the flags ask for; the job is `cortex-model-<command>`. */
export async function exportResultMetrics(
  command: string,
  results: Results,
  values: { openmetrics?: string | undefined; pushgateway?: string | undefined },
  io: CommandIO,
): Promise<void> {
  if (values.openmetrics === undefined && values.pushgateway === undefined) return;
  const { benchMetricGroups, compatMetricGroups, runnerName } = await import("../metrics/result-metrics.js");
  const runner = runnerName(io.env);
  const groups =
    results.kind === "bench" ? benchMetricGroups(results.results, runner) : compatMetricGroups(results.results, runner);
  if (values.openmetrics !== undefined) {
    const { openMetricsText } = await import("../metrics/exposition.js");
    await writeFile(resolve(io.cwd, values.openmetrics), await openMetricsText(groups));
  }
  if (values.pushgateway !== undefined) {
    const { pushGroups } = await import("../metrics/pushgateway.js");
    await pushGroups(values.pushgateway, `cortex-model-${command}`, groups);
    io.stderr.write(`cortex-model ${command}: ${groups.length} metric group(s) pushed to ${values.pushgateway}\n`);
  }
}
