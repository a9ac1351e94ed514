/**
 * The human report of a results document: a Markdown table per scenario, a Mermaid chart GitHub renders,
 * and the hidden marker by which the pull-request comment of one gate is found and updated in place.
 */
import { UsageError } from "../core/errors.js";
import { metricCatalog } from "./metric-catalog.js";
import type { BaselineInfo, BenchResults, LengthSummary, ScenarioResult, SectionResult, SideInfo } from "./results.js";
import type { MetricComparison, Verdict } from "./verdict.js";

/** A hidden HTML comment; the name must not be able to close it early. */
export function gateMarker(name: string): string {
  if (!/^[A-Za-z0-9._/-]+$/.test(name) || name.includes("--")) {
    throw new UsageError(`gate name "${name}" may only hold letters, digits and . _ / - (no "--")`);
  }
  return `<!-- cortex-model-gate:${name} -->`;
}

const verdictBadge: Readonly<Record<Verdict, string>> = {
  regression: "🔴 regression",
  improvement: "🟢 improvement",
  pass: "✅ pass",
  inconclusive: "🟡 inconclusive",
};

export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

/** A ratio as a signed percent change: 1.146 -> "+14.6%"; "n/a" for what is not a finite ratio. */
export function formatChange(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return "n/a";
  const pct = (ratio - 1) * 100;
  const text = `${Math.abs(pct).toFixed(1)}%`;
  if (text === "0.0%") return "±0.0%";
  return pct > 0 ? `+${text}` : `−${text}`;
}

function arrow(ratio: number | undefined): string {
  if (ratio === undefined) return "";
  if (ratio > 1) return " ↑";
  if (ratio < 1) return " ↓";
  return "";
}

function describeSide(side: SideInfo): string {
  const parts = [`\`${side.modelRef}\``];
  if (side.digest) parts.push(`\`${side.digest.slice(0, 19)}…\``);
  if (side.backend) parts.push(side.backend);
  if (side.threads !== undefined) parts.push(`${side.threads} thread${side.threads === 1 ? "" : "s"}`);
  if (side.device !== undefined) parts.push(side.device);
  return parts.join(" · ");
}

function tableRow(c: MetricComparison): string {
  const info = metricCatalog[c.metric];
  const interval = c.interval ? `${formatChange(c.interval.low)} … ${formatChange(c.interval.high)}` : "n/a";
  return `| ${info.label} (${info.unit}) | ${formatNumber(c.baselineMedian)} | ${formatNumber(c.candidateMedian)} | ${formatChange(c.ratio)}${arrow(c.ratio)} | ${interval} | ±${c.thresholdPct}% | ${verdictBadge[c.verdict]} |`;
}

export function markdownTable(comparisons: readonly MetricComparison[]): string {
  return [
    "| Metric | Baseline (median) | Candidate (median) | Change | Interval of change | Threshold | Verdict |",
    "| --- | ---: | ---: | ---: | :---: | ---: | --- |",
    ...comparisons.map(tableRow),
  ].join("\n");
}

function quote(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

/**
 * Candidate medians as a percentage of the baseline's, one bar per metric, with the baseline as a line at
 * 100: metrics of different units share one readable axis that way.
 */
export function mermaidChart(section: SectionResult): string {
  const comparisons = section.comparisons.filter((c) => c.ratio !== undefined && Number.isFinite(c.ratio));
  if (comparisons.length === 0) return "";
  const percents = comparisons.map((c) => Math.round((c.ratio as number) * 1000) / 10);
  // Headroom of at least 5 points keeps the tallest bar off the frame.
  const top = Math.ceil((Math.max(105, ...percents) + 5) / 10) * 10;
  const bottom = Math.max(0, Math.floor((Math.min(95, ...percents) - 5) / 10) * 10);
  return [
    "```mermaid",
    "xychart-beta",
    `    title ${quote(`${section.name}: candidate median, % of baseline`)}`,
    `    x-axis [${comparisons.map((c) => quote(metricCatalog[c.metric].label)).join(", ")}]`,
    `    y-axis "% of baseline" ${bottom} --> ${top}`,
    `    bar [${percents.join(", ")}]`,
    `    line [${comparisons.map(() => 100).join(", ")}]`,
    "```",
  ].join("\n");
}

/** Our client's output tok/s against the backend's own count, when the backend reports one. */
function measurementCheck(section: SectionResult): string[] {
  const sides = (["baseline", "candidate"] as const).flatMap((side) => {
    const ratio = section[side].clientToBackendOutputRate;
    return ratio === undefined ? [] : [`${formatChange(ratio)} (${side})`];
  });
  return sides.length
    ? ["", `Output tok/s through our client vs the backend's own count for the same generations: ${sides.join(", ")}.`]
    : [];
}

function sectionMarkdown(section: SectionResult, heading: string): string {
  const hints = section.comparisons.filter((c) => c.hint).map((c) => `- ${metricCatalog[c.metric].label}: ${c.hint}`);
  return [
    heading,
    "",
    markdownTable(section.comparisons),
    ...(hints.length ? ["", ...hints] : []),
    ...measurementCheck(section),
  ].join("\n");
}

const stopText: Readonly<Record<ScenarioResult["stopReason"], string>> = {
  regression: "stopped early: a regression is shown",
  decided: "stopped early: every metric is decided",
  cap: "the cap was reached",
  error: "stopped by an error",
};

function lengths(summary: LengthSummary | undefined): string {
  if (!summary) return "n/a";
  return summary.min === summary.max ? `${summary.median}` : `${summary.min}–${summary.max} (median ${summary.median})`;
}

function scenarioLine(s: ScenarioResult): string {
  const parts = [
    `${s.runs} of at most ${s.maxRuns} runs per side (${stopText[s.stopReason]}; ${s.warmupRunsExcluded} warm-up runs per side excluded), concurrency ${s.concurrency}, max_tokens ${s.maxTokens}${s.fixedLength ? " (fixed length asked: ignore_eos, min_tokens)" : ""}, ${s.promptCount} prompt(s), ${s.api} API.`,
    s.caching.cachePrompt === false
      ? `Prompt cache defeated: cache_prompt false and a unique ${s.caching.uniquePrefixDigits}-digit prefix per request.`
      : "Prompt cache allowed by the scenario.",
  ];
  if (s.outputTokens) {
    parts.push(
      `Output tokens per request: baseline ${lengths(s.outputTokens.baseline)}, candidate ${lengths(s.outputTokens.candidate)}${s.outputTokens.materiallyDifferent ? " (materially different: length-dependent metrics not compared)" : ""}.`,
    );
  }
  return parts.join(" ");
}

/** Where the baseline's samples came from, most trusted first. */
function baselineSource(baseline: BaselineInfo): string {
  switch (baseline.source) {
    case "interleaved":
      return "interleaved in this job";
    case "file":
      return `stored results \`${baseline.file}\``;
    case "registry":
      return `results attached in the registry, artifact \`${baseline.resultDigest?.slice(0, 19)}…\``;
    case "cache":
      return `Actions cache \`${baseline.cacheKey}\``;
  }
}

export interface MarkdownOptions {
  /** Names the gate in the hidden marker, so several gates on one pull request keep separate comments. */
  readonly gateName: string;
}

export function renderMarkdown(results: BenchResults, options: MarkdownOptions): string {
  const m = results.machine;
  const memoryGiB = (m.memoryBytes / 2 ** 30).toFixed(1);
  const thresholdNote =
    "Regression only when the whole interval lies beyond the threshold on the worse side; pass when it shows the metric is not worse than the threshold; inconclusive when it crosses it.";
  const st = results.settings;
  const blocks = [
    gateMarker(options.gateName),
    `## Model benchmark: ${verdictBadge[results.verdict]}`,
    "",
    `- **Baseline** (${baselineSource(results.baseline)}): ${describeSide(results.baseline)}`,
    `- **Candidate**: ${describeSide(results.candidate)}`,
    `- **Runner**: ${m.cpuModel}, ${m.availableParallelism}/${m.logicalCpus} CPUs usable, ${memoryGiB} GiB, ${m.gpus.length ? m.gpus.join(", ") : "no GPU"}, ${m.os}`,
    `- **Statistics**: change = ratio of ${Math.round(st.trim * 100)}%-trimmed geometric means (Yuen); group-sequential looks every ${st.runsPerLook} runs, Hwang-Shih-DeCani (gamma −4, O'Brien-Fleming-like) bounds for a regression (error ${st.regressionAlpha * 100}% per metric at the threshold), Pocock-type for "not worse" (${st.acceptanceAlpha * 100}%). ${thresholdNote}`,
  ];
  if (results.error) {
    const notRun = results.error.scenariosNotRun;
    blocks.push(
      "",
      `> [!CAUTION]\n> Measuring stopped: ${results.error.message}.${notRun.length ? ` Not run: ${notRun.join(", ")}.` : ""} The figures below are what was measured until then.`,
    );
  }
  if (results.warnings.length > 0) {
    blocks.push("", `> [!WARNING]\n${results.warnings.map((w) => `> ${w}`).join("\n>\n")}`);
  }
  for (const s of results.scenarios) {
    const heading = `### Scenario \`${s.name}\`: ${verdictBadge[s.verdict]}\n\n${scenarioLine(s)}`;
    blocks.push("", sectionMarkdown(s, heading), "", mermaidChart(s));
  }
  if (results.load && results.load.comparisons.length > 0) {
    blocks.push("", sectionMarkdown(results.load, `### Backend load: ${verdictBadge[results.load.verdict]}`));
  }
  if (results.verdict === "regression" && results.settings.warnOnly) {
    blocks.push("", "> [!WARNING]\n> Regressions were found; the gate is set to warn only, so the run did not fail.");
  }
  return `${blocks.join("\n")}\n`;
}
