import { Gauge, Registry, type RegistryContentType } from "prom-client";
import { GROUPING_LABELS, type MetricGroup } from "./result-metrics.js";

/**
 * Renders result samples with prom-client. The file export carries the grouping labels on every sample, so
 * one file holds every scenario; a Pushgateway body leaves them out, since the gateway adds its grouping key
 * to what it stores under it.
 */

type Format = "openmetrics" | "prometheus";

function registryOf(
  groups: readonly MetricGroup[],
  withGrouping: boolean,
  format: Format,
): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  if (format === "openmetrics") registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const gauges = new Map<string, Gauge>();
  for (const group of groups) {
    for (const sample of group.samples) {
      const labels = { ...(withGrouping ? group.grouping : {}), ...sample.labels };
      let gauge = gauges.get(sample.name);
      if (!gauge) {
        const own = groups
          .flatMap((g) => g.samples.filter((s) => s.name === sample.name))
          .flatMap((s) => Object.keys(s.labels));
        const labelNames = [...new Set([...(withGrouping ? GROUPING_LABELS : []), ...own])];
        gauge = new Gauge({ name: sample.name, help: sample.help, labelNames, registers: [registry] });
        gauges.set(sample.name, gauge);
      }
      gauge.set(labels, sample.value);
    }
  }
  return registry;
}

/** OpenMetrics text of every group, grouping labels on each sample. */
export function openMetricsText(groups: readonly MetricGroup[]): Promise<string> {
  return registryOf(groups, true, "openmetrics").metrics();
}

/** One group as a Pushgateway body (Prometheus text format) and its content type. */
export async function pushBody(group: MetricGroup): Promise<{ contentType: string; text: string }> {
  const registry = registryOf([group], false, "prometheus");
  return { contentType: registry.contentType, text: await registry.metrics() };
}
