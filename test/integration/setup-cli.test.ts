import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIClient } from "../../src/client/openai-client.js";
import { isAlive } from "../../src/core/process-alive.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { CLI, runCliInProcess } from "../helpers/cli.js";
import { type ModelLayout, makeModelLayout, tempDir } from "../helpers/model-layout.js";
import { groupMembers, portFree, processesMentioning, watchdogsOf, within } from "../helpers/process-group.js";

// `cortex-model setup` as a user runs it (the built CLI, npm run build first): pull a known-answer model from
// an oci: layout, serve it on the embedded backend, answer, and stop everything on a signal.
const answers = [{ prompt: "What is the capital of France?", answer: "Paris is the capital of France" }];

let root: string;
let model: ModelLayout;

beforeAll(async () => {
  root = await tempDir("setup-cli-");
  const gguf = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
  model = await makeModelLayout(path.join(root, "ka"), { shards: [await readFile(gguf.path)], tag: "v1" });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr holds a match of `pattern`. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly exited: Promise<number | null>;
}

/** setup's temporary directory (TMPDIR): its work directory is made here. */
const tmp = () => path.join(root, "tmp");

function start(args: string[]): Running {
  mkdirSync(tmp(), { recursive: true });
  const child = spawn(process.execPath, [CLI, "setup", ...args], {
    env: {
      ...process.env,
      CORTEX_MODEL_TOOLS: path.join(root, "tools"),
      CORTEX_MODEL_STORE: path.join(root, "store"),
      TMPDIR: tmp(),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const text = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk) => {
    text.stdout += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    text.stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    async waitFor(stream, pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(text[stream]);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no ${pattern} in ${stream}:\n${text.stdout}\n${text.stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

const pinned = () => `oci:${model.layout.root}@${model.manifestDescriptor.digest}`;

describe("cortex-model setup", () => {
  it("auto picks embedded (ollama not installed), serves exact answers, prints the endpoint as JSON, and SIGTERM stops everything", async () => {
    const run = start(["--model", pinned(), "--environment", "development", "--threads", "1", "--json"]);
    const [line] = await run.waitFor("stdout", /^\{.*\}\n/m);
    const endpoint = JSON.parse(line) as Record<string, unknown>;
    expect(endpoint).toMatchObject({
      modelId: "ka",
      digest: model.manifestDescriptor.digest,
      backend: "embedded",
      threads: 1,
      device: "cpu",
    });
    expect(endpoint.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(run.stderr()).toMatch(
      /^cortex-model setup: backend embedded chosen: hybrid strategy, development environment prefers ollama, then docker, then embedded; not installed, so skipped: ollama \(Ollama \S+ can be downloaded\); unavailable: docker \([^)]+\); to install ollama, set --install missing$/m,
    );
    const pid = endpoint.pid as number;
    expect(isAlive(pid)).toBe(true);
    const client = new OpenAIClient({ baseUrl: endpoint.baseUrl as string });
    const question = "What is the capital of France?";
    const chat = await client.generate({
      api: "chat",
      model: "ka",
      messages: [{ role: "user", content: question }],
      options: { temperature: 0 },
    });
    expect(chat.text).toBe("Paris is the capital of France");
    const completion = await client.generate({
      api: "completions",
      model: "ka",
      prompt: question,
      options: { temperature: 0 },
    });
    expect(completion.text).toBe("Paris is the capital of France");
    // Still serving in the foreground.
    expect(run.child.exitCode).toBeNull();
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain("cortex-model setup: SIGTERM: stopping the embedded backend\n");
    expect(run.stderr()).toContain("cortex-model setup: embedded backend stopped\n");
    expect(isAlive(pid)).toBe(false);
    expect(() => process.kill(-pid, 0)).toThrow();
    // The watchdog of a backend stopped in order is ended with it.
    expect(await watchdogsOf(pid)).toEqual([]);
    expect(await processesMentioning(root)).toEqual([]);
  });

  it("a SIGKILL of setup still ends the backend: its watchdog stops the whole process group, frees the port and removes the work directory", async () => {
    const run = start(["--model", pinned(), "--backend", "embedded", "--threads", "1", "--json"]);
    const [line] = await run.waitFor("stdout", /^\{.*\}\n/m);
    const workDirs = (await readdir(tmp())).filter((name) => name.startsWith("cortex-model-setup-"));
    expect(workDirs).toHaveLength(1);
    const { pid, baseUrl } = JSON.parse(line) as { pid: number; baseUrl: string };
    const port = Number(new URL(baseUrl).port);
    expect(await groupMembers(pid)).toContain(pid);
    expect(await watchdogsOf(pid)).toHaveLength(1);
    expect(await portFree(port)).toBe(false);
    run.child.kill("SIGKILL");
    expect(await run.exited).toBeNull();
    // SIGTERM from the watchdog: serve closes at once (no request in flight), well inside the SIGKILL grace.
    expect(await within(8_000, async () => (await groupMembers(pid)).length === 0)).toBeDefined();
    expect(await portFree(port)).toBe(true);
    expect(await within(8_000, async () => (await watchdogsOf(pid)).length === 0)).toBeDefined();
    expect(await processesMentioning(root)).toEqual([]);
    expect(await readdir(tmp())).not.toContain(workDirs[0]);
  });

  it("a SIGKILL of setup while the model loads ends the backend too", async () => {
    const run = start(["--model", pinned(), "--backend", "embedded", "--threads", "1"]);
    // serve's command line names the model in setup's work directory: the backend has been started.
    const serve = `serve --model ${tmp()}`;
    const started = await within(60_000, async () => (await processesMentioning(serve)).length > 0);
    expect(started, run.stderr()).toBeDefined();
    expect(run.stdout()).toBe("");
    const [pid] = await processesMentioning(serve);
    run.child.kill("SIGKILL");
    expect(await run.exited).toBeNull();
    expect(await within(8_000, async () => (await groupMembers(pid as number)).length === 0)).toBeDefined();
    expect(await within(8_000, async () => (await readdir(tmp())).length === 0)).toBeDefined();
    expect(await processesMentioning(root)).toEqual([]);
  });

  it("prints the endpoint as text; SIGINT while the model loads stops the backend and fails with one line", async () => {
    // An explicit --version: the one installed in this checkout, so serve runs in place.
    const text = start(["--model", pinned(), "--backend", "embedded", "--version", "3.21.1", "--threads", "1"]);
    await text.waitFor("stdout", /^ {2}loaded in [\d.]+ s$/m);
    expect(text.stdout()).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:\\d+/v1\\n  model: ka\\n  digest: ${model.manifestDescriptor.digest}\\n  backend: embedded \\(pid \\d+\\)\\n`,
      ),
    );
    text.child.kill("SIGINT");
    expect(await text.exited).toBe(0);
    expect(text.stderr()).toContain("cortex-model setup: SIGINT: stopping the embedded backend\n");

    const loading = start(["--model", pinned(), "--backend", "embedded", "--threads", "1"]);
    await loading.waitFor("stderr", /backend embedded chosen/);
    loading.child.kill("SIGINT");
    expect(await loading.exited).toBe(1);
    expect(loading.stdout()).toBe("");
    expect(loading.stderr().trimEnd().split("\n").at(-1)).toBe(
      "cortex-model setup: interrupted by SIGINT before the endpoint was ready",
    );
    expect(await processesMentioning(root)).toEqual([]);
  });

  it("a backend that dies while serving ends setup with one line and its log tail (exit 1); gpu auto on a machine without one says cpu", async () => {
    const run = start(["--model", pinned(), "--backend", "embedded", "--threads", "1", "--gpu", "auto", "--json"]);
    const [line] = await run.waitFor("stdout", /^\{.*\}\n/m);
    const { pid, device } = JSON.parse(line) as { pid: number; device: string };
    expect(device).toBe("cpu");
    process.kill(pid, "SIGKILL");
    expect(await run.exited).toBe(1);
    const stderr = run.stderr().trimEnd().split("\n");
    expect(stderr.at(-1)).toBe(`cortex-model setup: embedded backend: the server (pid ${pid}) exited while serving`);
    // The server's log tail comes before the line: here serve's first words.
    expect(run.stderr()).toMatch(/^cortex-model serve: loading \S+ as ka on 127\.0\.0\.1:0, pid \d+$/m);
    expect(await processesMentioning(root)).toEqual([]);
  });

  it("refuses bad options before doing anything (exit 2)", async () => {
    const cases: [string[], string][] = [
      [["--backend", "embedded"], "cortex-model setup: --model is required\n"],
      [
        ["--model", pinned(), "--backend", "vllm"],
        'cortex-model setup: unknown backend "vllm": use auto, embedded, ollama, docker, llama-server or openai\n',
      ],
      [
        ["--model", pinned(), "--install", "always"],
        'cortex-model setup: install must be one of auto, missing, never, got "always"\n',
      ],
      [
        ["--model", "m", "--backend", "openai"],
        "cortex-model setup: --base-url is required with backend openai (the existing endpoint's base URL)\n",
      ],
      [
        ["--model", pinned(), "--port", "70000"],
        'cortex-model setup: --port must be an integer from 0 to 65535, got "70000"\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCliInProcess(["setup", ...args], {});
      expect(result, args.join(" ")).toEqual({ code: 2, stdout: "", stderr });
    }
  });
});
