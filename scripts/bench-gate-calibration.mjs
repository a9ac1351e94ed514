// Calibrates the performance gate by simulation with known noise: log-normal samples with a 10%
// coefficient of variation, compared by the gate's own code with its default repetitions, threshold and
// resamples. A/A trials (no change) must raise at most 1 false alarm in 100; trials with a real 15%
// slowdown must be caught at least 95 times in 100. The gate as a whole alarms when any of its metrics
// says regression, so A/A is also run gate-wide: every metric the default scenario compares, each with its
// default threshold and independent noise (correlated metrics, as E2E, TPOT and output tok/s are, alarm
// together and so less often: independence is the worst case). Run: npm run bench:gate-calibration
import { metricCatalog } from "../lib/bench/metric-catalog.js";
import { defaultRuns } from "../lib/bench/scenario.js";
import { seededRandom, standardNormal } from "../lib/bench/statistics.js";
import { compareMetric, defaultComparisonSettings } from "../lib/bench/verdict.js";

const cv = 0.1;
const slowdown = 1.15;
const metric = "ttft";
const threshold = metricCatalog[metric].defaultThresholdPct;
/** What the default scenario compares (concurrency 1, a --pid, no load times: one sample each is never a verdict). */
const gateMetrics = ["ttft", "tpot", "itl", "e2e", "output_tps", "prompt_tps", "peak_rss", "cpu"];

function sample(random, n, scale, noise = cv) {
  const sigma = Math.sqrt(Math.log(1 + noise * noise));
  return Array.from({ length: n }, () => 100 * scale * Math.exp(sigma * standardNormal(random)));
}

/** Verdict counts over `trials` simulated comparisons; each trial draws fresh samples from its own seed. */
function simulate(runs, ratio, trials, seedBase, thresholdPct = threshold) {
  const counts = { regression: 0, inconclusive: 0, pass: 0, improvement: 0 };
  const settings = { ...defaultComparisonSettings, thresholdsPct: { [metric]: thresholdPct } };
  for (let t = 0; t < trials; t++) {
    const random = seededRandom(seedBase + t);
    const baseline = sample(random, runs, 1);
    const candidate = sample(random, runs, ratio);
    counts[compareMetric(metric, baseline, candidate, settings).verdict]++;
  }
  return counts;
}

function row(label, runs, thresholdPct, trials) {
  const aa = simulate(runs, 1, trials, 1_000_000, thresholdPct);
  const ab = simulate(runs, slowdown, trials, 2_000_000, thresholdPct);
  const meets = aa.regression <= trials / 100 && ab.regression >= (trials * 95) / 100;
  return `| ${label} | ${runs} | ±${thresholdPct}% | ${trials} | ${aa.regression} | ${aa.pass} / ${aa.inconclusive} | ${ab.regression} | ${meets ? "yes" : "no"} |`;
}

/** A/A trials of the whole gate: how many had at least one metric say regression, and which metrics did. */
function simulateGate(runs, noise, trials, seedBase) {
  let alarms = 0;
  const byMetric = Object.fromEntries(gateMetrics.map((m) => [m, 0]));
  for (let t = 0; t < trials; t++) {
    const random = seededRandom(seedBase + t);
    let alarmed = false;
    for (const name of gateMetrics) {
      const verdict = compareMetric(
        name,
        sample(random, runs, 1, noise),
        sample(random, runs, 1, noise),
        defaultComparisonSettings,
      ).verdict;
      if (verdict === "regression") {
        byMetric[name]++;
        alarmed = true;
      }
    }
    if (alarmed) alarms++;
  }
  const which = Object.entries(byMetric).filter(([, n]) => n > 0);
  return { alarms, which: which.length ? which.map(([m, n]) => `${m} ${n}`).join(", ") : "none" };
}

function gateRow(label, runs, noise, trials, seedBase) {
  const { alarms, which } = simulateGate(runs, noise, trials, seedBase);
  return `| ${label} | ${runs} | ${Math.round(noise * 100)}% | ${trials} | ${alarms} (${((100 * alarms) / trials).toFixed(1)}%) | ${which} | ${alarms <= trials / 100 ? "yes" : "no"} |`;
}

const started = performance.now();
const lines = [
  `Gate calibration: log-normal noise, CV ${cv * 100}%, true slowdown ${Math.round((slowdown - 1) * 100)}% on a lower-is-better metric;`,
  `percentile bootstrap of the ratio of medians, ${defaultComparisonSettings.resamples} resamples, ${defaultComparisonSettings.confidence * 100}% interval; regression only when the whole interval lies beyond the threshold.`,
  "",
  "| Setting | Runs per side | Threshold | Trials | A/A false alarms | A/A pass / inconclusive | 15% slowdowns caught | Meets (≤1%, ≥95%) |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  row("**defaults**", defaultRuns, threshold, 100),
  row("defaults, more trials", defaultRuns, threshold, 1000),
  row("fewer runs", 40, threshold, 100),
  row("fewer runs", 30, threshold, 100),
  row("fewer runs, tighter threshold", 40, 3, 100),
  row("wider threshold", defaultRuns, 8, 100),
  "",
  `Gate-wide A/A: a trial alarms when any of ${gateMetrics.length} metrics (${gateMetrics.join(", ")}) says regression, each at its default threshold (${gateMetrics.map((m) => `${m} ${metricCatalog[m].defaultThresholdPct}%`).join(", ")}), noise independent between metrics (the worst case).`,
  "",
  "| Setting | Runs per side | CV | Trials | Trials with a false alarm | Alarms by metric | Meets (≤1%) |",
  "| --- | ---: | ---: | ---: | ---: | --- | --- |",
  gateRow("**defaults**", defaultRuns, cv, 1000, 3_000_000),
  gateRow("noisier runner", defaultRuns, 0.2, 300, 4_000_000),
  gateRow("fewer runs", 30, cv, 300, 5_000_000),
];
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  [
    "```",
    "npm run bench:gate-calibration",
    "```",
    "",
    ...lines,
    "",
    `Simulated in ${seconds} s on ${(await import("node:os")).cpus()[0]?.model ?? "an unknown CPU"} with Node ${process.version}.`,
  ].join("\n"),
);
