import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAnswersFile } from "../../src/model/answers-file.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { runCli } from "../helpers/cli.js";
import { parseExposition, promtool, sampleValue } from "../helpers/prometheus-text.js";
import { startPushgateway, type TestPushgateway } from "../helpers/pushgateway.js";
import { type ServeProcess, startServe } from "../helpers/serve-process.js";

// `cortex-model test` and `bench` (built in lib/) export their results as OpenMetrics text and push them to a
// real Pushgateway, one group per scenario; both are read back by parsers that did not write them.
const EXAMPLES = resolve(import.meta.dirname, "../../examples");
const DIGEST = `sha256:${"ab".repeat(32)}`;
// A runner name with a slash and a space: grouping values travel base64-encoded in the push URL.
const RUNNER = "pool/runner 7";

let dir: string;
let serve: ServeProcess;
let gateway: TestPushgateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cortex-metrics-export-"));
  const answers = await readAnswersFile(join(EXAMPLES, "answers.yaml"));
  const { path } = await synthesizeKnownAnswer({ path: join(dir, "good.gguf"), answers });
  [serve, gateway] = await Promise.all([
    startServe(["--model", path, "--port", "0", "--model-id", "good", "--threads", "1"], join(dir, "ready.json")),
    startPushgateway(),
  ]);
});

afterAll(async () => {
  await serve?.stop();
  await gateway?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { RUNNER_NAME: RUNNER };

describe("results as Prometheus metrics", () => {
  it("test --openmetrics writes the suite's figures and --pushgateway pushes them under their grouping key", async () => {
    const file = join(dir, "compat.om");
    const args = ["--suite", join(EXAMPLES, "suite.yaml"), "--base-url", serve.baseUrl, "--model-id", "good"];
    const extra = ["--digest", DIGEST, "--backend", "embedded", "--openmetrics", file, "--pushgateway", gateway.url];
    const run = await runCli(["test", ...args, ...extra], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`1 metric group(s) pushed to ${gateway.url}`);

    const text = await readFile(file, "utf8");
    expect(text.endsWith("# EOF\n")).toBe(true);
    const grouping = { model_digest: DIGEST, backend: "embedded", runner: RUNNER, scenario: "example" };
    const written = parseExposition(text);
    expect(sampleValue(written, "cortex_compat_cases", { ...grouping, status: "pass" })).toBe(6);
    expect(sampleValue(written, "cortex_compat_verdict", { ...grouping, verdict: "pass" })).toBe(1);
    expect(sampleValue(written, "cortex_compat_verdict", { ...grouping, verdict: "fail" })).toBe(0);
    expect(sampleValue(written, "cortex_compat_pass_ratio", grouping)).toBe(1);
    expect((await promtool(["check", "metrics"], text)).code).toBe(0);

    const pushed = parseExposition(await (await fetch(`${gateway.url}/metrics`)).text());
    const key = { ...grouping, job: "cortex-model-test" };
    expect(sampleValue(pushed, "cortex_compat_cases", { ...key, status: "pass" })).toBe(6);
    expect(sampleValue(pushed, "cortex_compat_threshold_ratio", key)).toBe(1);
    expect(sampleValue(pushed, "push_failure_time_seconds", key)).toBe(0);
  });

  it("bench pushes one group per scenario and replaces it on a second push", async () => {
    const scenario = join(dir, "scenario.yaml");
    await writeFile(
      scenario,
      [
        "scenarios:",
        "  - name: known-prompts",
        '    prompts: ["Which gas do green plants absorb", "Reply with a greeting object as JSON"]',
        "    max_tokens: 8",
        "    runs: 3",
        "    warmup: 0",
        "",
      ].join("\n"),
    );
    const file = join(dir, "bench.om");
    const side = (prefix: string) => [`--${prefix}base-url`, serve.baseUrl, `--${prefix}model-id`, "good"];
    const args = [
      ...side(""),
      ...side("baseline-"),
      "--scenario",
      scenario,
      "--digest",
      DIGEST,
      "--backend",
      "embedded",
      // An A/A run of 3 samples can land on any verdict; the export is what is under test.
      "--warn-only",
    ];
    const push = () => runCli(["bench", ...args, "--openmetrics", file, "--pushgateway", gateway.url], env);
    const first = await push();
    expect(first.code, first.stderr).toBe(0);
    const grouping = { model_digest: DIGEST, backend: "embedded", runner: RUNNER, scenario: "known-prompts" };
    const written = parseExposition(await readFile(file, "utf8"));
    const verdicts = ["pass", "regression", "improvement", "inconclusive"].map((verdict) =>
      sampleValue(written, "cortex_bench_verdict", { ...grouping, verdict }),
    );
    expect(verdicts.reduce((a, b) => a + b)).toBe(1);
    const ttft = sampleValue(written, "cortex_bench_ttft_seconds", {
      ...grouping,
      side: "candidate",
      statistic: "median",
    });
    expect(ttft).toBeGreaterThan(0);
    expect(ttft).toBeLessThan(60);
    expect(sampleValue(written, "cortex_bench_ratio", { ...grouping, metric: "ttft" })).toBeGreaterThan(0);

    const groups = async () =>
      (
        (await (await fetch(`${gateway.url}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] }
      ).data
        .map((g) => g.labels)
        .filter((labels) => labels.job === "cortex-model-bench");
    expect(await groups()).toEqual([{ job: "cortex-model-bench", ...grouping }]);
    const pushedAt = async () =>
      sampleValue(parseExposition(await (await fetch(`${gateway.url}/metrics`)).text()), "push_time_seconds", {
        job: "cortex-model-bench",
        ...grouping,
      });
    const before = await pushedAt();
    expect((await push()).code).toBe(0);
    expect(await groups()).toHaveLength(1);
    expect(await pushedAt()).toBeGreaterThan(before);
  });

  it("refuses a pushgateway that is not an http URL before measuring anything", async () => {
    const run = await runCli(
      [
        "test",
        "--suite",
        join(EXAMPLES, "suite.yaml"),
        "--base-url",
        serve.baseUrl,
        "--model-id",
        "good",
        "--pushgateway",
        "ftp://x",
      ],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('cortex-model test: pushgateway URL "ftp://x" must be http or https\n');
    expect(run.stdout).toBe("");
  });
});
