import { resolve } from "node:path";
import type { ExportableResults } from "../metrics/export.js";
import type { CommandIO } from "./command.js";

/** The flags of every command whose results can go to Prometheus. */
export const metricsExportOptions = {
  openmetrics: { type: "string" },
  pushgateway: { type: "string" },
} as const;

export const metricsExportUsage = `  --openmetrics FILE        write the results as OpenMetrics text (gauges labelled model_digest, backend,
                            runner, scenario)
  --pushgateway URL         push the results to a Prometheus Pushgateway, one group per scenario`;

type Values = { openmetrics?: string | undefined; pushgateway?: string | undefined };

/** Checked before any measuring, so a mistyped URL fails at once. */
export async function checkMetricsExport(values: Values): Promise<void> {
  if (values.pushgateway === undefined) return;
  const { checkGatewayUrl } = await import("../metrics/pushgateway.js");
  checkGatewayUrl(values.pushgateway);
}

/** Writes and pushes what the flags ask for; the job is `cortex-model-<command>`. */
export async function exportResultMetrics(
  command: string,
  results: ExportableResults,
  values: Values,
  io: CommandIO,
): Promise<void> {
  if (values.openmetrics === undefined && values.pushgateway === undefined) return;
  const { exportResults } = await import("../metrics/export.js");
  const { runnerName } = await import("../metrics/result-metrics.js");
  const pushed = await exportResults(results, {
    ...(values.openmetrics === undefined ? {} : { openmetricsFile: resolve(io.cwd, values.openmetrics) }),
    ...(values.pushgateway === undefined ? {} : { pushgateway: values.pushgateway }),
    job: `cortex-model-${command}`,
    runner: runnerName(io.env),
  });
  if (pushed > 0)
    io.stderr.write(`cortex-model ${command}: ${pushed} metric group(s) pushed to ${values.pushgateway}\n`);
}
