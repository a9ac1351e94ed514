import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { runBench } from "../../../src/bench/bench.js";
import { BenchStoppedError } from "../../../src/bench/errors.js";
import type { BenchResults } from "../../../src/bench/results.js";
import { loadScenarios } from "../../../src/bench/scenario.js";
import { servedSide } from "../../../src/bench/served-side.js";
import { defaultComparisonSettings } from "../../../src/bench/verdict.js";
import type { CommandIO } from "../../../src/cli/command.js";
import { main } from "../../../src/cli/main.js";
import { benchModelStep } from "../../../src/github/bench-model.js";
import { startHttpServer, type TestHttpServer } from "../../helpers/http-server.js";
import { clearInputs } from "../../helpers/setting-sources.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const tokens = ["one", " two", " three", " four"];

/**
 * An OpenAI-compatible completions endpoint that streams four tokens per request and dies (drops the
 * connection without answering) from request `failFrom` on, as a backend that crashed part way would.
 */
function dyingEndpoint(failFrom: number): Promise<TestHttpServer> {
  let requests = 0;
  return startHttpServer((request, response) => {
    if (request.url === "/v1/models") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ object: "list", data: [{ id: "m", object: "model" }] }));
      return;
    }
    requests++;
    if (requests >= failFrom) {
      response.destroy();
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream" });
    const chunk = (text: string, finish: string | null) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;
    response.end(
      [
        ...tokens.map((t, i) => chunk(t, i === tokens.length - 1 ? "length" : null)),
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: tokens.length } })}\n\n`,
        "data: [DONE]\n\n",
      ].join(""),
    );
  });
}

async function bench(args: string[]) {
  const stderr = new PassThrough();
  const err: string[] = [];
  stderr.on("data", (chunk) => err.push(String(chunk)));
  const io: CommandIO = { stdout: new PassThrough(), stderr, env: {}, cwd: process.cwd() };
  const code = await main(["bench", ...args], io);
  return { code, stderr: err.join("") };
}

describe("cortex-model bench when the endpoint dies part way", () => {
  const temp = useTempDir();
  let server: TestHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function scenarioFile(dir: string): Promise<string> {
    const scenarios = join(dir, "scenarios.yaml");
    await writeFile(
      scenarios,
      "scenarios:\n  - name: first\n    prompts: [hello]\n    max_tokens: 4\n    runs: 10\n    warmup: 1\n  - name: second\n    prompts: [hello]\n    max_tokens: 4\n",
    );
    return scenarios;
  }

  async function benchDying(failFrom: number) {
    server = await dyingEndpoint(failFrom);
    const dir = temp();
    const scenarios = await scenarioFile(dir);
    const json = join(dir, "results.json");
    const markdown = join(dir, "report.md");
    const url = `${server.origin}/v1`;
    const run = await bench([
      ...["--base-url", url, "--model-id", "m", "--baseline-base-url", url, "--baseline-model-id", "m"],
      ...["--scenario", scenarios, "--json", json, "--markdown", markdown],
    ]);
    const results = JSON.parse(await readFile(json, "utf8")) as BenchResults;
    return { ...run, results, markdown: await readFile(markdown, "utf8") };
  }

  it("writes the results measured before a baseline request failed, the error and why measuring stopped; exits 2", async () => {
    // Two warm-up requests, then three interleaved runs (six requests); the fourth baseline request fails.
    const run = await benchDying(9);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cortex-model bench: scenario first could not run: /);
    const [first, ...others] = run.results.scenarios;
    expect(others).toEqual([]);
    expect(first).toMatchObject({ name: "first", runs: 3, maxRuns: 10, stopReason: "error", verdict: "inconclusive" });
    expect(first?.candidate.samples.ttft).toHaveLength(3);
    expect(first?.baseline.samples.ttft).toHaveLength(3);
    expect(run.results.error).toMatchObject({ scenario: "first", scenariosNotRun: ["second"] });
    expect(run.results.error?.message).toMatch(/^scenario first could not run: /);
    expect(run.results.verdict).toBe("inconclusive");
    expect(run.markdown).toMatch(/Measuring stopped: scenario first could not run: .*Not run: second\./);
    expect(run.markdown).toMatch(/3 of at most 10 runs per side \(stopped by an error;/);
    const schema = JSON.parse(
      readFileSync(new URL("../../../schemas/bench-results.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(run.results), JSON.stringify(validate.errors)).toBe(true);
  });

  it("keeps runs in pairs when the candidate's request fails after its baseline's succeeded", async () => {
    const run = await benchDying(10);
    expect(run.code).toBe(2);
    const first = run.results.scenarios[0];
    expect(first).toMatchObject({ runs: 3, stopReason: "error" });
    expect(first?.baseline.samples.ttft).toHaveLength(3);
  });

  it("writes the results when the endpoint dies during warm-up, with no runs made", async () => {
    const run = await benchDying(1);
    expect(run.code).toBe(2);
    expect(run.results.scenarios[0]).toMatchObject({ runs: 0, stopReason: "error", verdict: "inconclusive" });
    expect(run.results.error?.scenario).toBe("first");
  });

  it("the bench-model action writes the results, the report and its outputs, then fails the step", async () => {
    server = await dyingEndpoint(9);
    const dir = temp();
    const url = `${server.origin}/v1`;
    const variables = {
      "INPUT_BASE-URL": url,
      "INPUT_MODEL-ID": "m",
      "INPUT_BASELINE-BASE-URL": url,
      "INPUT_BASELINE-MODEL-ID": "m",
      INPUT_SCENARIO: await scenarioFile(dir),
      INPUT_COMMENT: "false",
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: join(dir, "output"),
    };
    Object.assign(process.env, variables);
    await writeFile(variables.GITHUB_OUTPUT, "");
    try {
      await expect(benchModelStep()).rejects.toThrow(/^scenario first could not run: /);
    } finally {
      clearInputs();
      delete process.env.RUNNER_TEMP;
      delete process.env.GITHUB_OUTPUT;
    }
    const results = JSON.parse(await readFile(join(dir, "cortex-model", "bench-results.json"), "utf8")) as BenchResults;
    expect(results.scenarios[0]).toMatchObject({ runs: 3, stopReason: "error" });
    expect(await readFile(join(dir, "cortex-model", "bench-report.md"), "utf8")).toMatch(/Measuring stopped/);
    const outputs = await readFile(variables.GITHUB_OUTPUT, "utf8");
    expect(outputs).toMatch(/verdict<<.*\ninconclusive\n/);
    expect(outputs).toContain(join(dir, "cortex-model", "bench-results.json"));
  });

  it("runBench fails for callers that do not look (a release check), carrying what was measured", async () => {
    server = await dyingEndpoint(9);
    const side = await servedSide({ baseUrl: `${server.origin}/v1`, model: "m" });
    const failure = await runBench({
      scenarios: await loadScenarios(await scenarioFile(temp())),
      candidate: side,
      baseline: { kind: "served", side },
      settings: defaultComparisonSettings,
      warnOnly: false,
      gateName: "release",
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BenchStoppedError);
    expect((failure as BenchStoppedError).exitCode).toBe(2);
    expect((failure as BenchStoppedError).outcome.results.scenarios[0]).toMatchObject({ runs: 3, stopReason: "error" });
  });
});
