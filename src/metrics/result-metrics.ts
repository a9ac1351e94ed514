import { hostname } from "node:os";
import { type MetricName, metricCatalog } from "../bench/metric-catalog.js";
import type { BenchResults, SectionResult } from "../bench/results.js";
import type { Verdict } from "../bench/verdict.js";
import type { CompatResults } from "../compat/results.js";

/**
 * Bench and compat results as Prometheus samples, one group per scenario (a bench scenario, the load
 * section, or a compat suite). A group is what a Pushgateway keeps together: its labels are the grouping
 * key (model digest, backend, runner, scenario), so a later run of the same scenario on the same runner
 * replaces the figures it pushed before. Every metric is a gauge: a result is a snapshot about one digest,
 * not a running count. Units are those Prometheus names carry (seconds, bytes), converted from the results.
 */

export interface Grouping {
  readonly model_digest: string;
  readonly backend: string;
  readonly runner: string;
  readonly scenario: string;
}

export const GROUPING_LABELS = ["model_digest", "backend", "runner", "scenario"] as const;

export interface ResultSample {
  readonly name: string;
  readonly help: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricGroup {
  readonly grouping: Grouping;
  readonly samples: readonly ResultSample[];
}

/** The runner a result was measured on: the Actions runner's name, else the host name. */
export function runnerName(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_NAME || hostname();
}

const BENCH_VERDICTS: readonly Verdict[] = ["pass", "regression", "improvement", "inconclusive"];

/** Prometheus name and the factor from the catalogue's unit to the base unit in that name. */
const BENCH_UNITS: Readonly<Record<MetricName, { readonly name: string; readonly factor: number }>> = {
  ttft: { name: "cortex_bench_ttft_seconds", factor: 1e-3 },
  tpot: { name: "cortex_bench_tpot_seconds", factor: 1e-3 },
  itl: { name: "cortex_bench_itl_seconds", factor: 1e-3 },
  e2e: { name: "cortex_bench_e2e_seconds", factor: 1e-3 },
  output_tps: { name: "cortex_bench_output_tokens_per_second", factor: 1 },
  prompt_tps: { name: "cortex_bench_prompt_tokens_per_second", factor: 1 },
  request_throughput: { name: "cortex_bench_requests_per_second", factor: 1 },
  peak_rss: { name: "cortex_bench_peak_rss_bytes", factor: 2 ** 20 },
  cpu: { name: "cortex_bench_cpu_seconds", factor: 1 },
  cold_load: { name: "cortex_bench_cold_load_seconds", factor: 1e-3 },
  warm_load: { name: "cortex_bench_warm_load_seconds", factor: 1e-3 },
};

function timestamp(iso: string): number {
  return Date.parse(iso) / 1000;
}

function sectionSamples(section: SectionResult): ResultSample[] {
  const samples: ResultSample[] = BENCH_VERDICTS.map((verdict) => ({
    name: "cortex_bench_verdict",
    help: "1 for the scenario's verdict (pass, regression, improvement, inconclusive), 0 for the others.",
    labels: { verdict },
    value: section.verdict === verdict ? 1 : 0,
  }));
  for (const side of ["candidate", "baseline"] as const) {
    for (const [metric, summary] of Object.entries(section[side].summaries) as [
      MetricName,
      { median: number; p90: number },
    ][]) {
      const unit = BENCH_UNITS[metric];
      const help = `${metricCatalog[metric].label}, by side (candidate, baseline) and statistic (median, p90).`;
      for (const statistic of ["median", "p90"] as const) {
        samples.push({ name: unit.name, help, labels: { side, statistic }, value: summary[statistic] * unit.factor });
      }
    }
  }
  for (const comparison of section.comparisons) {
    const labels = { metric: comparison.metric };
    // A ratio that is no number (a baseline median of 0) is left out rather than exported as NaN.
    if (comparison.ratio !== undefined) {
      samples.push({
        name: "cortex_bench_ratio",
        help: "Candidate over baseline ratio by metric: of 20%-trimmed geometric means, or of medians without an interval.",
        labels,
        value: comparison.ratio,
      });
    }
    if (comparison.interval) {
      samples.push(
        {
          name: "cortex_bench_ratio_lower",
          help: "Lower end of the ratio's interval at the look where the benchmark stopped.",
          labels,
          value: comparison.interval.low,
        },
        {
          name: "cortex_bench_ratio_upper",
          help: "Upper end of the ratio's interval at the look where the benchmark stopped.",
          labels,
          value: comparison.interval.high,
        },
      );
    }
    samples.push({
      name: "cortex_bench_regression",
      help: "1 when the metric regressed beyond its threshold (the whole interval beyond it), else 0.",
      labels,
      value: comparison.verdict === "regression" ? 1 : 0,
    });
  }
  return samples;
}

export function benchMetricGroups(results: BenchResults, runner: string): MetricGroup[] {
  const base = { model_digest: results.candidate.digest ?? "", backend: results.candidate.backend ?? "", runner };
  const stamp: ResultSample = {
    name: "cortex_bench_timestamp_seconds",
    help: "When the benchmark ran, in seconds since the epoch.",
    labels: {},
    value: timestamp(results.createdAt),
  };
  const threads = (["candidate", "baseline"] as const).flatMap((side) => {
    const value = results[side].threads;
    return value === undefined
      ? []
      : [{ name: "cortex_bench_threads", help: "Inference threads of each side's backend.", labels: { side }, value }];
  });
  const sections: SectionResult[] = [...results.scenarios, ...(results.load ? [results.load] : [])];
  return sections.map((section) => ({
    grouping: { ...base, scenario: section.name },
    samples: [...sectionSamples(section), ...threads, stamp],
  }));
}

export function compatMetricGroups(results: CompatResults, runner: string): MetricGroup[] {
  const { summary } = results;
  const samples: ResultSample[] = [
    ...(["pass", "fail", "error"] as const).map((status) => ({
      name: "cortex_compat_cases",
      help: "Cases of the suite by status (pass, fail, error).",
      labels: { status },
      value: status === "pass" ? summary.passed : status === "fail" ? summary.failed : summary.errors,
    })),
    ...(["pass", "fail"] as const).map((verdict) => ({
      name: "cortex_compat_verdict",
      help: "1 for the suite's verdict (pass, fail), 0 for the other.",
      labels: { verdict },
      value: summary.verdict === verdict ? 1 : 0,
    })),
    {
      name: "cortex_compat_pass_ratio",
      help: "Weight of passed cases over all cases.",
      labels: {},
      value: summary.passRate,
    },
    {
      name: "cortex_compat_threshold_ratio",
      help: "Pass ratio the suite needs.",
      labels: {},
      value: summary.threshold,
    },
    {
      name: "cortex_compat_duration_seconds",
      help: "Wall time of the suite.",
      labels: {},
      value: results.durationMs / 1000,
    },
    {
      name: "cortex_compat_timestamp_seconds",
      help: "When the suite ran, in seconds since the epoch.",
      labels: {},
      value: timestamp(results.startedAt),
    },
  ];
  const grouping = {
    model_digest: results.model.digest ?? "",
    backend: results.backend.name ?? "",
    runner,
    scenario: results.suite.name,
  };
  return [{ grouping, samples }];
}
