import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendContext, StoreModel } from "../../../src/backends/backend.js";
import { createEmbeddedBackend } from "../../../src/backends/embedded.js";
import { createOpenAiBackend } from "../../../src/backends/openai.js";
import { measureWarmLoad } from "../../../src/backends/warm-load.js";
import { OpenAIClient } from "../../../src/client/openai-client.js";
import { isAlive } from "../../../src/core/process-alive.js";
import { tempDir } from "../../helpers/model-layout.js";
import { pulledKnownAnswerModel } from "../../helpers/store-model.js";

// Warm load on the real embedded backend (cortex-model serve from lib/, `npm run build` first): the server is
// stopped after its first load and started again on the same model, and the second start is timed.
const answers = [{ prompt: "Say hello", answer: "hello again" }];
let root: string;
let model: StoreModel;
let context: BackendContext;

beforeAll(async () => {
  root = await tempDir("warm-load-");
  model = await pulledKnownAnswerModel(root, answers, "ka");
  context = { toolDir: path.join(root, "tools"), workDir: root, env: process.env, log: () => {}, lifetime: "detached" };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("measureWarmLoad", () => {
  it("restarts a server we started, times the second load, and leaves the new one serving", async () => {
    const backend = createEmbeddedBackend({ gpu: "none", port: 0, threads: 1, readyTimeoutMs: 120_000 }, context, {});
    const first = await backend.start(model);
    const firstEndpoint = await first.ready();
    const warm = await measureWarmLoad(backend, first, model);
    if (!warm.measured) throw new Error(`not measured: ${warm.reason}`);
    try {
      expect(isAlive(first.handle.pid as number)).toBe(false);
      expect(warm.started.handle.pid).not.toBe(first.handle.pid);
      expect(warm.ms).toBeGreaterThan(0);
      expect(warm.endpoint.pid).toBe(warm.started.handle.pid);
      const client = new OpenAIClient({ baseUrl: warm.endpoint.baseUrl });
      const answer = await client.generate({
        api: "completions",
        model: warm.endpoint.modelId,
        prompt: "Say hello",
        options: { temperature: 0 },
      });
      expect(answer.text).toBe("hello again");
      expect(warm.endpoint.modelId).toBe(firstEndpoint.modelId);
    } finally {
      await backend.stop(warm.started.handle);
    }
    expect(isAlive(warm.started.handle.pid as number)).toBe(false);
  }, 240_000);

  it("reports not measured, and stops nothing, for a server it did not start", async () => {
    const embedded = createEmbeddedBackend({ gpu: "none", port: 0, threads: 1, readyTimeoutMs: 120_000 }, context, {});
    const running = await embedded.start(model);
    try {
      const endpoint = await running.ready();
      const settings = { gpu: "none", port: 0, readyTimeoutMs: 10_000 } as const;
      const backend = createOpenAiBackend(settings, context, { baseUrl: endpoint.baseUrl });
      const request = { kind: "endpoint", modelId: endpoint.modelId } as const;
      const started = await backend.start(request);
      await started.ready();
      const warm = await measureWarmLoad(backend, started, request);
      expect(warm).toEqual({
        measured: false,
        reason: "openai keeps the model in a server this run did not start, so a reload cannot be timed",
      });
      expect(isAlive(running.handle.pid as number)).toBe(true);
    } finally {
      await embedded.stop(running.handle);
    }
  }, 240_000);
});
