// Calibrates the performance gate. Part 1 simulates it with known noise (log-normal, CV 2, 5, 10 and 20%)
// through the gate's own code: the sequential looks, the boundaries and the stopping rule of a scenario
// with the default cap of 60 runs, every metric of the default scenario at its default threshold, noise
// independent between metrics (the worst case for the gate-wide rows: correlated metrics such as E2E, TPOT
// and output tok/s alarm and settle together). Part 2 measures real noise: A/A gates between two embedded
// servers of one small synthetic model, as many trials as --trials says (default 30).
// Run: npm run bench:gate-calibration [-- --trials N] [-- --skip-real]
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runBench } from "../lib/bench/bench.js";
import { lookDecision } from "../lib/bench/results.js";
import { defaultRuns } from "../lib/bench/scenario.js";
import { sequentialPlan } from "../lib/bench/sequential.js";
import { servedSide } from "../lib/bench/served-side.js";
import { median, percentile, seededRandom, standardNormal } from "../lib/bench/statistics.js";
import { compareMetric, defaultComparisonSettings } from "../lib/bench/verdict.js";
import { startServeChild } from "../lib/demo/serve-child.js";
import { synthesizeSized } from "../lib/model/sized-model.js";

const { values: flags } = parseArgs({
  options: { trials: { type: "string", default: "30" }, "skip-real": { type: "boolean", default: false } },
});
const settings = defaultComparisonSettings;
/** What the default scenario compares (concurrency 1, a --pid, no load times: one sample each is never a verdict). */
const gateMetrics = ["ttft", "tpot", "itl", "e2e", "output_tps", "prompt_tps", "peak_rss", "cpu"];
const cap = defaultRuns;

function draw(random, cv) {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Math.exp(sigma * standardNormal(random));
}

/** One simulated gate: runs added look by look until the stopping rule or the cap. */
function simulateGate(seed, cv, slowdown, metrics) {
  const random = seededRandom(seed);
  const plan = sequentialPlan(cap, settings.regressionAlpha, settings.acceptanceAlpha);
  const base = Object.fromEntries(metrics.map((m) => [m, []]));
  const cand = Object.fromEntries(metrics.map((m) => [m, []]));
  let made = 0;
  for (const [k, runs] of plan.looks.entries()) {
    for (; made < runs; made++) {
      for (const m of metrics) {
        base[m].push(100 * draw(random, cv));
        // A slowdown makes latencies larger and rates smaller by the same factor.
        const factor = slowdown[m] ?? 1;
        cand[m].push(100 * factor * draw(random, cv));
      }
    }
    const look = { regression: plan.regression[k], acceptance: plan.acceptance[k] };
    const decision = lookDecision(metrics.map((m) => compareMetric(m, base[m], cand[m], settings, look, true)));
    if (decision || runs === cap) return { runs, decision: decision ?? "undecided" };
  }
}

function row(cv, label, slowdown, metrics, trials, seedBase, target) {
  const outcomes = Array.from({ length: trials }, (_, i) => simulateGate(seedBase + i, cv, slowdown, metrics));
  const count = (d) => outcomes.filter((o) => o.decision === d).length;
  const decided = outcomes.filter((o) => o.decision !== "undecided").map((o) => o.runs);
  const runs = decided.length
    ? `${median(decided)} / ${percentile(decided, 0.9)} / ${Math.max(...decided)}`
    : "none decided";
  const pct = (n) => `${n} (${((100 * n) / trials).toFixed(1)}%)`;
  const verdict = target ? target({ trials, regression: count("regression"), decided, outcomes }) : "";
  return `| ${Math.round(cv * 100)}% | ${label} | ${trials} | ${pct(count("regression"))} | ${pct(count("decided"))} | ${pct(count("undecided"))} | ${runs} | ${verdict} |`;
}

const slowBy = (factor) => ({ ttft: factor });
const falseAlarms = ({ trials, regression }) => (regression <= trials / 100 ? "≤1%: yes" : "≤1%: **no**");
const caught = ({ trials, regression }) => (regression >= (trials * 95) / 100 ? "≥95%: yes" : "≥95%: **no**");
const medianAtMost =
  (limit) =>
  ({ outcomes }) => {
    // Undecided trials count as needing more than the cap, so the median is an honest one.
    const m = median(outcomes.map((o) => (o.decision === "undecided" ? cap + 1 : o.runs)));
    return `median ≤${limit}: ${m <= limit ? "yes" : "**no**"} (${m > cap ? "over the cap" : m})`;
  };

function simulationTable() {
  const lines = [
    "| CV | Comparison | Trials | Regression | Decided not worse | Undecided at the cap | Runs per side to a decision (median / p90 / max) | Target |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  let seeds = 1_000_000;
  const nextSeed = () => {
    seeds += 10_000;
    return seeds;
  };
  for (const cv of [0.02, 0.05, 0.1, 0.2]) {
    const aaTrials = cv === 0.1 ? 1000 : 300;
    lines.push(
      row(cv, "A/A, gate-wide (8 metrics)", {}, gateMetrics, aaTrials, nextSeed(), (r) => {
        const alarms = falseAlarms(r);
        return cv === 0.05 ? `${alarms}; ${medianAtMost(20)(r)}` : alarms;
      }),
      row(cv, "A/A, TTFT alone", {}, ["ttft"], 300, nextSeed(), cv === 0.05 ? medianAtMost(20) : undefined),
      row(
        cv,
        "TTFT 15% slower, gate-wide",
        slowBy(1.15),
        gateMetrics,
        300,
        nextSeed(),
        cv === 0.1 ? caught : undefined,
      ),
      row(cv, "TTFT 2x slower, gate-wide", slowBy(2), gateMetrics, 200, nextSeed(), medianAtMost(10)),
    );
  }
  return lines;
}

function alarmsByMetric(outcomes) {
  const counts = new Map();
  for (const metric of outcomes.flatMap((o) => o.alarms)) counts.set(metric, (counts.get(metric) ?? 0) + 1);
  return counts.size ? [...counts].map(([m, n]) => `${m} ${n}`).join(", ") : "none";
}

async function realNoise(trials) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "cortex-gate-calibration-"));
  const servers = [];
  try {
    const model = (await synthesizeSized({ path: path.join(dir, "model.gguf"), bytes: 32e6 })).path;
    // One after another: concurrent loads would compete for the two cores.
    for (const name of ["a", "b"]) {
      servers.push(await startServeChild({ model, modelId: name, readyFile: path.join(dir, `${name}.json`) }));
    }
    const [a, b] = servers;
    const scenario = {
      name: "real-noise",
      api: "completions",
      prompts: ["one two three four five six seven eight", "nine ten eleven twelve thirteen fourteen"],
      maxTokens: 16,
      concurrency: 1,
      runs: 20,
      warmup: 3,
      temperature: 0,
      seed: 42,
      fixedLength: true,
      promptCache: false,
    };
    const outcomes = [];
    const cvs = Object.fromEntries(gateMetrics.map((m) => [m, []]));
    for (let t = 0; t < trials; t++) {
      // Alternate which server is the baseline, so a difference between the two processes shows as noise.
      const [base, cand] = t % 2 === 0 ? [a, b] : [b, a];
      const side = (s) =>
        servedSide({ baseUrl: s.baseUrl, model: s.modelId, pid: s.pid, backend: "embedded", threads: 1 });
      const { results } = await runBench({
        scenarios: [scenario],
        candidate: await side(cand),
        baseline: { kind: "served", side: await side(base) },
        settings,
        warnOnly: true,
        gateName: "calibration",
      });
      const s = results.scenarios[0];
      outcomes.push({
        verdict: s.verdict,
        stop: s.stopReason,
        runs: s.runs,
        alarms: s.comparisons.filter((c) => c.verdict === "regression").map((c) => c.metric),
      });
      for (const m of gateMetrics) {
        const cv = s.baseline.summaries[m]?.cv;
        if (cv !== undefined) cvs[m].push(cv);
      }
    }
    const count = (f) => outcomes.filter(f).length;
    const runs = outcomes.map((o) => o.runs);
    return [
      `Real noise: ${trials} A/A gates between two \`cortex-model serve\` processes of one 32 MB synthetic model (1 thread each), scenario of 2 prompts, ${scenario.maxTokens} fixed-length output tokens, cap ${scenario.runs} runs per side, ${scenario.warmup} warm-up runs; the baseline alternates between the two servers.`,
      "",
      "| Trials | False alarms (regression) | Alarms by metric | Stopped: not worse | Undecided at the cap | Runs per side (median / p90 / max) |",
      "| ---: | ---: | --- | ---: | ---: | ---: |",
      `| ${trials} | ${count((o) => o.verdict === "regression")} | ${alarmsByMetric(outcomes)} | ${count((o) => o.stop === "decided")} | ${count((o) => o.stop === "cap")} | ${median(runs)} / ${percentile(runs, 0.9)} / ${Math.max(...runs)} |`,
      "",
      "Measured CV per metric (median over trials of the baseline side's CV; min–max):",
      "",
      "| Metric | CV median | CV range |",
      "| --- | ---: | ---: |",
      ...gateMetrics
        .filter((m) => cvs[m].length)
        .map(
          (m) =>
            `| ${m} | ${(100 * median(cvs[m])).toFixed(1)}% | ${(100 * Math.min(...cvs[m])).toFixed(1)}–${(100 * Math.max(...cvs[m])).toFixed(1)}% |`,
        ),
    ];
  } finally {
    for (const s of servers) await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const started = performance.now();
const plan = sequentialPlan(cap, settings.regressionAlpha, settings.acceptanceAlpha);
const lines = [
  `Simulated gates: log-normal noise, cap ${cap} runs per side, looks after ${plan.looks.join(", ")} runs; every metric at its default threshold (5% latencies and rates, 10% memory and CPU); 20%-trimmed means of log samples (Yuen), regression boundaries ${plan.regression.map((z) => z.toFixed(2)).join(", ")} (Hwang-Shih-DeCani, gamma −4, one-sided ${settings.regressionAlpha}), not-worse boundaries ${plan.acceptance.map((z) => z.toFixed(2)).join(", ")} (Pocock-type, one-sided ${settings.acceptanceAlpha}), as z before the Student-t adjustment for the degrees of freedom of each look.`,
  "",
  ...simulationTable(),
];
const simulated = ((performance.now() - started) / 1000).toFixed(1);
if (!flags["skip-real"]) lines.push("", ...(await realNoise(Number(flags.trials))));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  [
    "```",
    "npm run bench:gate-calibration",
    "```",
    "",
    ...lines,
    "",
    `Simulated in ${simulated} s, ${seconds} s in all, on ${os.cpus()[0]?.model ?? "an unknown CPU"} with Node ${process.version}.`,
  ].join("\n"),
);
