import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompatResults } from "../../src/compat/results.js";
import { runCli } from "../helpers/cli.js";
import { type ServeProcess, startServe } from "../helpers/serve-process.js";

// The proof: two synthetic known-answer models differing in one answer, served by the embedded
// backend; the example suite passes on the first and fails exactly the changed case on the second.
const root = join(import.meta.dirname, "..", "..");
const exampleSuite = join(root, "examples", "suite.yaml");
let dir: string;
let good: ServeProcess;
let regressed: ServeProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "compat-it-"));
  for (const name of ["answers", "answers-regressed"]) {
    const made = await runCli([
      "synth",
      "--answers",
      join(root, "examples", `${name}.yaml`),
      "-o",
      join(dir, `${name}.gguf`),
    ]);
    expect(made.code, made.stderr).toBe(0);
  }
  const serve = (name: string, id: string) =>
    startServe(
      ["--model", join(dir, `${name}.gguf`), "--model-id", id, "--port", "0", "--threads", "1"],
      join(dir, `${id}.ready.json`),
    );
  [good, regressed] = await Promise.all([serve("answers", "good"), serve("answers-regressed", "regressed")]);
});

afterAll(async () => {
  await Promise.all([good?.stop(), regressed?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const suiteArgs = (server: ServeProcess, model: string) => [
  "test",
  "--suite",
  exampleSuite,
  "--base-url",
  server.baseUrl,
  "--model-id",
  model,
];

describe("the example suite on the embedded backend", () => {
  it("passes on the good model", async () => {
    const json = join(dir, "good.json");
    const run = await runCli([...suiteArgs(good, "good"), "--json", json, "--digest", `sha256:${"d".repeat(64)}`]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const results = JSON.parse(await readFile(json, "utf8")) as CompatResults;
    expect(results.summary).toMatchObject({ total: 6, passed: 6, failed: 0, errors: 0, verdict: "pass" });
    expect(results.model.digest).toBe(`sha256:${"d".repeat(64)}`);
    expect(results.cases.find((c) => c.id === "thanks-japanese")?.output).toBe("ありがとう");
  });

  it("fails exactly the changed case on the regressed model, showing both answers", async () => {
    const json = join(dir, "regressed.json");
    const junit = join(dir, "regressed.xml");
    const run = await runCli([...suiteArgs(regressed, "regressed"), "--json", json, "--junit", junit]);
    expect(run.code).toBe(1);
    const results = JSON.parse(await readFile(json, "utf8")) as CompatResults;
    expect(results.cases.filter((c) => c.status !== "pass").map((c) => c.id)).toEqual(["capital-france"]);
    expect(run.stdout).toMatch(
      /FAIL {2}capital-france \(\d+ ms\)\n {4}x equals: output differs from the expected text {2}\[.*examples\/suite\.yaml:29\]\n {6}expected: "Paris"\n {6}actual: {3}"Lyon"\n/,
    );
    expect(await readFile(junit, "utf8")).toMatch(
      /<failure message="equals: output differs from the expected text"[^>]*>[^<]*expected: Paris\nactual: {3}Lyon/,
    );
  });

  it("lists the changed answer side by side against the other endpoint", async () => {
    const run = await runCli([
      ...suiteArgs(regressed, "regressed"),
      "--compare-base-url",
      good.baseUrl,
      "--compare-model",
      "good",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`compared with good at ${good.baseUrl}: 1 of 6 cases answer differently`);
    expect(run.stdout).toMatch(
      / {2}capital-france:\n {4}regressed \(fail\) +\| good \(pass\)\n.*\n {4}Lyon +\| Paris\n/,
    );
  });

  it("records golden answers on one model and catches the drift on the other", async () => {
    const golden = join(dir, "golden.json");
    expect((await runCli([...suiteArgs(good, "good"), "--record", golden])).code).toBe(0);
    const recorded = JSON.parse(await readFile(golden, "utf8"));
    expect(recorded.cases["capital-france"]).toMatchObject({ api: "chat", output: "Paris", options: { seed: 42 } });
    const baselineRun = await runCli([
      "test",
      "--suite",
      join(root, "test", "integration", "fixtures", "baseline-suite.yaml"),
      "--base-url",
      regressed.baseUrl,
      "--model-id",
      "regressed",
      "--baseline",
      golden,
    ]);
    expect(baselineRun.code).toBe(1);
    expect(baselineRun.stdout).toContain("x matches-baseline: output differs from the baseline");
    expect(baselineRun.stdout).toContain('      expected: "Paris"\n      actual:   "Lyon"');
    expect(baselineRun.stdout).toMatch(/PASS {2}largest-planet/);
  });
});
