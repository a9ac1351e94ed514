import { writeFile } from "node:fs/promises";
import type { BenchResults } from "../bench/results.js";
import type { CompatResults } from "../compat/results.js";
import { openMetricsText } from "./exposition.js";
import { pushGroups } from "./pushgateway.js";
import { benchMetricGroups, compatMetricGroups } from "./result-metrics.js";

export type ExportableResults =
  | { readonly kind: "bench"; readonly results: BenchResults }
  | { readonly kind: "compat"; readonly results: CompatResults };

export interface MetricsExport {
  /** Where to write the OpenMetrics text. */
  readonly openmetricsFile?: string;
  /** Pushgateway base URL. */
  readonly pushgateway?: string;
  /** The Pushgateway job. */
  readonly job: string;
  /** The runner label: where the results were measured. */
  readonly runner: string;
}

/** Writes and pushes what `target` asks for; returns how many groups were pushed. */
export async function exportResults(results: ExportableResults, target: MetricsExport): Promise<number> {
  const groups =
    results.kind === "bench"
      ? benchMetricGroups(results.results, target.runner)
      : compatMetricGroups(results.results, target.runner);
  if (target.openmetricsFile !== undefined) await writeFile(target.openmetricsFile, await openMetricsText(groups));
  if (target.pushgateway === undefined) return 0;
  await pushGroups(target.pushgateway, target.job, groups);
  return groups.length;
}
