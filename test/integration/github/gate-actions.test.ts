import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../../src/bench/results.js";
import type { CompatResults } from "../../../src/compat/results.js";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { hiddenMarker } from "../../../src/github/pr-comment.js";
import { openRepository } from "../../../src/registry/index.js";
import { runCli, runCliInProcess } from "../../helpers/cli.js";
import { type GitHubApiServer, startGitHubApiServer } from "../../helpers/github-api-server.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { runBundledAction } from "../../helpers/run-action.js";
import { type ServeProcess, startServe } from "../../helpers/serve-process.js";

// The bundled test-model and bench-model actions, run as the runner runs them, against the embedded server
// serving the synthetic known-answer models, the local GitHub REST API and a real registry.
const root = path.resolve(import.meta.dirname, "../../..");
const testModelAction = path.join(root, "actions", "test-model");
const benchModelAction = path.join(root, "actions", "bench-model");
const suite = path.join(root, "examples", "suite.yaml");
let dir: string;
let good: ServeProcess;
let regressed: ServeProcess;
let api: GitHubApiServer;
let registry: TestRegistry;
let eventPath: string;
let scenarioFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gate-actions-"));
  for (const name of ["answers", "answers-regressed"]) {
    const made = await runCli([
      "synth",
      "--answers",
      path.join(root, "examples", `${name}.yaml`),
      "-o",
      path.join(dir, `${name}.gguf`),
    ]);
    expect(made.code, made.stderr).toBe(0);
  }
  const serve = (name: string, id: string) =>
    startServe(
      ["--model", path.join(dir, `${name}.gguf`), "--model-id", id, "--port", "0", "--threads", "1"],
      path.join(dir, `${id}.ready.json`),
    );
  [good, regressed, api, registry] = await Promise.all([
    serve("answers", "good"),
    serve("answers-regressed", "regressed"),
    startGitHubApiServer({ "write-token": "write", "fork-token": "read" }),
    startRegistry({ auth: "none" }),
  ]);
  // Prompts the known-answer model answers with several tokens, so every timing metric has samples.
  scenarioFile = path.join(dir, "scenario.yaml");
  await writeFile(
    scenarioFile,
    "scenarios:\n  - name: answers\n    prompts: [Reply with a greeting object as JSON, Which gas do green plants absorb]\n    max_tokens: 16\n",
  );
  eventPath = path.join(dir, "event.json");
  await writeFile(eventPath, JSON.stringify({ pull_request: { number: 7 } }));
}, 180_000);

afterAll(async () => {
  await Promise.all([good?.stop(), regressed?.stop(), api?.close(), registry?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe("the test-model action", () => {
  it("passes on the good model: outputs, results file and the job summary table", async () => {
    const { main } = await runBundledAction(testModelAction, {
      inputs: { suite, "base-url": good.baseUrl, "model-id": "good" },
    });
    expect(main.exitCode, main.stdout).toBe(0);
    expect(main.outputs).toMatchObject({ verdict: "pass", passed: "6", failed: "0", errors: "0" });
    const results = JSON.parse(await readFile(main.outputs["results-path"] as string, "utf8")) as CompatResults;
    expect(results.summary).toMatchObject({ total: 6, passed: 6, verdict: "pass" });
    expect(main.summary).toContain("capital-france");
    expect(main.summary.trimEnd()).toBe((await readFile(main.outputs["report-path"] as string, "utf8")).trimEnd());
    expect(main.annotations.filter((a) => a.level === "error")).toEqual([]);
  });

  it("fails on the regressed model with one error annotation on the failed case's line", async () => {
    const junit = path.join(dir, "regressed.xml");
    const { main } = await runBundledAction(testModelAction, {
      inputs: { suite, "base-url": regressed.baseUrl, "model-id": "regressed", junit },
    });
    expect(main.exitCode).toBe(1);
    expect(main.outputs).toMatchObject({ verdict: "fail", passed: "5", failed: "1", errors: "0" });
    const errors = main.annotations.filter((a) => a.level === "error");
    expect(errors.map((a) => a.properties.title)).toEqual(["compat: case capital-france failed", undefined]);
    expect(errors[0]?.message).toMatch(/equals: .*expected "Paris", got "Lyon"/);
    expect(errors[0]?.properties).toMatchObject({ file: suite, line: "29" });
    expect(errors[1]?.message).toMatch(/compatibility suite: 5 passed, 1 failed/);
    expect(main.summary).toMatch(/capital-france.*❌ fail/);
    expect(await readFile(junit, "utf8")).toContain("<failure");
  });

  it("publishes its results to the model digest, which promote --require compat then accepts", async () => {
    const repo = `${registry.host}/ai/model`;
    const models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
    const digest = (await pushTestModel(models, "gate-compat")).descriptor.digest;
    const refused = await runCliInProcess(["promote", `${repo}@${digest}`, "--to", "stable", "--require", "compat"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/no compat result/);

    // The inputs' older spellings (the served name as model, the reference as model-ref) still work, and warn.
    const { main } = await runBundledAction(testModelAction, {
      inputs: {
        suite,
        "base-url": good.baseUrl,
        model: "good",
        publish: "true",
        "model-ref": `${repo}:candidate`,
        digest,
      },
    });
    expect(main.exitCode, main.stdout).toBe(0);
    expect(main.annotations.filter((a) => a.level === "warning").map((a) => a.message)).toEqual([
      'input "model" as the served model name is deprecated; give that as input "model-id" and the model reference as input "model" (instead of input "model-ref")',
    ]);
    expect(main.stdout).toContain(`compat results (passed) attached to ${repo}:candidate@${digest}`);
    const results = JSON.parse(await readFile(main.outputs["results-path"] as string, "utf8")) as CompatResults;
    expect(results.model.digest).toBe(digest);

    const promoted = await runCliInProcess(["promote", `${repo}@${digest}`, "--to", "stable", "--require", "compat"]);
    expect(promoted.stderr).toBe("");
    expect(promoted).toMatchObject({ code: 0 });
  });

  it("refuses publish without a digest before running anything", async () => {
    const { main } = await runBundledAction(testModelAction, {
      inputs: {
        suite,
        "base-url": good.baseUrl,
        "model-id": "good",
        publish: "true",
        model: `${registry.host}/ai/model:latest`,
      },
    });
    expect(main.exitCode).toBe(1);
    expect(main.annotations[0]?.message).toMatch(/names a tag, not a digest/);
    expect(main.summary).toBe("");
  });
});

describe("the bench-model action", () => {
  const benchInputs = (token: string) => ({
    "base-url": good.baseUrl,
    "model-id": "good",
    "baseline-base-url": good.baseUrl,
    "baseline-model-id": "good",
    scenario: scenarioFile,
    runs: "3",
    warmup: "0",
    // Three A/A runs can flag noise; these tests are about where the report goes, not the verdict.
    "warn-only": "true",
    "github-token": token,
    "gate-name": "perf",
  });
  const prEnv = () => ({
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_REPOSITORY: "cortex/app",
    GITHUB_API_URL: api.url,
  });
  const marker = hiddenMarker("gate:perf");

  it("comments once on the pull request and updates that comment on the next run", async () => {
    api.comments.length = 0;
    const first = await runBundledAction(benchModelAction, { inputs: benchInputs("write-token"), env: prEnv() });
    expect(first.main.exitCode, first.main.stdout + first.main.stderr).toBe(0);
    expect(api.comments).toHaveLength(1);
    const results = JSON.parse(await readFile(first.main.outputs["results-path"] as string, "utf8")) as BenchResults;
    expect(first.main.outputs.verdict).toBe(results.verdict);
    expect(first.main.summary).toContain("```mermaid");
    expect(first.main.summary.trimEnd()).toBe(
      (await readFile(first.main.outputs["report-path"] as string, "utf8")).trimEnd(),
    );
    expect(api.comments[0]?.body.startsWith(marker)).toBe(true);
    const id = api.comments[0]?.id;
    expect(first.main.outputs["comment-url"]).toMatch(new RegExp(`#issuecomment-${id}$`));

    const compatReport = path.join(dir, "compat.md");
    await writeFile(compatReport, "## compat verdict: PASS");
    const second = await runBundledAction(benchModelAction, {
      inputs: { ...benchInputs("write-token"), "include-reports": compatReport },
      env: prEnv(),
    });
    expect(second.main.exitCode).toBe(0);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.id).toBe(id);
    expect(api.comments[0]?.body).toMatch(/## compat verdict: PASS[\s\S]*```mermaid/);
  }, 120_000);

  it("with a fork's read-only token warns and still writes the job summary", async () => {
    api.comments.length = 0;
    const { main } = await runBundledAction(benchModelAction, { inputs: benchInputs("fork-token"), env: prEnv() });
    expect(main.exitCode).toBe(0);
    expect(api.comments).toHaveLength(0);
    expect(
      main.annotations.filter((a) => a.level === "warning" && /HTTP 403.*job summary/.test(a.message)),
    ).toHaveLength(1);
    expect(main.summary).toContain("```mermaid");
    expect(main.outputs["comment-url"]).toBe("");
  }, 120_000);
});

describe("--publish on the CLI test and bench commands", () => {
  it("attaches both results to the digest, so promote --require compat,bench finds them", async () => {
    const repo = `${registry.host}/ai/cli`;
    const models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
    const pinned = `${repo}@${(await pushTestModel(models, "gate-cli")).descriptor.digest}`;
    const tested = await runCli([
      "test",
      "--suite",
      suite,
      "--base-url",
      good.baseUrl,
      "--model-id",
      "good",
      "--publish",
      pinned,
    ]);
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stderr).toMatch(new RegExp(`results attached to ${pinned.replace(/[.]/g, "\\.")} as sha256:`));
    const compatOnly = await runCliInProcess([
      "promote",
      pinned,
      "--to",
      "stable",
      "--require",
      "compat,bench",
      "--dry-run",
    ]);
    expect(compatOnly.stderr).toMatch(/no bench result/);

    const benched = await runCli([
      "bench",
      ...[
        "--base-url",
        good.baseUrl,
        "--model-id",
        "good",
        "--baseline-base-url",
        good.baseUrl,
        "--baseline-model-id",
        "good",
      ],
      ...["--scenario", scenarioFile, "--runs", "3", "--warmup", "0", "--warn-only", "--publish", pinned],
    ]);
    expect(benched.code, benched.stderr).toBe(0);
    const both = await runCliInProcess(["promote", pinned, "--to", "stable", "--require", "compat,bench", "--dry-run"]);
    expect(both.stderr).not.toMatch(/no (compat|bench) result/);
  }, 120_000);

  it("refuses a tag before measuring anything", async () => {
    const run = await runCliInProcess([
      "test",
      "--suite",
      suite,
      "--base-url",
      good.baseUrl,
      "--model-id",
      "good",
      "--publish",
      `${registry.host}/ai/cli:latest`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/names a tag, not a digest/);
    expect(run.stdout).toBe("");
  });
});
