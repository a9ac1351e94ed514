import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIClient } from "../../../src/client/openai-client.js";
import { isAlive } from "../../../src/core/process-alive.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { type ModelLayout, makeModelLayout, randomData, tempDir } from "../../helpers/model-layout.js";
import { groupMembers, watchdogsOf } from "../../helpers/process-group.js";
import { type ActionRun, actionFromLib, runBundledAction, type StepResult } from "../../helpers/run-action.js";

// The bundled setup-model action run as the runner runs it (main step, then the post step), on the embedded
// backend serving a known-answer model from an oci: layout. node-llama-cpp resolves from the repository's own
// node_modules, so nothing is installed.
const action = path.resolve(import.meta.dirname, "../../../actions/setup-model");
const answers = [{ prompt: "What is the capital of France?", answer: "Paris is the capital of France" }];

let root: string;
let model: ModelLayout;
let notGguf: ModelLayout;

beforeAll(async () => {
  root = await tempDir("setup-model-action-");
  const gguf = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
  model = await makeModelLayout(path.join(root, "ka"), { shards: [await readFile(gguf.path)], tag: "v1" });
  notGguf = await makeModelLayout(path.join(root, "noise"), { shards: [randomData(256 * 1024)], tag: "v1" });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const pinned = (layout: ModelLayout) => `oci:${layout.layout.root}@${layout.manifestDescriptor.digest}`;

function run(
  inputs: Record<string, string>,
  betweenSteps?: (main: StepResult) => Promise<void>,
  actionDir = action,
): Promise<ActionRun> {
  return runBundledAction(actionDir, {
    inputs: { backend: "embedded", threads: "1", cache: "false", "ready-timeout": "120", ...inputs },
    timeoutMs: 240_000,
    ...(betweenSteps ? { betweenSteps } : {}),
  });
}

function errorLine(step: StepResult): string {
  return step.annotations.find((annotation) => annotation.level === "error")?.message ?? "";
}

function serverPid(step: StepResult): number | undefined {
  const handle = step.state.backendHandle;
  return handle === undefined ? undefined : (JSON.parse(handle) as { pid?: number }).pid;
}

describe("the bundled setup-model action with the embedded backend", () => {
  it("auto serves the model digest on an OpenAI-compatible endpoint; the post step stops it", async () => {
    let pid = 0;
    // auto, in a development environment, prefers Ollama, then Docker Model Runner; Ollama could be downloaded
    // here (over 1 GB) but nobody asked for it, and Docker is absent, so the selection ends at embedded and
    // says so in one line, with how to have Ollama installed.
    const result = await run({ model: pinned(model), backend: "auto", environment: "development" }, async (main) => {
      expect(main.exitCode, main.stdout).toBe(0);
      expect(main.outputs).toMatchObject({
        backend: "embedded",
        "model-id": "ka",
        digest: model.manifestDescriptor.digest,
        "cache-hit": "false",
        threads: "1",
        device: "cpu",
      });
      expect(main.outputs["base-url"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(Number(main.outputs["load-seconds"])).toBeGreaterThan(0);
      expect(main.stdout).toMatch(
        /^backend embedded chosen: hybrid strategy, development environment prefers ollama, then docker, then embedded; not installed, so skipped: ollama \(Ollama \S+ can be downloaded\); unavailable: docker \([^)]+\); to install ollama, set install: missing$/m,
      );
      expect(main.stdout).not.toMatch(/ollama-linux|Downloading/i);
      pid = Number(main.outputs.pid);
      expect(isAlive(pid)).toBe(true);
      const client = new OpenAIClient({ baseUrl: main.outputs["base-url"] as string });
      const answer = await client.generate({
        api: "chat",
        model: main.outputs["model-id"] as string,
        messages: [{ role: "user", content: "What is the capital of France?" }],
        options: { temperature: 0 },
      });
      expect(answer.text).toBe("Paris is the capital of France");
    });
    expect(result.post?.exitCode, result.post?.stdout).toBe(0);
    expect(result.post?.stdout).toContain("embedded backend stopped");
    expect(isAlive(pid)).toBe(false);
    await rm(result.dirs.root, { recursive: true, force: true });
  });

  it("refuses an unknown backend before doing anything", async () => {
    const result = await run({ model: pinned(model), backend: "vllm" });
    expect(result.main.exitCode).toBe(1);
    expect(errorLine(result.main)).toBe(
      'unknown backend "vllm": use auto, embedded, ollama, docker, llama-server or openai',
    );
    expect(result.main.state.backendHandle).toBeUndefined();
    expect(result.post?.exitCode).toBe(0);
    await rm(result.dirs.root, { recursive: true, force: true });
  });

  it("a model that is not a GGUF fails with the server's reason, its log tail, and no process left", async () => {
    const result = await run({ model: pinned(notGguf) });
    expect(result.main.exitCode).toBe(1);
    expect(errorLine(result.main)).toMatch(
      /^embedded backend: the server exited \(code 2\) while waiting for the model to load and serve: cortex-model serve: .* is not a GGUF file/,
    );
    expect(result.main.stdout).toContain("::group::embedded log (last lines)");
    const pid = serverPid(result.main);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid as number)).toBe(false);
    expect(result.post?.exitCode).toBe(0);
    await rm(result.dirs.root, { recursive: true, force: true });
  });

  it("a port in use fails with the server's reason; the post step leaves no process", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const result = await run({ model: pinned(model), port: String(port) });
      expect(result.main.exitCode).toBe(1);
      expect(errorLine(result.main)).toMatch(
        /^embedded backend: the server exited \(code \d+\) while waiting for the model to load and serve: .*EADDRINUSE|address already in use/i,
      );
      expect(result.main.stdout).toContain("::group::embedded log (last lines)");
      expect(isAlive(serverPid(result.main) as number)).toBe(false);
      expect(result.post?.exitCode).toBe(0);
      await rm(result.dirs.root, { recursive: true, force: true });
    } finally {
      busy.close();
    }
  });
});

describe("the setup-model action from the compiled sources (lib/, what the next bundle holds)", () => {
  it("the backend outlives the main step, untied to it (no watchdog), until the post step stops its group", async () => {
    const fromLib = await actionFromLib(
      action,
      path.resolve(import.meta.dirname, "../../../lib/github/setup-model.js"),
      path.join(root, "action-from-lib"),
    );
    let pid = 0;
    const result = await run(
      { model: pinned(model) },
      async (main) => {
        expect(main.exitCode, main.stdout).toBe(0);
        // The main step's process has ended here; its backend serves on for the job's later steps.
        pid = Number(main.outputs.pid);
        expect(await groupMembers(pid)).toContain(pid);
        expect(await watchdogsOf(pid)).toEqual([]);
        const client = new OpenAIClient({ baseUrl: main.outputs["base-url"] as string });
        const answer = await client.generate({
          api: "completions",
          model: main.outputs["model-id"] as string,
          prompt: "What is the capital of France?",
          options: { temperature: 0 },
        });
        expect(answer.text).toBe("Paris is the capital of France");
      },
      fromLib,
    );
    expect(result.post?.exitCode, result.post?.stdout).toBe(0);
    expect(result.post?.stdout).toContain("embedded backend stopped");
    expect(await groupMembers(pid)).toEqual([]);
    await rm(result.dirs.root, { recursive: true, force: true });
  });
});
