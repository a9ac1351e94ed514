import path from "node:path";
import * as core from "@actions/core";
import { type ExportableResults, exportResults, type MetricsExport } from "../metrics/export.js";
import { checkGatewayUrl } from "../metrics/pushgateway.js";
import { runnerName } from "../metrics/result-metrics.js";
import { metricsExportInputs as metricsInputs } from "./constants.js";
import { optionalInput } from "./inputs.js";

/** The export the inputs ask for, or undefined; the job is `cortex-model-<action>`. */
export function metricsExportInput(action: string, env: NodeJS.ProcessEnv): MetricsExport | undefined {
  const file = optionalInput(metricsInputs.openmetrics);
  const pushgateway = optionalInput(metricsInputs.pushgateway);
  if (file === undefined && pushgateway === undefined) return undefined;
  if (pushgateway !== undefined) checkGatewayUrl(pushgateway);
  return {
    ...(file === undefined ? {} : { openmetricsFile: path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), file) }),
    ...(pushgateway === undefined ? {} : { pushgateway }),
    job: `cortex-model-${action}`,
    runner: runnerName(env),
  };
}

export async function exportActionMetrics(
  results: ExportableResults,
  target: MetricsExport | undefined,
): Promise<void> {
  if (!target) return;
  const pushed = await exportResults(results, target);
  if (target.openmetricsFile) core.info(`OpenMetrics written to ${target.openmetricsFile}`);
  if (pushed > 0) core.info(`${pushed} metric group(s) pushed to ${target.pushgateway} as job ${target.job}`);
}
