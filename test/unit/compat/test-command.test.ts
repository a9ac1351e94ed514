import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { startHttpServer, type TestHttpServer } from "../../helpers/http-server.js";

/** A loopback endpoint speaking enough of the OpenAI protocol: answers looked up by the last prompt word. */
async function startTableServer(table: Record<string, string>): Promise<TestHttpServer> {
  return startHttpServer((request, response, body) => {
    response.setHeader("content-type", "application/json");
    if (request.url === "/v1/models") {
      response.end(JSON.stringify({ object: "list", data: [{ id: "table", object: "model" }] }));
      return;
    }
    const parsed = JSON.parse(body) as { prompt?: string; messages?: { content: string }[] };
    const prompt = parsed.prompt ?? parsed.messages?.at(-1)?.content ?? "";
    const text = table[prompt.split(" ").at(-1) ?? ""] ?? "";
    const choice =
      parsed.prompt !== undefined
        ? { index: 0, text, finish_reason: "stop" }
        : { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" };
    response.end(JSON.stringify({ choices: [choice], usage: { prompt_tokens: 4, completion_tokens: 1 } }));
  });
}

async function run(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on("data", (chunk: Buffer) => err.push(chunk.toString()));
  const code = await main(["test", ...args], { stdout, stderr, env: {}, cwd });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** The arguments every run shares: the suite and the endpoint under test. */
const against = (server: TestHttpServer) => [
  "--suite",
  "suite.yaml",
  "--base-url",
  `${server.origin}/v1`,
  "--model-id",
  "table",
];

const suite = `name: capitals
cases:
  - id: france
    prompt: capital of France
    assert: [{ type: equals, value: Paris }]
  - id: italy
    messages: [{ role: user, content: capital of Italy }]
    assert: [{ type: equals, value: Rome }, { type: max-tokens, value: 5 }]
`;

let dir: string;
let good: TestHttpServer;
let regressed: TestHttpServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "compat-cli-"));
  await writeFile(join(dir, "suite.yaml"), suite);
  good = await startTableServer({ France: "Paris", Italy: "Rome" });
  regressed = await startTableServer({ France: "Paris", Italy: "Milan" });
});

afterEach(async () => {
  await Promise.all([good.close(), regressed.close()]);
});

describe("cortex-model test", () => {
  it("exits 0 when every case passes and writes JSON, JUnit and the summary", async () => {
    const result = await run(
      [
        ...against(good),
        "--digest",
        `sha256:${"c".repeat(64)}`,
        "--json",
        "r.json",
        "--junit",
        "r.xml",
        "--summary",
        "r.md",
      ],
      dir,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^PASS {2}france \(\d+ ms\)\nPASS {2}italy \(\d+ ms\)\n\n2 passed, 0 failed, 0 errors; pass rate 100% \(threshold 100%\): PASS\n$/,
    );
    const json = JSON.parse(await readFile(join(dir, "r.json"), "utf8"));
    expect(json).toMatchObject({
      model: { name: "table", digest: `sha256:${"c".repeat(64)}` },
      summary: { verdict: "pass" },
    });
    expect(await readFile(join(dir, "r.xml"), "utf8")).toContain(
      '<testsuite name="capitals" tests="2" failures="0" errors="0"',
    );
    expect(await readFile(join(dir, "r.md"), "utf8")).toContain("### Compatibility: capitals ✅ passed");
  });

  it("exits 1 on a regression, showing both answers, and lists it against the other endpoint", async () => {
    const result = await run([...against(regressed), "--compare-base-url", `${good.origin}/v1`], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL {2}italy \(\d+ ms\)\n {4}x equals: output differs from the expected text {2}\[suite\.yaml:8\]\n {6}expected: "Rome"\n {6}actual: {3}"Milan"\n/,
    );
    expect(result.stdout).toContain(`compared with table at ${good.origin}/v1: 1 of 2 cases answer differently`);
    expect(result.stdout).toMatch(/ {4}Milan +\| Rome\n/);
    expect(result.stdout).toContain("1 passed, 1 failed, 0 errors; pass rate 50.0% (threshold 100%): FAIL");
  });

  it("lets --fail-on lower the pass rate needed", async () => {
    expect((await run([...against(regressed), "--fail-on", "50%"], dir)).code).toBe(0);
    expect((await run([...against(regressed), "--fail-on", "any"], dir)).code).toBe(1);
    const wrong = await run([...against(regressed), "--fail-on", "most"], dir);
    expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining('--fail-on must be "any" or a pass rate') });
  });

  it("records a baseline and checks against it with --baseline", async () => {
    expect(
      (
        await run(
          ["--suite", "suite.yaml", "--base-url", `${good.origin}/v1`, "--model-id", "t", "--record", "golden.json"],
          dir,
        )
      ).code,
    ).toBe(0);
    await writeFile(
      join(dir, "baseline.yaml"),
      "cases:\n  - {id: italy, prompt: capital of Italy, assert: [{type: matches-baseline}]}\n",
    );
    const args = (url: string) => [
      "--suite",
      "baseline.yaml",
      "--base-url",
      `${url}/v1`,
      "--model-id",
      "t",
      "--baseline",
      "golden.json",
    ];
    expect((await run(args(good.origin), dir)).code).toBe(0);
    const drifted = await run(args(regressed.origin), dir);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('      expected: "Rome"\n      actual:   "Milan"');
  });

  it("exits 2 with file and line for an invalid suite, and for an endpoint that is down", async () => {
    await writeFile(join(dir, "bad.yaml"), "cases:\n  - id: a\n    prompt: x\n    assert:\n      - type: contians\n");
    const bad = await run(["--suite", "bad.yaml", "--base-url", `${good.origin}/v1`, "--model-id", "t"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^cortex-model test: bad\.yaml:5: cases\[0\]\.assert\[0\]\.type: unknown assertion type "contians"/,
    );

    const closed = await startTableServer({});
    await closed.close();
    const down = await run(["--suite", "suite.yaml", "--base-url", `${closed.origin}/v1`, "--model-id", "t"], dir);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(new RegExp(`^cortex-model test: endpoint ${closed.origin}/v1 is not answering`));
  });

  it("exits 2 on usage errors", async () => {
    expect((await run(["--suite", "suite.yaml", "--model-id", "t"], dir)).stderr).toBe(
      "cortex-model test: --base-url is required\n",
    );
    const concurrency = await run(
      ["--suite", "suite.yaml", "--base-url", "http://127.0.0.1:1/v1", "--model-id", "t", "--concurrency", "0"],
      dir,
    );
    expect(concurrency.code).toBe(2);
  });
});
