import { cp, mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendContext, StoreModel } from "../../../src/backends/backend.js";
import { createEmbeddedBackend } from "../../../src/backends/embedded.js";
import { findPackage, installPrefix } from "../../../src/backends/embedded-runtime.js";
import { OpenAIClient } from "../../../src/client/openai-client.js";
import { isAlive } from "../../../src/core/process-alive.js";
import { tempDir } from "../../helpers/model-layout.js";
import { pulledKnownAnswerModel } from "../../helpers/store-model.js";

// The on-demand install of node-llama-cpp from the npm registry (reachable here), as on a runner where the
// action's dist has no node_modules: the bundled serve runtime is copied to a directory nothing resolves
// node-llama-cpp from, so the backend must install it into the tool cache and run serve from there.
const bundled = path.resolve(import.meta.dirname, "../../../dist");
const answers = [{ prompt: "Say hello", answer: "hello from the tool cache" }];

let root: string;
let model: StoreModel;

beforeAll(async () => {
  root = await tempDir("embedded-install-");
  model = await pulledKnownAnswerModel(root, answers, "ka");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the embedded backend where node-llama-cpp is not installed", () => {
  it("installs it into the tool cache, serves from there, and stops without leaving a process", async () => {
    const entryDir = path.join(root, "action", "dist");
    await mkdir(path.dirname(entryDir), { recursive: true });
    await cp(bundled, entryDir, { recursive: true });
    expect(await findPackage("node-llama-cpp", entryDir)).toBeUndefined();
    const lines: string[] = [];
    const context: BackendContext = {
      toolDir: path.join(root, "tool-cache"),
      workDir: root,
      env: process.env,
      log: (line) => lines.push(line),
      lifetime: "detached",
    };
    const backend = createEmbeddedBackend({ gpu: "none", port: 0, threads: 1, readyTimeoutMs: 120_000 }, context, {
      serveEntry: { file: path.join(entryDir, "setup-model-serve.mjs"), args: [], bundled: true },
    });
    await backend.prepare();
    const prefix = installPrefix(context.toolDir, "none");
    expect(lines[0]).toBe(`installing node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1 into ${prefix}`);
    expect(await findPackage("node-llama-cpp", path.join(prefix, "serve"))).toBe(
      path.join(prefix, "node_modules", "node-llama-cpp"),
    );
    const started = await backend.start(model);
    // The server process runs the copy inside the prefix: the only place node-llama-cpp resolves from.
    expect((await readFile(`/proc/${started.handle.pid}/cmdline`, "utf8")).split("\0")[1]).toBe(
      path.join(prefix, "serve", "setup-model-serve.mjs"),
    );
    try {
      const endpoint = await started.ready();
      const client = new OpenAIClient({ baseUrl: endpoint.baseUrl });
      const answer = await client.generate({
        api: "completions",
        model: endpoint.modelId,
        prompt: "Say hello",
        options: { temperature: 0 },
      });
      expect(answer.text).toBe("hello from the tool cache");
    } finally {
      await backend.stop(started.handle);
    }
    expect(isAlive(started.handle.pid as number)).toBe(false);
  }, 240_000);
});
