import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  isMetricName,
  metricCatalog,
  metricNames
} from "./chunk-VI4DLPPF.mjs";
import {
  require_ajv,
  require_dist
} from "./chunk-NXMSOHYS.mjs";
import {
  CortexError,
  UsageError,
  describeError
} from "./chunk-O2MWNKLJ.mjs";
import {
  __name,
  __toESM
} from "./chunk-R62IGYHN.mjs";

// src/bench/baseline-origin.ts
function describeOrigin(origin) {
  switch (origin.source) {
    case "file":
      return `baseline file ${origin.file}`;
    case "registry":
      return `bench results ${origin.resultDigest} attached to ${origin.digest} (${origin.ref})`;
    case "cache":
      return `cached baseline ${origin.cacheKey}`;
  }
}
__name(describeOrigin, "describeOrigin");

// src/bench/report.ts
function gateMarker(name) {
  if (!/^[A-Za-z0-9._/-]+$/.test(name) || name.includes("--")) {
    throw new UsageError(`gate name "${name}" may only hold letters, digits and . _ / - (no "--")`);
  }
  return `<!-- cortex-model-gate:${name} -->`;
}
__name(gateMarker, "gateMarker");
var verdictBadge = {
  regression: "\u{1F534} regression",
  improvement: "\u{1F7E2} improvement",
  pass: "\u2705 pass",
  inconclusive: "\u{1F7E1} inconclusive"
};
function formatNumber(value) {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toFixed(digits);
}
__name(formatNumber, "formatNumber");
function formatChange(ratio) {
  const pct = (ratio - 1) * 100;
  const text = `${Math.abs(pct).toFixed(1)}%`;
  if (text === "0.0%") return "\xB10.0%";
  return pct > 0 ? `+${text}` : `\u2212${text}`;
}
__name(formatChange, "formatChange");
function arrow(ratio) {
  if (ratio > 1) return " \u2191";
  if (ratio < 1) return " \u2193";
  return "";
}
__name(arrow, "arrow");
function describeSide(side) {
  const parts = [`\`${side.modelRef}\``];
  if (side.digest) parts.push(`\`${side.digest.slice(0, 19)}\u2026\``);
  if (side.backend) parts.push(side.backend);
  if (side.threads !== void 0) parts.push(`${side.threads} thread${side.threads === 1 ? "" : "s"}`);
  return parts.join(" \xB7 ");
}
__name(describeSide, "describeSide");
function tableRow(c) {
  const info = metricCatalog[c.metric];
  const interval = c.interval ? `${formatChange(c.interval.low)} \u2026 ${formatChange(c.interval.high)}` : "n/a";
  return `| ${info.label} (${info.unit}) | ${formatNumber(c.baselineMedian)} | ${formatNumber(c.candidateMedian)} | ${formatChange(c.ratio)}${arrow(c.ratio)} | ${interval} | \xB1${c.thresholdPct}% | ${verdictBadge[c.verdict]} |`;
}
__name(tableRow, "tableRow");
function markdownTable(comparisons) {
  return [
    "| Metric | Baseline (median) | Candidate (median) | Change | 95% CI of change | Threshold | Verdict |",
    "| --- | ---: | ---: | ---: | :---: | ---: | --- |",
    ...comparisons.map(tableRow)
  ].join("\n");
}
__name(markdownTable, "markdownTable");
function quote(text) {
  return `"${text.replace(/"/g, "'")}"`;
}
__name(quote, "quote");
function mermaidChart(section2) {
  const comparisons = section2.comparisons.filter((c) => Number.isFinite(c.ratio));
  if (comparisons.length === 0) return "";
  const percents = comparisons.map((c) => Math.round(c.ratio * 1e3) / 10);
  const top = Math.ceil((Math.max(105, ...percents) + 5) / 10) * 10;
  const bottom = Math.max(0, Math.floor((Math.min(95, ...percents) - 5) / 10) * 10);
  return [
    "```mermaid",
    "xychart-beta",
    `    title ${quote(`${section2.name}: candidate median, % of baseline`)}`,
    `    x-axis [${comparisons.map((c) => quote(metricCatalog[c.metric].label)).join(", ")}]`,
    `    y-axis "% of baseline" ${bottom} --> ${top}`,
    `    bar [${percents.join(", ")}]`,
    `    line [${comparisons.map(() => 100).join(", ")}]`,
    "```"
  ].join("\n");
}
__name(mermaidChart, "mermaidChart");
function measurementCheck(section2) {
  const sides = ["baseline", "candidate"].flatMap((side) => {
    const ratio = section2[side].clientToBackendOutputRate;
    return ratio === void 0 ? [] : [`${formatChange(ratio)} (${side})`];
  });
  return sides.length ? ["", `Output tok/s through our client vs the backend's own count for the same generations: ${sides.join(", ")}.`] : [];
}
__name(measurementCheck, "measurementCheck");
function sectionMarkdown(section2, heading) {
  const hints = section2.comparisons.filter((c) => c.hint).map((c) => `- ${metricCatalog[c.metric].label}: ${c.hint}`);
  return [
    heading,
    "",
    markdownTable(section2.comparisons),
    ...hints.length ? ["", ...hints] : [],
    ...measurementCheck(section2)
  ].join("\n");
}
__name(sectionMarkdown, "sectionMarkdown");
function baselineSource(baseline) {
  switch (baseline.source) {
    case "interleaved":
      return "interleaved in this job";
    case "file":
      return `stored results \`${baseline.file}\``;
    case "registry":
      return `results attached in the registry, artifact \`${baseline.resultDigest?.slice(0, 19)}\u2026\``;
    case "cache":
      return `Actions cache \`${baseline.cacheKey}\``;
  }
}
__name(baselineSource, "baselineSource");
function renderMarkdown(results, options) {
  const m = results.machine;
  const memoryGiB = (m.memoryBytes / 2 ** 30).toFixed(1);
  const thresholdNote = "Regression or improvement only when the whole 95% interval lies beyond the threshold; inconclusive when it crosses it.";
  const blocks = [
    gateMarker(options.gateName),
    `## Model benchmark: ${verdictBadge[results.verdict]}`,
    "",
    `- **Baseline** (${baselineSource(results.baseline)}): ${describeSide(results.baseline)}`,
    `- **Candidate**: ${describeSide(results.candidate)}`,
    `- **Runner**: ${m.cpuModel}, ${m.availableParallelism}/${m.logicalCpus} CPUs usable, ${memoryGiB} GiB, ${m.gpus.length ? m.gpus.join(", ") : "no GPU"}, ${m.os}`,
    `- **Statistics**: medians; percentile bootstrap (${results.settings.resamples} resamples, seed ${results.settings.seed}) of the candidate/baseline ratio. ${thresholdNote}`
  ];
  for (const s of results.scenarios) {
    const heading = `### Scenario \`${s.name}\`: ${verdictBadge[s.verdict]}

${s.runs} runs per side (${s.warmupRunsExcluded} warm-up runs per side excluded), concurrency ${s.concurrency}, max_tokens ${s.maxTokens}, ${s.promptCount} prompt(s), ${s.api} API.`;
    blocks.push("", sectionMarkdown(s, heading), "", mermaidChart(s));
  }
  if (results.load && results.load.comparisons.length > 0) {
    blocks.push("", sectionMarkdown(results.load, `### Backend load: ${verdictBadge[results.load.verdict]}`));
  }
  if (results.verdict === "regression" && results.settings.warnOnly) {
    blocks.push("", "> [!WARNING]\n> Regressions were found; the gate is set to warn only, so the run did not fail.");
  }
  return `${blocks.join("\n")}
`;
}
__name(renderMarkdown, "renderMarkdown");

// src/bench/statistics.ts
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = state + 1831565813 >>> 0;
    let t = state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
__name(seededRandom, "seededRandom");
function requireSamples(values, what) {
  if (values.length === 0) throw new UsageError(`${what} of an empty sample`);
}
__name(requireSamples, "requireSamples");
function sortedCopy(values) {
  return Float64Array.from(values).sort();
}
__name(sortedCopy, "sortedCopy");
function sortedPercentile(sorted, q) {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower];
  const high = sorted[upper];
  return low + (high - low) * (position - lower);
}
__name(sortedPercentile, "sortedPercentile");
function percentile(values, q) {
  requireSamples(values, "percentile");
  if (!(q >= 0 && q <= 1)) throw new UsageError(`percentile rank ${q} is outside [0, 1]`);
  return sortedPercentile(sortedCopy(values), q);
}
__name(percentile, "percentile");
function median(values) {
  return percentile(values, 0.5);
}
__name(median, "median");
function mean(values) {
  requireSamples(values, "mean");
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
__name(mean, "mean");
function coefficientOfVariation(values) {
  const average = mean(values);
  if (values.length < 2) return 0;
  let squares = 0;
  for (const value of values) squares += (value - average) ** 2;
  const sd = Math.sqrt(squares / (values.length - 1));
  return average === 0 ? 0 : sd / Math.abs(average);
}
__name(coefficientOfVariation, "coefficientOfVariation");
function medianOfResample(source, scratch, random) {
  const n = source.length;
  for (let i = 0; i < n; i++) scratch[i] = source[Math.floor(random() * n)];
  scratch.sort();
  return sortedPercentile(scratch, 0.5);
}
__name(medianOfResample, "medianOfResample");
function bootstrapMedianRatio(baseline, candidate, options) {
  requireSamples(baseline, "bootstrap");
  requireSamples(candidate, "bootstrap");
  if (!Number.isInteger(options.resamples) || options.resamples < 1) {
    throw new UsageError(`bootstrap resamples must be a positive integer, got ${options.resamples}`);
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw new UsageError(`confidence level must be in (0, 1), got ${options.confidence}`);
  }
  const random = seededRandom(options.seed);
  const baseScratch = new Float64Array(baseline.length);
  const candScratch = new Float64Array(candidate.length);
  const ratios = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    const base = medianOfResample(baseline, baseScratch, random);
    const cand = medianOfResample(candidate, candScratch, random);
    ratios[r] = cand / base;
  }
  ratios.sort();
  const tail = (1 - options.confidence) / 2;
  return { low: sortedPercentile(ratios, tail), high: sortedPercentile(ratios, 1 - tail) };
}
__name(bootstrapMedianRatio, "bootstrapMedianRatio");

// src/bench/verdict.ts
var defaultComparisonSettings = {
  thresholdsPct: {},
  resamples: 2e3,
  seed: 1,
  confidence: 0.95
};
var minimumSamples = 3;
function enoughSamples(baseline, candidate) {
  return Math.min(baseline.length, candidate.length) >= minimumSamples;
}
__name(enoughSamples, "enoughSamples");
function thresholdFor(metric, thresholds) {
  return thresholds[metric] ?? metricCatalog[metric].defaultThresholdPct;
}
__name(thresholdFor, "thresholdFor");
function parseThreshold(text) {
  const match = /^([a-z_]+)=(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  const name = match?.[1];
  if (!match || name === void 0 || !isMetricName(name)) {
    throw new UsageError(`threshold "${text}" is not METRIC=PERCENT with a known metric (e.g. ttft=10)`);
  }
  const pct = Number(match[2]);
  if (!(pct > 0 && pct < 100)) throw new UsageError(`threshold for ${name} must be between 0 and 100 percent`);
  return [name, pct];
}
__name(parseThreshold, "parseThreshold");
function classify(interval, direction, thresholdPct) {
  const t = thresholdPct / 100;
  const above = interval.low > 1 + t;
  const below = interval.high < 1 - t;
  if (above) return direction === "lower-is-better" ? "regression" : "improvement";
  if (below) return direction === "lower-is-better" ? "improvement" : "regression";
  if (interval.low >= 1 - t && interval.high <= 1 + t) return "pass";
  return "inconclusive";
}
__name(classify, "classify");
function repetitionsHint(interval, samples, thresholdPct) {
  const halfWidth = (interval.high - interval.low) / 2;
  const allowed = thresholdPct / 100;
  const needed = Math.ceil(samples * (halfWidth / allowed) ** 2);
  return `the 95% interval crosses the \xB1${thresholdPct}% band: add repetitions (runs), about ${Math.max(needed, samples + 1)} samples per side would narrow it enough if the noise stays as it is`;
}
__name(repetitionsHint, "repetitionsHint");
function compareMetric(metric, baseline, candidate, settings) {
  const thresholdPct = thresholdFor(metric, settings.thresholdsPct);
  const baselineMedian = median(baseline);
  const candidateMedian = median(candidate);
  const ratio = candidateMedian / baselineMedian;
  const common = { metric, baselineMedian, candidateMedian, ratio, thresholdPct };
  const fewest = Math.min(baseline.length, candidate.length);
  if (!enoughSamples(baseline, candidate)) {
    return {
      ...common,
      verdict: "inconclusive",
      hint: `only ${fewest} sample(s) on one side; at least ${minimumSamples} are needed for an interval`
    };
  }
  if (!(baselineMedian > 0)) {
    return { ...common, verdict: "inconclusive", hint: "the baseline median is zero, so no ratio can be formed" };
  }
  const interval = bootstrapMedianRatio(baseline, candidate, settings);
  if (!(Number.isFinite(interval.low) && Number.isFinite(interval.high))) {
    return {
      ...common,
      verdict: "inconclusive",
      hint: `the 95% interval is open: some resampled baseline medians are 0, so the metric is too coarse at this run length; longer runs (more tokens or prompts per run) would settle it, more runs alone may not`
    };
  }
  const verdict = classify(interval, metricCatalog[metric].direction, thresholdPct);
  return {
    ...common,
    interval,
    verdict,
    ...verdict === "inconclusive" ? { hint: repetitionsHint(interval, fewest, thresholdPct) } : {}
  };
}
__name(compareMetric, "compareMetric");
function overallVerdict(verdicts) {
  for (const worst of ["regression", "inconclusive", "improvement"]) {
    if (verdicts.includes(worst)) return worst;
  }
  return "pass";
}
__name(overallVerdict, "overallVerdict");
function gateExitCode(verdict, warnOnly) {
  return verdict === "regression" && !warnOnly ? 1 : 0;
}
__name(gateExitCode, "gateExitCode");

// src/bench/errors.ts
var BenchRunError = class extends CortexError {
  static {
    __name(this, "BenchRunError");
  }
  exitCode = 2;
};

// src/bench/machine.ts
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
async function cpuModel() {
  try {
    const cpuinfo = await readFile("/proc/cpuinfo", "utf8");
    const match = cpuinfo.match(/^model name\s*:\s*(.+)$/m) ?? cpuinfo.match(/^(?:Hardware|Processor|cpu model)\s*:\s*(.+)$/m);
    if (match?.[1]) return match[1].trim();
  } catch {
  }
  return os.cpus()[0]?.model.trim() ?? "unknown";
}
__name(cpuModel, "cpuModel");
async function nvidiaGpus() {
  const root = "/proc/driver/nvidia/gpus";
  let entries;
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  const models = await Promise.all(
    entries.map(async (entry) => {
      const info = await readFile(`${root}/${entry}/information`, "utf8").catch(() => "");
      return info.match(/^Model:\s*(.+)$/m)?.[1]?.trim() ?? `NVIDIA GPU ${entry}`;
    })
  );
  return models;
}
__name(nvidiaGpus, "nvidiaGpus");
async function describeMachine() {
  return {
    cpuModel: await cpuModel(),
    logicalCpus: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    gpus: await nvidiaGpus(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version
  };
}
__name(describeMachine, "describeMachine");

// src/bench/results.ts
import { readFile as readFile2 } from "node:fs/promises";

// src/bench/metrics.ts
function finite(value) {
  return value !== void 0 && Number.isFinite(value) && value > 0;
}
__name(finite, "finite");
function backendPromptRate(timings) {
  if (!timings) return void 0;
  if (finite(timings.prompt_per_second)) return timings.prompt_per_second;
  if (finite(timings.prompt_n) && finite(timings.prompt_ms)) return timings.prompt_n / (timings.prompt_ms / 1e3);
  if (finite(timings.prompt_eval_count) && finite(timings.prompt_eval_duration)) {
    return timings.prompt_eval_count / (timings.prompt_eval_duration / 1e9);
  }
  return void 0;
}
__name(backendPromptRate, "backendPromptRate");
function backendOutputRate(timings) {
  if (!timings) return void 0;
  if (finite(timings.predicted_per_second)) return timings.predicted_per_second;
  if (finite(timings.eval_count) && finite(timings.eval_duration)) {
    return timings.eval_count / (timings.eval_duration / 1e9);
  }
  return void 0;
}
__name(backendOutputRate, "backendOutputRate");
function requestMetrics(result) {
  const { timing, usage } = result;
  if (timing.ttftMs === void 0) {
    throw new BenchRunError("the response carried no streamed content, so TTFT cannot be measured");
  }
  if (!usage) {
    throw new BenchRunError("the response carried no usage, so output tokens cannot be counted");
  }
  const ttftMs = timing.ttftMs;
  const e2eMs = timing.e2eMs;
  const outputTokens = usage.completionTokens;
  const decodeMs = e2eMs - ttftMs;
  const itlMs = [];
  for (let i = 1; i < timing.chunkTimesMs.length; i++) {
    itlMs.push(timing.chunkTimesMs[i] - timing.chunkTimesMs[i - 1]);
  }
  const decodes = outputTokens >= 2 && decodeMs > 0;
  const fromBackend = backendPromptRate(result.backendTimings);
  const backendOutput = backendOutputRate(result.backendTimings);
  return {
    ttftMs,
    e2eMs,
    promptTokens: usage.promptTokens,
    outputTokens,
    ...decodes ? { tpotMs: decodeMs / (outputTokens - 1), outputTokensPerSecond: outputTokens / (decodeMs / 1e3) } : {},
    itlMs,
    promptTokensPerSecond: fromBackend ?? usage.promptTokens / (ttftMs / 1e3),
    promptRateSource: fromBackend === void 0 ? "ttft" : "backend",
    ...backendOutput === void 0 ? {} : { backendOutputTokensPerSecond: backendOutput }
  };
}
__name(requestMetrics, "requestMetrics");
function push(samples, name, value) {
  if (value === void 0 || !Number.isFinite(value)) return;
  const list = samples[name] ?? [];
  list.push(value);
  samples[name] = list;
}
__name(push, "push");
function collectSamples(runs) {
  const samples = {};
  for (const run of runs) {
    for (const request of run.requests) {
      push(samples, "ttft", request.ttftMs);
      push(samples, "tpot", request.tpotMs);
      push(samples, "itl", request.itlMs.length > 0 ? median(request.itlMs) : void 0);
      push(samples, "e2e", request.e2eMs);
      push(samples, "output_tps", request.outputTokensPerSecond);
      push(samples, "prompt_tps", request.promptTokensPerSecond);
    }
    if (run.concurrency > 1 && run.wallMs > 0)
      push(samples, "request_throughput", run.requests.length / (run.wallMs / 1e3));
    if (run.process) {
      push(samples, "peak_rss", run.process.peakRssBytes / 2 ** 20);
      push(samples, "cpu", run.process.cpuSeconds);
    }
  }
  return samples;
}
__name(collectSamples, "collectSamples");

// src/bench/results.ts
var resultsFormat = "cortex-model.bench-results.v1";
function summarize(samples) {
  const summaries = {};
  for (const name of metricNames) {
    const values = samples[name];
    if (!values || values.length === 0) continue;
    summaries[name] = {
      n: values.length,
      median: median(values),
      p90: percentile(values, 0.9),
      mean: mean(values),
      cv: coefficientOfVariation(values)
    };
  }
  return summaries;
}
__name(summarize, "summarize");
function compareSamples(baseline, candidate, settings) {
  return metricNames.flatMap((name) => {
    const base = baseline[name];
    const cand = candidate[name];
    return base?.length && cand?.length ? [compareMetric(name, base, cand, settings)] : [];
  });
}
__name(compareSamples, "compareSamples");
function clientToBackendOutputRate(requests) {
  const ratios = requests.flatMap(
    (r) => r.outputTokensPerSecond && r.backendOutputTokensPerSecond ? [r.outputTokensPerSecond / r.backendOutputTokensPerSecond] : []
  );
  return ratios.length ? median(ratios) : void 0;
}
__name(clientToBackendOutputRate, "clientToBackendOutputRate");
function sideData(samples, requests) {
  const check = requests && clientToBackendOutputRate(requests);
  return {
    samples,
    summaries: summarize(samples),
    ...requests ? { requests } : {},
    ...check ? { clientToBackendOutputRate: check } : {}
  };
}
__name(sideData, "sideData");
function section(name, baseline, candidate, settings) {
  const comparisons = compareSamples(baseline.samples, candidate.samples, settings);
  return { name, baseline, candidate, comparisons, verdict: overallVerdict(comparisons.map((c) => c.verdict)) };
}
__name(section, "section");
function loadSamples(loads) {
  return {
    ...loads.coldMs.length ? { cold_load: [...loads.coldMs] } : {},
    ...loads.warmMs.length ? { warm_load: [...loads.warmMs] } : {}
  };
}
__name(loadSamples, "loadSamples");
function storedScenario(stored, name) {
  const found = stored.results.scenarios.find((s) => s.name === name);
  if (!found) throw new UsageError(`${describeOrigin(stored.origin)} has no scenario named "${name}"`);
  return found.candidate;
}
__name(storedScenario, "storedScenario");
function storedBaselineInfo({ origin, results }) {
  switch (origin.source) {
    case "file":
      return { ...results.candidate, source: "file", file: origin.file };
    case "cache":
      return { ...results.candidate, source: "cache", cacheKey: origin.cacheKey };
    case "registry":
      return {
        ...results.candidate,
        modelRef: origin.ref,
        digest: origin.digest,
        source: "registry",
        ref: origin.ref,
        resultDigest: origin.resultDigest
      };
  }
}
__name(storedBaselineInfo, "storedBaselineInfo");
function buildResults(input) {
  const { baseline, settings } = input;
  const scenarios = input.measured.map((m) => {
    const candidate = sideData(
      collectSamples(m.candidate),
      m.candidate.flatMap((r) => r.requests)
    );
    const base = baseline.kind === "stored" ? storedScenario(baseline.stored, m.scenario.name) : sideData(
      collectSamples(m.baseline ?? []),
      (m.baseline ?? []).flatMap((r) => r.requests)
    );
    return {
      ...section(m.scenario.name, base, candidate, settings),
      api: m.scenario.api,
      maxTokens: m.scenario.maxTokens,
      concurrency: m.scenario.concurrency,
      runs: m.scenario.runs,
      warmupRunsExcluded: m.warmupRuns,
      promptCount: m.scenario.prompts.length
    };
  });
  const baselineLoads = baseline.kind === "stored" ? baseline.stored.results.load?.candidate : baseline.loads && sideData(loadSamples(baseline.loads));
  const load = input.candidateLoads ? section("backend load", baselineLoads ?? sideData({}), sideData(loadSamples(input.candidateLoads)), settings) : void 0;
  const decisiveLoad = load?.comparisons.filter(
    (c) => enoughSamples(load.baseline.samples[c.metric] ?? [], load.candidate.samples[c.metric] ?? [])
  );
  const verdicts = [
    ...scenarios.map((s) => s.verdict),
    ...decisiveLoad?.length ? [overallVerdict(decisiveLoad.map((c) => c.verdict))] : []
  ];
  return {
    format: resultsFormat,
    createdAt: (input.createdAt ?? /* @__PURE__ */ new Date()).toISOString(),
    machine: input.machine,
    settings: { ...settings, warnOnly: input.warnOnly },
    baseline: baseline.kind === "stored" ? storedBaselineInfo(baseline.stored) : { ...baseline.info, source: "interleaved" },
    candidate: input.candidate,
    scenarios,
    ...load ? { load } : {},
    verdict: overallVerdict(verdicts)
  };
}
__name(buildResults, "buildResults");
function parseResults(text, where) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${error.message}`, { cause: error });
  }
  const format = parsed?.format;
  if (format !== resultsFormat) {
    throw new UsageError(`${where} has format ${JSON.stringify(format)}, expected ${resultsFormat}`);
  }
  return parsed;
}
__name(parseResults, "parseResults");
async function readResultsFile(path) {
  let text;
  try {
    text = await readFile2(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read baseline results ${path}: ${error.message}`, { cause: error });
  }
  return parseResults(text, `baseline results ${path}`);
}
__name(readResultsFile, "readResultsFile");

// src/bench/process-sampler.ts
import { readdir as readdir2, readFile as readFile3 } from "node:fs/promises";
var clockTicksPerSecond = 100;
function parseStat(pid, text) {
  const close = text.lastIndexOf(")");
  if (close < 0) return void 0;
  const fields = text.slice(close + 2).split(" ");
  const field = /* @__PURE__ */ __name((n) => Number(fields[n - 3]), "field");
  const ticks = field(14) + field(15) + field(16) + field(17);
  if (!Number.isFinite(ticks)) return void 0;
  return { pid, ppid: field(4), ticks };
}
__name(parseStat, "parseStat");
async function readText(path) {
  try {
    return await readFile3(path, "utf8");
  } catch {
    return void 0;
  }
}
__name(readText, "readText");
async function allStats() {
  const entries = await readdir2("/proc");
  const stats = await Promise.all(
    entries.filter((name) => /^\d+$/.test(name)).map(async (name) => {
      const text = await readText(`/proc/${name}/stat`);
      return text === void 0 ? void 0 : parseStat(Number(name), text);
    })
  );
  return stats.filter((s) => s !== void 0);
}
__name(allStats, "allStats");
function descendantsAndSelf(root, stats) {
  const children = /* @__PURE__ */ new Map();
  for (const stat of stats) children.set(stat.ppid, [...children.get(stat.ppid) ?? [], stat]);
  const tree = [];
  const queue = stats.filter((s) => s.pid === root);
  while (queue.length > 0) {
    const next = queue.shift();
    tree.push(next);
    queue.push(...children.get(next.pid) ?? []);
  }
  return tree;
}
__name(descendantsAndSelf, "descendantsAndSelf");
async function residentBytes(pid) {
  const status = await readText(`/proc/${pid}/status`);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  return match ? Number(match[1]) * 1024 : 0;
}
__name(residentBytes, "residentBytes");
async function readTreeUsage(pid) {
  const tree = descendantsAndSelf(pid, await allStats());
  const rss = await Promise.all(tree.map((p) => residentBytes(p.pid)));
  return {
    rssBytes: rss.reduce((a, b) => a + b, 0),
    cpuSeconds: tree.reduce((sum, p) => sum + p.ticks, 0) / clockTicksPerSecond,
    processes: tree.length
  };
}
__name(readTreeUsage, "readTreeUsage");
var ProcessSampler = class {
  constructor(pid, intervalMs = 50) {
    this.pid = pid;
    this.intervalMs = intervalMs;
  }
  pid;
  intervalMs;
  static {
    __name(this, "ProcessSampler");
  }
  timer;
  peak = 0;
  startCpu = 0;
  inFlight;
  /** A failed background reading, reported by stop() rather than lost as an unhandled rejection. */
  failure;
  async sample() {
    const usage = await readTreeUsage(this.pid);
    this.peak = Math.max(this.peak, usage.rssBytes);
    return usage;
  }
  async start() {
    if (this.timer) throw new Error("ProcessSampler window already open");
    this.peak = 0;
    this.failure = void 0;
    this.startCpu = (await this.sample()).cpuSeconds;
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.sample().then(
        () => {
          this.inFlight = void 0;
        },
        (error) => {
          this.failure ??= error;
          this.inFlight = void 0;
        }
      );
    }, this.intervalMs);
  }
  async stop() {
    clearInterval(this.timer);
    this.timer = void 0;
    await this.inFlight;
    if (this.failure !== void 0) throw this.failure;
    const end = await this.sample();
    return { peakRssBytes: this.peak, cpuSeconds: Math.max(0, end.cpuSeconds - this.startCpu) };
  }
};

// src/bench/runner.ts
async function generate(side, scenario, prompt, timeoutMs) {
  const options = { temperature: scenario.temperature, seed: scenario.seed, maxTokens: scenario.maxTokens };
  const common = { model: side.model, stream: true, timeoutMs, options };
  const result = await side.client.generate(
    scenario.api === "chat" ? { ...common, api: "chat", messages: [{ role: "user", content: prompt }] } : { ...common, api: "completions", prompt }
  );
  return requestMetrics(result);
}
__name(generate, "generate");
async function oneRun(side, scenario, runIndex, timeoutMs) {
  const sampler = side.pid === void 0 ? void 0 : new ProcessSampler(side.pid);
  await sampler?.start();
  const started = performance.now();
  const batch = Promise.all(
    Array.from({ length: scenario.concurrency }, (_, k) => {
      const prompt = scenario.prompts[(runIndex * scenario.concurrency + k) % scenario.prompts.length];
      return generate(side, scenario, prompt, timeoutMs);
    })
  );
  const requests = await batch.catch(async (error) => {
    await sampler?.stop();
    throw error;
  });
  const wallMs = performance.now() - started;
  const usage = await sampler?.stop();
  return { requests, wallMs, concurrency: scenario.concurrency, ...usage ? { process: usage } : {} };
}
__name(oneRun, "oneRun");
async function runScenario(scenario, options) {
  const timeoutMs = options.requestTimeoutMs ?? 3e5;
  const sides = options.baseline ? [options.baseline, options.candidate] : [options.candidate];
  for (let w = 0; w < scenario.warmup; w++) {
    for (const side of sides) await oneRun(side, scenario, w, timeoutMs);
  }
  const baseline = [];
  const candidate = [];
  for (let i = 0; i < scenario.runs; i++) {
    if (options.baseline) baseline.push(await oneRun(options.baseline, scenario, i, timeoutMs));
    candidate.push(await oneRun(options.candidate, scenario, i, timeoutMs));
    options.onProgress?.(`${scenario.name}: run ${i + 1}/${scenario.runs}`);
  }
  return {
    scenario,
    warmupRuns: scenario.warmup,
    ...options.baseline ? { baseline } : {},
    candidate
  };
}
__name(runScenario, "runScenario");

// src/bench/bench.ts
async function runBench(options) {
  const baseline = options.baseline.kind === "stored" ? options.baseline : {
    kind: "interleaved",
    info: options.baseline.side.info,
    ...options.baseline.side.loads ? { loads: options.baseline.side.loads } : {}
  };
  const served = options.baseline.kind === "served" ? options.baseline.side : void 0;
  const measured = [];
  for (const scenario of options.scenarios) {
    try {
      measured.push(
        await runScenario(scenario, {
          candidate: options.candidate,
          ...served ? { baseline: served } : {},
          ...options.onProgress ? { onProgress: options.onProgress } : {}
        })
      );
    } catch (error) {
      if (error instanceof BenchRunError) throw error;
      throw new BenchRunError(`scenario ${scenario.name} could not run: ${describeError(error)}`, { cause: error });
    }
  }
  const results = buildResults({
    measured,
    candidate: options.candidate.info,
    ...options.candidate.loads ? { candidateLoads: options.candidate.loads } : {},
    baseline,
    settings: options.settings,
    warnOnly: options.warnOnly,
    machine: await describeMachine()
  });
  return { results, markdown: renderMarkdown(results, { gateName: options.gateName }) };
}
__name(runBench, "runBench");

// src/bench/scenario.ts
var import_ajv = __toESM(require_ajv(), 1);
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
import { readFile as readFile4 } from "node:fs/promises";
var defaultRuns = 60;
var defaultWarmup = 3;
var validator;
function validate(document) {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL("./scenario.schema.json", import.meta.url), "utf8"));
    validator = new import_ajv.Ajv({ allErrors: true }).compile(schema);
  }
  return validator(document);
}
__name(validate, "validate");
var vocabulary = "the model answers a question about weather rivers cities music numbers colors animals trees stars light water stone paper garden window river morning evening bridge market island forest".split(
  " "
);
function pick(random) {
  return vocabulary[Math.floor(random() * vocabulary.length)];
}
__name(pick, "pick");
function generatePrompts(words, count, seed) {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const body = Array.from({ length: Math.max(0, words - 1) }, () => pick(random));
    return [`prompt${index}`, ...body].join(" ");
  });
}
__name(generatePrompts, "generatePrompts");
var defaultScenario = {
  name: "default",
  api: "completions",
  prompts: generatePrompts(64, 4, 1),
  maxTokens: 32,
  concurrency: 1,
  runs: defaultRuns,
  warmup: defaultWarmup,
  temperature: 0,
  seed: 42
};
function parseScenarios(text, source) {
  let document;
  try {
    document = (0, import_yaml.parse)(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid YAML: ${error.message.split("\n")[0]}`, {
      cause: error
    });
  }
  if (!validate(document)) {
    const first = validator?.errors?.[0];
    throw new UsageError(
      `${source} does not match the scenario schema: ${first?.instancePath || "/"} ${first?.message}`
    );
  }
  const names = /* @__PURE__ */ new Set();
  return document.scenarios.map((s) => {
    if (names.has(s.name)) throw new UsageError(`${source}: scenario name "${s.name}" is used twice`);
    names.add(s.name);
    const generated = s.generated_prompts;
    return {
      name: s.name,
      api: s.api ?? "completions",
      prompts: s.prompts ?? generatePrompts(generated?.words ?? 1, generated?.count ?? 4, generated?.seed ?? 1),
      maxTokens: s.max_tokens,
      concurrency: s.concurrency ?? 1,
      runs: s.runs ?? defaultRuns,
      warmup: s.warmup ?? defaultWarmup,
      temperature: s.temperature ?? 0,
      seed: s.seed ?? 42
    };
  });
}
__name(parseScenarios, "parseScenarios");
async function loadScenarios(path) {
  let text;
  try {
    text = await readFile4(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read scenario file ${path}: ${error.message}`, { cause: error });
  }
  return parseScenarios(text, path);
}
__name(loadScenarios, "loadScenarios");
async function gateScenarios(file, overrides) {
  return (file ? await loadScenarios(file) : [defaultScenario]).map((s) => ({
    ...s,
    ...overrides.runs === void 0 ? {} : { runs: overrides.runs },
    ...overrides.warmup === void 0 ? {} : { warmup: overrides.warmup }
  }));
}
__name(gateScenarios, "gateScenarios");

export {
  describeOrigin,
  gateMarker,
  defaultComparisonSettings,
  parseThreshold,
  gateExitCode,
  parseResults,
  readResultsFile,
  runBench,
  gateScenarios
};
