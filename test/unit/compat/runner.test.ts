import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GenerationRequest, ModelClient } from "../../../src/client/types.js";
import { readBaseline } from "../../../src/compat/baseline-file.js";
import { exitCodeFor, parseFailOn, summarise } from "../../../src/compat/results.js";
import { runSuite } from "../../../src/compat/runner.js";
import { parseSuite } from "../../../src/compat/suite-load.js";
import { EndpointUnavailableError, testModel } from "../../../src/compat/test-model.js";
import { promptOf, ScriptedClient } from "../../helpers/scripted-client.js";

const answers: Record<string, string> = { "capital of France": "Paris", "largest planet": "Jupiter" };
const byTable = (request: GenerationRequest) => ({ text: answers[promptOf(request)] ?? "" });

const suiteText = `name: table
cases:
  - id: france
    prompt: capital of France
    assert: [{ type: equals, value: Paris }]
  - id: planet
    messages: [{ role: user, content: largest planet }]
    weight: 3
    assert: [{ type: equals, value: Saturn }]
`;

describe("runSuite", () => {
  it("passes and fails cases by their assertions, keeping timings, usage and the first answer", async () => {
    const suite = await parseSuite("s.yaml", suiteText, tmpdir());
    const client = new ScriptedClient(byTable);
    const [france, planet] = await runSuite(suite, { client, model: "m" });
    expect(france).toMatchObject({
      id: "france",
      status: "pass",
      output: "Paris",
      timings: { e2eMs: 5, samples: 1 },
      usage: { promptTokens: 3, completionTokens: 2 },
    });
    expect(planet).toMatchObject({ status: "fail", output: "Jupiter", weight: 3 });
    expect(planet?.assertions[0]).toMatchObject({ expected: "Saturn", actual: "Jupiter" });
    expect(client.requests[0]).toMatchObject({ model: "m", api: "completions", options: { temperature: 0 } });
  });

  it("reports a backend error as an error of that case only", async () => {
    const suite = await parseSuite("s.yaml", suiteText, tmpdir());
    const client = new ScriptedClient((request) =>
      request.api === "chat" ? new Error("HTTP 500 from /v1/chat/completions") : byTable(request),
    );
    const results = await runSuite(suite, { client, model: "m" });
    expect(results.map((r) => r.status)).toEqual(["pass", "error"]);
    expect(results[1]).toMatchObject({ error: "HTTP 500 from /v1/chat/completions", assertions: [] });
  });

  it("asks as often and in the modes the assertions need", async () => {
    const suite = await parseSuite(
      "s.yaml",
      `defaults: { repeats: 2 }
cases:
  - id: d
    prompt: capital of France
    assert: [{ type: deterministic, n: 4 }, { type: max-ttft-ms, value: 100 }, { type: stream-consistent }]
  - id: plain
    prompt: capital of France
    assert: [{ type: stream-consistent }]
`,
      tmpdir(),
    );
    const client = new ScriptedClient(byTable);
    const [d, plain] = await runSuite(suite, { client, model: "m" });
    const streams = client.requests.map((r) => ("stream" in r ? r.stream : undefined));
    // Case d: four streamed answers (ttft needs streaming), then one plain for stream-consistent.
    // Case plain: two plain answers (repeats), then one streamed.
    expect(streams).toEqual([true, true, true, true, false, false, false, true]);
    expect(d).toMatchObject({ status: "pass", timings: { samples: 4, ttftMs: 2 } });
    expect(plain?.status).toBe("pass");
  });

  it("runs cases concurrently when asked and keeps suite order", async () => {
    const cases = Array.from(
      { length: 6 },
      (_, i) => `  - {id: c${i}, prompt: capital of France, assert: [{type: is-json}]}`,
    );
    const suite = await parseSuite("s.yaml", `cases:\n${cases.join("\n")}\n`, tmpdir());
    const client = new ScriptedClient(byTable);
    const results = await runSuite(suite, { client, model: "m", concurrency: 3 });
    expect(results.map((r) => r.id)).toEqual(["c0", "c1", "c2", "c3", "c4", "c5"]);
    expect(client.maxInFlight).toBe(3);
    const serial = new ScriptedClient(byTable);
    await runSuite(suite, { client: serial, model: "m" });
    expect(serial.maxInFlight).toBe(1);
  });

  it("sends embeddings cases to embed and checks their dimension", async () => {
    const suite = await parseSuite(
      "s.yaml",
      "cases:\n  - {id: e, input: [a, b], assert: [{type: embedding-dim, value: 2}]}\n",
      tmpdir(),
    );
    const client = new ScriptedClient(byTable, undefined, () => [
      [1, 0],
      [0, 1],
    ]);
    const [result] = await runSuite(suite, { client, model: "m" });
    expect(result).toMatchObject({ status: "pass", api: "embeddings", output: "" });
    expect(client.requests[0]).toMatchObject({ input: ["a", "b"] });
  });

  it("checks that repeated embeddings are identical", async () => {
    const suite = await parseSuite(
      "s.yaml",
      "cases:\n  - {id: e, input: a, assert: [{type: deterministic, n: 2}]}\n",
      tmpdir(),
    );
    let call = 0;
    const drifting = new ScriptedClient(byTable, undefined, () => [[call++, 1]]);
    const [result] = await runSuite(suite, { client: drifting, model: "m" });
    expect(result?.assertions[0]).toMatchObject({ pass: false, reason: "answer 2 of 2 differs from answer 1" });
    expect(drifting.requests).toHaveLength(2);
  });
});

describe("summarise and exit codes", () => {
  it("weighs cases, counts errors as not passed, and exits 2 only when nothing could be asked", async () => {
    const suite = await parseSuite("s.yaml", suiteText, tmpdir());
    const results = await runSuite(suite, { client: new ScriptedClient(byTable), model: "m" });
    expect(summarise(results, 0.25)).toEqual({
      total: 2,
      passed: 1,
      failed: 1,
      errors: 0,
      passRate: 0.25,
      threshold: 0.25,
      verdict: "pass",
    });
    expect(exitCodeFor(summarise(results, 0.25))).toBe(0);
    expect(exitCodeFor(summarise(results, 0.5))).toBe(1);
    const down = await runSuite(suite, { client: new ScriptedClient(() => new Error("refused")), model: "m" });
    expect(exitCodeFor(summarise(down, 0))).toBe(2);
  });
});

describe("parseFailOn", () => {
  it("reads any, fractions and percentages, and refuses the rest", () => {
    expect(["any", "0.9", "90%", "0", "100%", "1"].map(parseFailOn)).toEqual([1, 0.9, 0.9, 0, 1, 1]);
    expect(["most", "1.5", "120%", "-1", ""].map(parseFailOn)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("testModel", () => {
  it("records a baseline that matches-baseline then reads back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "compat-record-"));
    const suite = await parseSuite("s.yaml", suiteText, dir);
    const record = join(dir, "golden.json");
    const endpoint = { client: new ScriptedClient(byTable), model: { name: "m", digest: `sha256:${"a".repeat(64)}` } };
    await testModel({ suite, endpoint, recordPath: record, now: () => new Date("2026-11-28T00:00:00Z") });
    const written = JSON.parse(await readFile(record, "utf8"));
    expect(written).toMatchObject({
      kind: "compat-baseline",
      recordedAt: "2026-11-28T00:00:00.000Z",
      model: { name: "m", digest: `sha256:${"a".repeat(64)}` },
      cases: { france: { api: "completions", output: "Paris", options: { temperature: 0 } } },
    });
    expect(await readBaseline(record)).toEqual(
      new Map([
        ["france", "Paris"],
        ["planet", "Jupiter"],
      ]),
    );

    const check = await parseSuite(
      "s.yaml",
      `baseline: golden.json\ncases:\n  - {id: planet, prompt: largest planet, assert: [{type: matches-baseline}]}\n`,
      dir,
    );
    const drifted = { client: new ScriptedClient(() => ({ text: "Saturn" })), model: { name: "m" } };
    const results = await testModel({ suite: check, endpoint: drifted });
    expect(results.cases[0]?.assertions[0]).toMatchObject({ pass: false, expected: "Jupiter", actual: "Saturn" });
  });

  it("refuses matches-baseline without a baseline to read", async () => {
    const suite = await parseSuite(
      "s.yaml",
      "cases:\n  - {id: a, prompt: x, assert: [{type: matches-baseline}]}\n",
      tmpdir(),
    );
    const endpoint = { client: new ScriptedClient(byTable), model: { name: "m" } };
    await expect(testModel({ suite, endpoint })).rejects.toThrow(
      "suite s.yaml uses matches-baseline but names no baseline: give a baseline file or set baseline in the suite",
    );
    // Each shell names its own way to give one: the action its input, the CLI its flags.
    await expect(testModel({ suite, endpoint, baselineHint: 'the input "baseline"' })).rejects.toThrow(
      'names no baseline: give the input "baseline" or set baseline in the suite',
    );
  });

  it("lists the cases a second endpoint answers differently", async () => {
    const suite = await parseSuite("s.yaml", suiteText, tmpdir());
    const results = await testModel({
      suite,
      endpoint: { client: new ScriptedClient(byTable), model: { name: "new" } },
      compare: {
        client: new ScriptedClient(
          (r) => ({ text: promptOf(r) === "largest planet" ? "Saturn" : "Paris" }),
          "http://127.0.0.2:1/v1",
        ),
        model: { name: "old" },
      },
    });
    expect(results.comparison).toMatchObject({
      model: { name: "old" },
      backend: { baseUrl: "http://127.0.0.2:1/v1" },
      differences: [{ id: "planet", primary: "Jupiter", other: "Saturn", primaryStatus: "fail", otherStatus: "pass" }],
    });
  });

  it("refuses to run against an endpoint that does not answer, with exit code 2", async () => {
    const suite = await parseSuite("s.yaml", suiteText, tmpdir());
    const client: ModelClient = Object.assign(new ScriptedClient(byTable), {
      listModels: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      },
    });
    const error = await testModel({ suite, endpoint: { client, model: { name: "m" } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointUnavailableError);
    expect((error as EndpointUnavailableError).exitCode).toBe(2);
    expect((error as Error).message).toBe("endpoint http://127.0.0.1:1/v1 is not answering");
  });
});
