import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../../src/bench/results.js";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { getInputs, runBenchModel } from "../../../src/github/bench-model.js";
import { BenchModel } from "../../../src/github/constants.js";
import { publishResult } from "../../../src/promote/results.js";
import { openRepository } from "../../../src/registry/index.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { type ActionsCacheServer, startActionsCacheServer } from "../../helpers/actions-cache-server.js";
import { runCli, runCliInProcess } from "../../helpers/cli.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { type ServeProcess, startServe } from "../../helpers/serve-process.js";

// Stored baselines end to end: bench results attached in a real registry and in an oci: layout, and saved to
// and restored from the real @actions/cache through the local cache service. One tiny known-answer model is
// served; three runs per side keep each bench to a second or two.
const root = path.resolve(import.meta.dirname, "../../..");
let dir: string;
let served: ServeProcess;
let registry: TestRegistry;
let cacheServer: ActionsCacheServer;
let scenarioFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "stored-baselines-"));
  const model = path.join(dir, "answers.gguf");
  const made = await runCli(["synth", "--answers", path.join(root, "examples", "answers.yaml"), "-o", model]);
  expect(made.code, made.stderr).toBe(0);
  [served, registry, cacheServer] = await Promise.all([
    startServe(
      ["--model", model, "--model-id", "good", "--port", "0", "--threads", "1"],
      path.join(dir, "good.ready.json"),
    ),
    startRegistry({ auth: "none" }),
    startActionsCacheServer(),
  ]);
  scenarioFile = path.join(dir, "scenario.yaml");
  await writeFile(
    scenarioFile,
    "scenarios:\n  - name: answers\n    prompts: [Reply with a greeting object as JSON, Which gas do green plants absorb]\n    max_tokens: 16\n",
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([served?.stop(), registry?.stop(), cacheServer?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const candidate = () => ["--base-url", served.baseUrl, "--model-id", "good"];
const workload = ["--runs", "3", "--warmup", "0", "--warn-only"];

async function bench(name: string, ...args: string[]) {
  const json = path.join(dir, `${name}.json`);
  const run = await runCliInProcess([
    "bench",
    ...candidate(),
    ...args,
    "--scenario",
    scenarioFile,
    ...workload,
    "--json",
    json,
    "--markdown",
    path.join(dir, `${name}.md`),
  ]);
  const results = run.code === 2 ? undefined : (JSON.parse(await readFile(json, "utf8")) as BenchResults);
  return { ...run, results };
}

describe("--baseline-ref: the bench results attached to the digest a tag points at", () => {
  it("uses the results --publish attached in a registry, and names what is missing in one line", async () => {
    const repo = `${registry.host}/ai/model`;
    const models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
    const stable = await pushTestModel(models, "stored-stable");
    await models.tag(stable.descriptor, "stable");
    const digest = stable.descriptor.digest;

    const noResults = await bench("none", "--baseline-ref", `${repo}:stable`);
    expect(noResults.code).toBe(2);
    expect(noResults.stderr.trim().split("\n")).toHaveLength(1);
    expect(noResults.stderr).toContain(`no bench results attached to ${digest}`);
    expect(noResults.stderr).toContain(`publish-result ${repo}@${digest} --kind bench`);
    const noTag = await bench("no-tag", "--baseline-ref", `${repo}:missing`);
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toMatch(/baseline ref .*:missing: missing not found in/);

    const published = await bench(
      "published",
      ...["--baseline-base-url", served.baseUrl, "--baseline-model-id", "good"],
      ...["--publish", `${repo}@${digest}`],
    );
    expect(published.code, published.stderr).toBe(0);

    const fromFile = await bench("from-file", "--baseline-file", path.join(dir, "published.json"));
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.results?.baseline).toMatchObject({ source: "file", file: path.join(dir, "published.json") });

    const run = await bench("from-registry", "--baseline-ref", `${repo}:stable`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.results?.baseline).toMatchObject({ source: "registry", ref: `${repo}:stable`, digest });
    expect(run.results?.baseline.resultDigest).toMatch(/^sha256:/);
    expect(run.results?.scenarios[0]?.baseline.samples).toEqual(published.results?.scenarios[0]?.candidate.samples);
  }, 60_000);

  it("reads an oci: layout too, taking the newest results document and skipping ones that are not results", async () => {
    const layoutDir = path.join(dir, "layout");
    const layout = await OciLayout.open(layoutDir, { create: true });
    const stable = await pushTestModel(layout, "layout-stable");
    await layout.tag(stable.descriptor, "stable");
    const stored = JSON.parse(await readFile(path.join(dir, "published.json"), "utf8")) as BenchResults;
    const older = { ...stored, createdAt: "2026-01-01T00:00:00.000Z" };
    await publishResult(layout, stable.descriptor, "bench", JSON.stringify(older), true, {
      created: new Date("2026-01-01T00:00:00Z"),
    });
    const newer = await publishResult(layout, stable.descriptor, "bench", JSON.stringify(stored), true, {
      created: new Date("2026-02-01T00:00:00Z"),
    });
    await publishResult(layout, stable.descriptor, "bench", JSON.stringify({ verdict: "pass" }), true, {
      created: new Date("2026-03-01T00:00:00Z"),
    });

    const run = await bench("from-layout", "--baseline-ref", `oci:${layoutDir}:stable`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.results?.baseline).toMatchObject({ source: "registry", resultDigest: newer.digest });
    expect(run.results?.scenarios[0]?.baseline.samples).toEqual(stored.scenarios[0]?.candidate.samples);
  }, 60_000);
});

describe("bench-model baseline-cache through the real @actions/cache", () => {
  const names = BenchModel.inputs;
  const touched = new Set<string>();
  function setEnv(values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      touched.add(name);
      process.env[name] = value;
    }
  }
  function inputs(values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  }
  function clearEnv(): void {
    for (const name of touched) delete process.env[name];
    touched.clear();
  }
  afterEach(clearEnv);

  /** One step of a workflow run: push to `branch` (saves) or a pull request into it (restores). */
  async function step(event: { push: string; runId: number } | { pullRequestInto: string }, extra = {}) {
    const temp = path.join(dir, "runner-temp");
    clearEnv();
    setEnv({
      ...cacheServer.env("v2"),
      RUNNER_TEMP: temp,
      GITHUB_WORKSPACE: dir,
      ...("push" in event
        ? { GITHUB_EVENT_NAME: "push", GITHUB_REF: `refs/heads/${event.push}`, GITHUB_RUN_ID: String(event.runId) }
        : { GITHUB_EVENT_NAME: "pull_request", GITHUB_BASE_REF: event.pullRequestInto, GITHUB_RUN_ID: "999" }),
      ...inputs({
        [names.baseUrl]: served.baseUrl,
        [names.modelId]: "good",
        [names.scenario]: scenarioFile,
        [names.runs]: "3",
        [names.warmup]: "0",
        [names.warnOnly]: "true",
        [names.comment]: "false",
        [names.gateName]: "perf",
        [names.baselineCache]: "true",
        ...extra,
      }),
    });
    return getInputs();
  }

  const servedBaseline = () => ({ [names.baselineBaseUrl]: served.baseUrl, [names.baselineModelId]: "good" });

  it("a push saves under cortex-bench-<gate>-<branch>-<run id>; a pull request restores its base branch's newest", async () => {
    let saved: BenchResults | undefined;
    for (const runId of [101, 102]) {
      const push = await step({ push: "main", runId }, servedBaseline());
      expect(push.cacheSave?.key).toBe(`cortex-bench-perf-main-${runId}`);
      saved = (await runBenchModel(push)).results;
      expect(saved.baseline.source).toBe("interleaved");
    }
    expect(cacheServer.entries().map((e) => e.key)).toEqual([
      "cortex-bench-perf-main-101",
      "cortex-bench-perf-main-102",
    ]);

    const pr = await step({ pullRequestInto: "main" });
    expect(pr.baseline).toMatchObject({ kind: "cache", prefix: "cortex-bench-perf-main-" });
    expect(pr.cacheSave).toBeUndefined();
    const { results } = await runBenchModel(pr);
    expect(results.baseline).toMatchObject({ source: "cache", cacheKey: "cortex-bench-perf-main-102" });
    expect(results.scenarios[0]?.baseline.samples).toEqual(saved?.scenarios[0]?.candidate.samples);
    expect(cacheServer.entries()).toHaveLength(2);
  }, 60_000);

  it("names what is missing: no entry for the base branch, or only another branch's that shares the prefix", async () => {
    await expect(runBenchModel(await step({ pullRequestInto: "release" }))).rejects.toThrow(
      /baseline-cache: no cached bench results under cortex-bench-perf-release-; a push to that branch/,
    );
    await runBenchModel(await step({ push: "main-next", runId: 104 }, servedBaseline()));
    await expect(runBenchModel(await step({ pullRequestInto: "main" }))).rejects.toThrow(
      /newest entry under cortex-bench-perf-main- is cortex-bench-perf-main-next-104, another branch's/,
    );
  }, 60_000);

  it("takes exactly one baseline: a given one wins on a pull request, and a push needs one", async () => {
    const file = path.join(dir, "published.json");
    const withFile = await step(
      { pullRequestInto: "main" },
      { [names.baselineFile]: file, [names.loadSeconds]: "1.25", [names.warmLoadSeconds]: "" },
    );
    expect(withFile.baseline).toEqual({ kind: "file", path: file });
    // setup-model's load outputs, in seconds; an empty warm load (not measured) records nothing.
    expect(withFile.candidate).toMatchObject({ coldLoadMs: [1250], warmLoadMs: [] });
    await expect(step({ push: "main", runId: 105 })).rejects.toThrow(
      /give exactly one baseline: .*"baseline-cache" supplies one only on a pull request/,
    );
    await expect(
      step({ pullRequestInto: "main" }, { ...servedBaseline(), [names.baselineRef]: "r.example/a:stable" }),
    ).rejects.toThrow(/give exactly one baseline/);
  });
});
