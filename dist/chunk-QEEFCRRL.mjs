import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  require_prom_client
} from "./chunk-6QIH4PYN.mjs";
import {
  metricCatalog,
  require_undici
} from "./chunk-PTCBALH6.mjs";
import {
  info,
  metricsExportInputs,
  optionalInput
} from "./chunk-OKSVDTLS.mjs";
import {
  spellingsDisagree
} from "./chunk-SBSIPN6N.mjs";
import {
  TransferError,
  UsageError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name,
  __toESM
} from "./chunk-R62IGYHN.mjs";

// src/github/metrics-export.ts
import path from "node:path";

// src/metrics/export.ts
import { writeFile } from "node:fs/promises";

// src/metrics/exposition.ts
var import_prom_client = __toESM(require_prom_client(), 1);

// src/metrics/result-metrics.ts
import { hostname } from "node:os";
var GROUPING_LABELS = ["model_digest", "backend", "runner", "scenario"];
function runnerName(env) {
  return env.RUNNER_NAME || hostname();
}
__name(runnerName, "runnerName");
var BENCH_VERDICTS = ["pass", "regression", "improvement", "inconclusive"];
var BENCH_UNITS = {
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
  warm_load: { name: "cortex_bench_warm_load_seconds", factor: 1e-3 }
};
function timestamp(iso) {
  return Date.parse(iso) / 1e3;
}
__name(timestamp, "timestamp");
function sectionSamples(section) {
  const samples = BENCH_VERDICTS.map((verdict) => ({
    name: "cortex_bench_verdict",
    help: "1 for the scenario's verdict (pass, regression, improvement, inconclusive), 0 for the others.",
    labels: { verdict },
    value: section.verdict === verdict ? 1 : 0
  }));
  for (const side of ["candidate", "baseline"]) {
    for (const [metric, summary] of Object.entries(section[side].summaries)) {
      const unit = BENCH_UNITS[metric];
      const help = `${metricCatalog[metric].label}, by side (candidate, baseline) and statistic (median, p90).`;
      for (const statistic of ["median", "p90"]) {
        samples.push({ name: unit.name, help, labels: { side, statistic }, value: summary[statistic] * unit.factor });
      }
    }
  }
  for (const comparison of section.comparisons) {
    const labels = { metric: comparison.metric };
    if (comparison.ratio !== void 0) {
      samples.push({
        name: "cortex_bench_ratio",
        help: "Candidate over baseline ratio by metric: of 20%-trimmed geometric means, or of medians without an interval.",
        labels,
        value: comparison.ratio
      });
    }
    if (comparison.interval) {
      samples.push(
        {
          name: "cortex_bench_ratio_lower",
          help: "Lower end of the ratio's interval at the look where the benchmark stopped.",
          labels,
          value: comparison.interval.low
        },
        {
          name: "cortex_bench_ratio_upper",
          help: "Upper end of the ratio's interval at the look where the benchmark stopped.",
          labels,
          value: comparison.interval.high
        }
      );
    }
    samples.push({
      name: "cortex_bench_regression",
      help: "1 when the metric regressed beyond its threshold (the whole interval beyond it), else 0.",
      labels,
      value: comparison.verdict === "regression" ? 1 : 0
    });
  }
  return samples;
}
__name(sectionSamples, "sectionSamples");
function benchMetricGroups(results, runner) {
  const base = { model_digest: results.candidate.digest ?? "", backend: results.candidate.backend ?? "", runner };
  const stamp = {
    name: "cortex_bench_timestamp_seconds",
    help: "When the benchmark ran, in seconds since the epoch.",
    labels: {},
    value: timestamp(results.createdAt)
  };
  const threads = ["candidate", "baseline"].flatMap((side) => {
    const value = results[side].threads;
    return value === void 0 ? [] : [{ name: "cortex_bench_threads", help: "Inference threads of each side's backend.", labels: { side }, value }];
  });
  const sections = [...results.scenarios, ...results.load ? [results.load] : []];
  return sections.map((section) => ({
    grouping: { ...base, scenario: section.name },
    samples: [...sectionSamples(section), ...threads, stamp]
  }));
}
__name(benchMetricGroups, "benchMetricGroups");
function compatMetricGroups(results, runner) {
  const { summary } = results;
  const samples = [
    ...["pass", "fail", "error"].map((status) => ({
      name: "cortex_compat_cases",
      help: "Cases of the suite by status (pass, fail, error).",
      labels: { status },
      value: status === "pass" ? summary.passed : status === "fail" ? summary.failed : summary.errors
    })),
    ...["pass", "fail"].map((verdict) => ({
      name: "cortex_compat_verdict",
      help: "1 for the suite's verdict (pass, fail), 0 for the other.",
      labels: { verdict },
      value: summary.verdict === verdict ? 1 : 0
    })),
    {
      name: "cortex_compat_pass_ratio",
      help: "Weight of passed cases over all cases.",
      labels: {},
      value: summary.passRate
    },
    {
      name: "cortex_compat_threshold_ratio",
      help: "Pass ratio the suite needs.",
      labels: {},
      value: summary.threshold
    },
    {
      name: "cortex_compat_duration_seconds",
      help: "Wall time of the suite.",
      labels: {},
      value: results.durationMs / 1e3
    },
    {
      name: "cortex_compat_timestamp_seconds",
      help: "When the suite ran, in seconds since the epoch.",
      labels: {},
      value: timestamp(results.startedAt)
    }
  ];
  const grouping = {
    model_digest: results.model.digest ?? "",
    backend: results.backend.name ?? "",
    runner,
    scenario: results.suite.name
  };
  return [{ grouping, samples }];
}
__name(compatMetricGroups, "compatMetricGroups");

// src/metrics/exposition.ts
function registryOf(groups, withGrouping, format) {
  const registry = new import_prom_client.Registry();
  if (format === "openmetrics") registry.setContentType(import_prom_client.Registry.OPENMETRICS_CONTENT_TYPE);
  const gauges = /* @__PURE__ */ new Map();
  for (const group of groups) {
    for (const sample of group.samples) {
      const labels = { ...withGrouping ? group.grouping : {}, ...sample.labels };
      let gauge = gauges.get(sample.name);
      if (!gauge) {
        const own = groups.flatMap((g) => g.samples.filter((s) => s.name === sample.name)).flatMap((s) => Object.keys(s.labels));
        const labelNames = [.../* @__PURE__ */ new Set([...withGrouping ? GROUPING_LABELS : [], ...own])];
        gauge = new import_prom_client.Gauge({ name: sample.name, help: sample.help, labelNames, registers: [registry] });
        gauges.set(sample.name, gauge);
      }
      gauge.set(labels, sample.value);
    }
  }
  return registry;
}
__name(registryOf, "registryOf");
function openMetricsText(groups) {
  return registryOf(groups, true, "openmetrics").metrics();
}
__name(openMetricsText, "openMetricsText");
async function pushBody(group) {
  const registry = registryOf([group], false, "prometheus");
  return { contentType: registry.contentType, text: await registry.metrics() };
}
__name(pushBody, "pushBody");

// src/metrics/pushgateway.ts
var import_undici = __toESM(require_undici(), 1);
var PushgatewayUrlError = class extends UsageError {
  static {
    __name(this, "PushgatewayUrlError");
  }
};
var TIMEOUT_MS = 3e4;
function segment(label, value) {
  return `${label}@base64/${value === "" ? "=" : Buffer.from(value, "utf8").toString("base64url")}`;
}
__name(segment, "segment");
function groupUrl(gateway, job, group) {
  const base = gateway.replace(/\/+$/, "");
  const key = GROUPING_LABELS.map((label) => segment(label, group.grouping[label])).join("/");
  return `${base}/metrics/${segment("job", job)}/${key}`;
}
__name(groupUrl, "groupUrl");
function checkGatewayUrl(gateway) {
  let url;
  try {
    url = new URL(gateway);
  } catch {
    throw new PushgatewayUrlError(`pushgateway URL "${gateway}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PushgatewayUrlError(`pushgateway URL "${gateway}" must be http or https`);
  }
}
__name(checkGatewayUrl, "checkGatewayUrl");
async function pushGroups(gateway, job, groups) {
  checkGatewayUrl(gateway);
  const urls = [];
  for (const group of groups) {
    const url = groupUrl(gateway, job, group);
    const { contentType, text } = await pushBody(group);
    const what = `pushgateway ${gateway}, group ${group.grouping.scenario}`;
    let status;
    let answer;
    try {
      const response = await (0, import_undici.request)(url, {
        method: "PUT",
        headers: { "content-type": contentType },
        body: text,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS
      });
      status = response.statusCode;
      answer = (await response.body.text()).trim();
    } catch (error) {
      throw new TransferError(`${what}: ${describeError(error)}`, { cause: error });
    }
    if (status < 200 || status >= 300) {
      throw new TransferError(`${what}: answered ${status}${answer ? `: ${answer.split("\n")[0]}` : ""}`);
    }
    urls.push(url);
  }
  return urls;
}
__name(pushGroups, "pushGroups");

// src/metrics/export.ts
async function exportResults(results, target) {
  const groups = results.kind === "bench" ? benchMetricGroups(results.results, target.runner) : compatMetricGroups(results.results, target.runner);
  if (target.openmetricsFile !== void 0) await writeFile(target.openmetricsFile, await openMetricsText(groups));
  if (target.pushgateway === void 0) return 0;
  await pushGroups(target.pushgateway, target.job, groups);
  return groups.length;
}
__name(exportResults, "exportResults");

// src/github/metrics-export.ts
function metricsExportInput(action, env) {
  const file = optionalInput(metricsExportInputs.openmetrics);
  const pushgateway = optionalInput(metricsExportInputs.pushgateway);
  if (file === void 0 && pushgateway === void 0) return void 0;
  if (pushgateway !== void 0) checkGatewayUrl(pushgateway);
  return {
    ...file === void 0 ? {} : { openmetricsFile: path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), file) },
    ...pushgateway === void 0 ? {} : { pushgateway },
    job: `cortex-model-${action}`,
    runner: runnerName(env)
  };
}
__name(metricsExportInput, "metricsExportInput");
async function exportActionMetrics(results, target) {
  if (!target) return;
  const pushed = await exportResults(results, target);
  if (target.openmetricsFile) info(`OpenMetrics written to ${target.openmetricsFile}`);
  if (pushed > 0) info(`${pushed} metric group(s) pushed to ${target.pushgateway} as job ${target.job}`);
}
__name(exportActionMetrics, "exportActionMetrics");

// src/core/model-settings.ts
function servedModelSettings(source, prefix, oldRefs) {
  const label = /* @__PURE__ */ __name((name) => source.label(`${prefix}${name}`), "label");
  const id = source.value(`${prefix}model-id`);
  const model = source.value(`${prefix}model`);
  const oldRef = oldRefs.map((name) => ({ name, value: source.value(name) })).find((o) => o.value !== void 0);
  if (id === void 0 && model !== void 0) {
    source.warn(
      `${label("model")} as the served model name is deprecated; give that as ${label("model-id")} and the model reference as ${label("model")}${oldRef ? ` (instead of ${source.label(oldRef.name)})` : ""}`
    );
    return { id: model, ...oldRef ? { ref: oldRef.value } : {} };
  }
  if (oldRef === void 0)
    return { ...id === void 0 ? {} : { id }, ...model === void 0 ? {} : { ref: model } };
  if (model !== void 0 && model !== oldRef.value) {
    throw spellingsDisagree(
      source,
      { setting: `${prefix}model`, value: model },
      { setting: oldRef.name, value: oldRef.value }
    );
  }
  source.warn(`${source.label(oldRef.name)} is deprecated; use ${label("model")}`);
  return { ...id === void 0 ? {} : { id }, ref: oldRef.value };
}
__name(servedModelSettings, "servedModelSettings");

export {
  servedModelSettings,
  metricsExportInput,
  exportActionMetrics
};
