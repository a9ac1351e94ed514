/**
 * Every metric the gate compares: its unit, which direction is better, and the default threshold. One
 * table so the runner, the verdict and the reports cannot disagree about a metric.
 */
export const metricNames = [
  "ttft",
  "tpot",
  "itl",
  "e2e",
  "output_tps",
  "prompt_tps",
  "request_throughput",
  "peak_rss",
  "cpu",
  "cold_load",
  "warm_load",
] as const;

export type MetricName = (typeof metricNames)[number];

export type Direction = "lower-is-better" | "higher-is-better";

export interface MetricInfo {
  readonly label: string;
  readonly unit: string;
  readonly direction: Direction;
  /** Percent change in the worse direction that the team accepts; see docs/bench.md for the calibration. */
  readonly defaultThresholdPct: number;
}

// Latencies and token rates share the calibrated 5%: `npm run bench:gate-calibration` shows that with the
// default repetitions a 15% slowdown under 10% noise is caught and an A/A run does not alarm. Memory barely
// moves between runs, so a tighter figure would do, but allocator growth makes 10% the honest floor. Load
// times and CPU seconds come in few samples per job, so they get a wider band.
export const metricCatalog: Readonly<Record<MetricName, MetricInfo>> = {
  ttft: { label: "TTFT", unit: "ms", direction: "lower-is-better", defaultThresholdPct: 5 },
  tpot: { label: "TPOT", unit: "ms", direction: "lower-is-better", defaultThresholdPct: 5 },
  itl: { label: "ITL", unit: "ms", direction: "lower-is-better", defaultThresholdPct: 5 },
  e2e: { label: "E2E latency", unit: "ms", direction: "lower-is-better", defaultThresholdPct: 5 },
  output_tps: { label: "Output tok/s", unit: "tok/s", direction: "higher-is-better", defaultThresholdPct: 5 },
  prompt_tps: { label: "Prompt tok/s", unit: "tok/s", direction: "higher-is-better", defaultThresholdPct: 5 },
  request_throughput: {
    label: "Request throughput",
    unit: "req/s",
    direction: "higher-is-better",
    defaultThresholdPct: 5,
  },
  peak_rss: { label: "Peak RSS", unit: "MiB", direction: "lower-is-better", defaultThresholdPct: 10 },
  cpu: { label: "CPU time per run", unit: "s", direction: "lower-is-better", defaultThresholdPct: 10 },
  cold_load: { label: "Cold load", unit: "ms", direction: "lower-is-better", defaultThresholdPct: 10 },
  warm_load: { label: "Warm load", unit: "ms", direction: "lower-is-better", defaultThresholdPct: 10 },
};

export function isMetricName(name: string): name is MetricName {
  return (metricNames as readonly string[]).includes(name);
}
