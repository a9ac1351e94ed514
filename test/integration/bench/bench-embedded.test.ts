import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../../src/bench/results.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { synthesizeSized } from "../../../src/model/sized-model.js";
import { CLI, runCli } from "../../helpers/cli.js";

interface Served {
  readonly process: ChildProcess;
  readonly url: string;
  readonly pid: number;
  readonly model: string;
  readonly coldLoadMs: number;
}

/** Starts `cortex-model serve` as a user would and waits for its ready file; the startup time is its cold load. */
async function serve(dir: string, modelPath: string, name: string): Promise<Served> {
  const readyFile = join(dir, `${name}.ready.json`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "--model",
      modelPath,
      "--model-id",
      name,
      "--port",
      "0",
      "--threads",
      "1",
      "--ready-file",
      readyFile,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("serving")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  await ready;
  const info = JSON.parse(await readFile(readyFile, "utf8")) as { url: string; pid: number };
  return { process: child, url: info.url, pid: info.pid, model: name, coldLoadMs: performance.now() - started };
}

async function stop(served: Served | undefined): Promise<void> {
  if (!served || served.process.exitCode !== null) return;
  const exited = once(served.process, "exit");
  served.process.kill("SIGTERM");
  await exited;
}

function sideArgs(prefix: "" | "baseline-", served: Served): string[] {
  return [
    `--${prefix}base-url`,
    served.url,
    `--${prefix}model-id`,
    served.model,
    `--${prefix}pid`,
    String(served.pid),
    `--${prefix}backend`,
    "embedded",
    `--${prefix}load-seconds`,
    (served.coldLoadMs / 1000).toFixed(3),
  ];
}

// Short generations keep the suite within a minute on a shared two-core machine; interleaving and the
// interval keep the A/A comparison from alarming even so.
const scenario = `scenarios:
  - name: short
    generated_prompts: { words: 12, count: 4 }
    max_tokens: 24
`;

describe("cortex-model bench against the embedded llama.cpp backend", () => {
  let dir: string;
  let small: Served | undefined;
  let smallTwin: Served | undefined;
  let large: Served | undefined;
  let knownAnswer: Served | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cortex-bench-"));
    await writeFile(join(dir, "scenario.yaml"), scenario);
    const smallPath = (await synthesizeSized({ path: join(dir, "small.gguf"), bytes: 8e6 })).path;
    const largePath = (await synthesizeSized({ path: join(dir, "large.gguf"), bytes: 64e6 })).path;
    // Started one after another: concurrent model loads would make the cold load figures meaningless.
    small = await serve(dir, smallPath, "small");
    smallTwin = await serve(dir, smallPath, "small-twin");
    large = await serve(dir, largePath, "large");
    const knownPath = join(dir, "known.gguf");
    await synthesizeKnownAnswer({
      path: knownPath,
      answers: [{ prompt: "Which gas do plants absorb", answer: "carbon dioxide" }],
    });
    knownAnswer = await serve(dir, knownPath, "known");
  });

  afterAll(async () => {
    await Promise.all([stop(small), stop(smallTwin), stop(large), stop(knownAnswer)]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function bench(name: string, args: string[], runs = 12, scenario: "short" | "default" = "short") {
    const json = join(dir, `${name}.json`);
    const markdown = join(dir, `${name}.md`);
    const scenarioArgs = [
      ...(scenario === "short" ? ["--scenario", join(dir, "scenario.yaml")] : []),
      "--runs",
      String(runs),
      "--warmup",
      "2",
    ];
    const result = await runCli(["bench", ...args, ...scenarioArgs, "--json", json, "--markdown", markdown]);
    const results = result.code === 2 ? undefined : (JSON.parse(await readFile(json, "utf8")) as BenchResults);
    return { ...result, results, markdown: result.code === 2 ? "" : await readFile(markdown, "utf8") };
  }

  it("does not flag the same model served twice (A/A)", async () => {
    // Two server processes on a loaded two-core machine can run at different speeds for a whole bench (a real
    // difference between them that pairing cannot cancel: 150 against 110 tok/s was seen), so the timing
    // thresholds here are wide; the same server compared with itself below keeps the defaults.
    const wide = ["--thresholds", "ttft=50,tpot=50,itl=50,e2e=50,output_tps=50,prompt_tps=50"];
    const run = await bench("aa", [
      ...sideArgs("", smallTwin as Served),
      ...sideArgs("baseline-", small as Served),
      ...wide,
    ]);
    expect(run.stderr).not.toMatch(/could not run/);
    expect(run.code, `${run.stderr}\n${run.markdown}`).toBe(0);
    const scenarioResult = run.results?.scenarios[0];
    expect(scenarioResult?.comparisons.filter((c) => c.verdict === "regression")).toEqual([]);
    expect(scenarioResult?.warmupRunsExcluded).toBe(2);
    // Looks after 10 runs and at the cap of 12: the runs made are recorded with the reason measuring stopped.
    expect([10, 12]).toContain(scenarioResult?.runs);
    expect(scenarioResult?.stopReason).toBe(scenarioResult?.runs === 12 ? "cap" : "decided");
    expect(scenarioResult?.candidate.samples.ttft).toHaveLength(scenarioResult?.runs as number);
    expect(scenarioResult?.comparisons.find((c) => c.metric === "ttft")?.paired).toBe(true);
    expect(scenarioResult?.outputTokens).toMatchObject({
      baseline: { min: 24, max: 24 },
      candidate: { min: 24, max: 24 },
      materiallyDifferent: false,
    });
    expect(scenarioResult?.caching).toEqual({ cachePrompt: false, uniquePrefixDigits: 8 });
    expect(run.results?.warnings).toEqual([]);
    expect(scenarioResult?.candidate.summaries.peak_rss?.median).toBeGreaterThan(8);
    // llama.cpp's own timings came through the client, so the measurement check has both figures.
    expect(scenarioResult?.candidate.requests?.[0]?.promptRateSource).toBe("backend");
    expect(scenarioResult?.candidate.clientToBackendOutputRate).toBeGreaterThan(0);
    expect(run.results?.candidate).toMatchObject({
      modelRef: "small-twin",
      backend: "embedded",
      threads: 1,
      device: "cpu",
    });
    expect(run.results?.machine.device).toBe("cpu");
    expect(run.markdown).toContain("embedded · 1 thread · cpu");
    expect(run.markdown.startsWith("<!-- cortex-model-gate:bench -->\n")).toBe(true);
    // The stored result is a baseline for a candidate-only run of the same model.
    const stored = await bench(
      "stored",
      [...sideArgs("", small as Served), "--baseline-file", join(dir, "aa.json")],
      6,
    );
    // Measured minutes apart on a shared machine, so the verdict may go either way (that is why interleaved
    // A/B is the default): what must hold is that the run compared against the file's samples.
    expect([0, 1]).toContain(stored.code);
    expect(stored.results?.baseline).toMatchObject({ source: "file", modelRef: "small-twin" });
    expect(stored.results?.scenarios[0]?.baseline.samples.ttft).toEqual(scenarioResult?.candidate.samples.ttft);
  });

  it("does not call the same model on the same server a regression, and warns that it compares the server with itself", async () => {
    const run = await bench("same", [...sideArgs("", small as Served), ...sideArgs("baseline-", small as Served)], 10);
    expect(run.code, `${run.stderr}\n${run.markdown}`).toBe(0);
    expect(run.results?.scenarios[0]?.comparisons.filter((c) => c.verdict === "regression")).toEqual([]);
    expect(run.results?.warnings).toEqual([
      `baseline and candidate are the same model (small) on the same server (${(small as Served).url}): this compares the server with itself`,
    ]);
    expect(run.stderr).toMatch(/warning: baseline and candidate are the same model/);
  });

  it("benches a known-answer model with the built-in scenario: fixed-length generation streams every token", async () => {
    const known = knownAnswer as Served;
    // What is under test is the work each request does; three runs of sub-millisecond token times on a busy
    // machine say nothing about speed, so the verdict does not decide the exit code here.
    const args = [...sideArgs("", known), ...sideArgs("baseline-", known), "--warn-only"];
    const run = await bench("known", args, 3, "default");
    expect(run.stderr).not.toMatch(/could not run/);
    expect(run.code, `${run.stderr}\n${run.markdown}`).toBe(0);
    expect(["pass", "regression", "improvement", "inconclusive"]).toContain(run.results?.verdict);
    const s = run.results?.scenarios[0];
    expect(s).toMatchObject({ name: "default", fixedLength: true, runs: 3 });
    expect(s?.outputTokens?.candidate).toEqual({ min: 32, median: 32, max: 32 });
    expect(s?.candidate.samples.tpot).toHaveLength(3);
  });

  it("flags a model eight times larger at the first look", async () => {
    const run = await bench("slow", [...sideArgs("", large as Served), ...sideArgs("baseline-", small as Served)], 20);
    expect(run.code).toBe(1);
    expect(run.results?.scenarios[0]).toMatchObject({ runs: 10, maxRuns: 20, stopReason: "regression" });
    expect(run.stderr).toMatch(/short: 10\/20 runs per side \(stopped: regression\)/);
    const verdicts = Object.fromEntries(run.results?.scenarios[0]?.comparisons.map((c) => [c.metric, c.verdict]) ?? []);
    // Memory decides at the first look whatever the machine's load; the per-token metrics, noisier on a busy
    // machine, may still be undecided there, but never shown not worse.
    expect(verdicts.peak_rss).toBe("regression");
    for (const metric of ["tpot", "e2e", "output_tps"])
      expect(["regression", "inconclusive"]).toContain(verdicts[metric]);
    expect(run.markdown).toMatch(/\| Peak RSS \(MiB\) \|[^\n]*🔴 regression \|/);
    expect(run.stderr).toMatch(/short: regression \(.*peak_rss/);
    // With --warn-only the same finding no longer fails the job.
    const warned = await bench(
      "slow-warn",
      [...sideArgs("", large as Served), ...sideArgs("baseline-", small as Served), "--warn-only"],
      4,
    );
    expect(warned.code).toBe(0);
    expect(warned.results?.verdict).toBe("regression");
  });

  it("exits 2 when the backend cannot be reached", async () => {
    const run = await bench("down", [
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--model-id",
      "x",
      "--baseline-base-url",
      "http://127.0.0.1:9/v1",
      "--baseline-model-id",
      "x",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cortex-model bench: scenario short could not run/);
  });
});
