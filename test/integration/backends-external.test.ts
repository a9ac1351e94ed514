import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BackendContext, BackendSettings, StoreModel } from "../../src/backends/backend.js";
import { BackendError } from "../../src/backends/backend.js";
import { createDockerBackend } from "../../src/backends/docker.js";
import { createLlamaServerBackend } from "../../src/backends/llama-server.js";
import { createOllamaBackend } from "../../src/backends/ollama.js";
import { isAlive } from "../../src/core/process-alive.js";
import { parseReference } from "../../src/core/ref.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { pull } from "../../src/pull/pull.js";
import { ModelStore } from "../../src/store/model-store.js";
import { startDmrApiServer } from "../helpers/dmr-api-server.js";
import { makeModelLayout } from "../helpers/model-layout.js";
import { useTempDir } from "../helpers/temp-dir.js";

// The backends' own start() and ready() on a real pulled model. Where the program itself would run, a small
// script placed in the tool cache stands in for it and FAILS on purpose (records what it was given, then
// exits): these are fault tests of our side, not imitations of Ollama or llama-server, which run in e2e.yml.

const settings: BackendSettings = { gpu: "none", port: 0, readyTimeoutMs: 10_000, contextSize: 512, threads: 2 };

async function storeModel(dir: string): Promise<StoreModel> {
  const { path: gguf } = await synthesizeKnownAnswer({
    path: path.join(dir, "ka.gguf"),
    answers: [{ prompt: "a", answer: "b" }],
  });
  const made = await makeModelLayout(path.join(dir, "layout"), {
    shards: [new Uint8Array(await fs.readFile(gguf))],
    tag: "v1",
  });
  const store = await ModelStore.open({ dir: path.join(dir, "store") });
  const reference = { ...parseReference(`oci:${path.join(dir, "layout")}:v1`), digest: made.manifestDescriptor.digest };
  const pulled = await pull(made.layout, reference, store);
  return { kind: "store", store, reference, pulled, modelId: "ka" };
}

function context(dir: string, env: NodeJS.ProcessEnv = {}): BackendContext {
  return {
    toolDir: path.join(dir, "tools"),
    workDir: path.join(dir, "work"),
    env: { PATH: process.env.PATH, ...env },
    log: () => {},
    lifetime: "detached",
  };
}

/** A script in the tool cache, marked complete, that logs its argv and chosen environment, then exits 1. */
async function failingTool(file: string, envNames: readonly string[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const env = envNames.map((n) => `${n}=$${n}`).join(" ");
  await fs.writeFile(
    file,
    `#!/bin/sh\necho "args: $*"\necho "env: ${env}"\necho "error: failed to load model" >&2\nexit 1\n`,
    { mode: 0o755 },
  );
}

describe("backends on a pulled model, with failing stand-ins for the programs", () => {
  const temp = useTempDir("cortex-backends-ext-");

  it("ollama: serve on our port with the store view as OLLAMA_MODELS; a server that exits is reported with its log", async () => {
    const dir = temp();
    const model = await storeModel(dir);
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    const home = path.join(dir, "tools", "ollama", "0.13.3", arch);
    await failingTool(path.join(home, "bin", "ollama"), ["OLLAMA_HOST", "OLLAMA_MODELS", "OLLAMA_NOPRUNE"]);
    await fs.writeFile(`${home}.complete`, "");
    const ctx = context(dir);
    await fs.mkdir(ctx.workDir, { recursive: true });
    const backend = createOllamaBackend(settings, ctx, {});
    expect((await backend.probe()).availability).toBe("installed");
    const started = await backend.start(model);
    const error = await started.ready().catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toMatch(/^ollama backend: the server exited \(code 1\) while waiting for GET \/api\/version/);
    const modelsDir = path.join(ctx.workDir, "ollama-models");
    expect(error.logTail).toMatch(
      new RegExp(`^args: serve\\nenv: OLLAMA_HOST=127\\.0\\.0\\.1:\\d+ OLLAMA_MODELS=${modelsDir} OLLAMA_NOPRUNE=1\\n`),
    );
    expect(await fs.readdir(path.join(modelsDir, "manifests", "local", "library", "layout"))).toEqual(["v1"]);
    await backend.stop(started.handle);
    expect(isAlive(started.handle.pid as number)).toBe(false);
  });

  it("llama-server: the GGUF from the files view (a hard link to the store), loopback, alias, context and threads; exit reported with its log", async () => {
    const dir = temp();
    const model = await storeModel(dir);
    const home = path.join(dir, "tools", "llama-server", "b6987", "x64");
    await failingTool(path.join(home, "build", "bin", "llama-server"), ["LD_LIBRARY_PATH"]);
    await fs.writeFile(`${home}.complete`, "");
    const backend = createLlamaServerBackend(settings, context(dir), {});
    await fs.mkdir(path.join(dir, "work"), { recursive: true });
    const started = await backend.start(model);
    const error = await started.ready().catch((e) => e);
    expect(error.message).toBe(
      "llama-server backend: the server exited (code 1) while waiting for GET /health to answer 200: error: failed to load model",
    );
    const viewed = path.join(dir, "work", `model-${model.pulled.manifestDigest.slice(7)}`, "model.gguf");
    expect(error.logTail).toMatch(
      new RegExp(
        `^args: -m ${viewed} --host 127\\.0\\.0\\.1 --port \\d+ --alias ka -c 512 -t 2 --jinja\\nenv: LD_LIBRARY_PATH=${path.join(home, "build", "bin")}`,
      ),
    );
    expect((await fs.stat(viewed)).ino).toBe((await fs.stat(model.pulled.model)).ino);
    await backend.stop(started.handle);
    await backend.stop(started.handle);
  });

  it("docker: a layout model goes into DMR's store (MODELS_PATH) and is ready once DMR lists it and answers", async () => {
    const dir = temp();
    const model = await storeModel(dir);
    const modelsPath = path.join(dir, "dmr-models");
    const server = await startDmrApiServer({ storeDir: modelsPath });
    try {
      const backend = createDockerBackend(
        settings,
        context(dir, { MODEL_RUNNER_HOST: server.origin, MODELS_PATH: modelsPath }),
        {},
      );
      const started = await backend.start(model);
      const endpoint = await started.ready();
      expect(endpoint).toEqual({ baseUrl: `${server.origin}/engines/v1`, modelId: "localhost/layout:v1" });
      const index = JSON.parse(await fs.readFile(path.join(modelsPath, "models.json"), "utf8"));
      expect(index.models[0].id).toBe(model.pulled.manifestDigest);
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /models",
        "POST /engines/v1/chat/completions",
      ]);
      expect(started.handle).toEqual({
        backend: "docker",
        extra: { origin: server.origin, modelId: "localhost/layout:v1", route: "store" },
      });
    } finally {
      await server.close();
    }
  });
});
