import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendContext } from "../../../src/backends/backend.js";
import { createOpenAiBackend } from "../../../src/backends/openai.js";

// A loopback server speaking the one call the openai backend makes: GET /v1/models, behind a bearer key.
let server: Server;
let baseUrl: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.headers.authorization);
    if (request.headers.authorization !== "Bearer sk-test") {
      response.writeHead(401).end('{"error":{"message":"bad key"}}');
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ object: "list", data: [{ id: "gpt-test", object: "model" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const context = {
  toolDir: "/nonexistent",
  workDir: "/nonexistent",
  env: {},
  log: () => {},
  lifetime: "detached",
} satisfies BackendContext;
const settings = { gpu: "none", port: 0, readyTimeoutMs: 2_000 } as const;

describe("the openai backend", () => {
  it("is ready when the endpoint lists the model, and hands back the key to send", async () => {
    const backend = createOpenAiBackend(settings, context, { baseUrl, apiKey: "sk-test" });
    expect(await backend.probe()).toEqual({ availability: "running", detail: `base-url ${baseUrl}` });
    await backend.prepare();
    const started = await backend.start({ kind: "endpoint", modelId: "gpt-test" });
    expect(started.handle).toEqual({ backend: "openai" });
    expect(await started.ready()).toEqual({ baseUrl, modelId: "gpt-test", apiKey: "sk-test" });
    expect(seen.at(-1)).toBe("Bearer sk-test");
  });

  it("names the models it does serve when the one asked for is not among them", async () => {
    const started = await createOpenAiBackend(settings, context, { baseUrl, apiKey: "sk-test" }).start({
      kind: "endpoint",
      modelId: "other",
    });
    await expect(started.ready()).rejects.toThrow(
      `openai backend: ${baseUrl} does not serve "other"; it lists: gpt-test`,
    );
  });

  it("fails at once on a refused key instead of waiting out the timeout", async () => {
    const started = await createOpenAiBackend({ ...settings, readyTimeoutMs: 60_000 }, context, {
      baseUrl,
      apiKey: "wrong",
    }).start({ kind: "endpoint", modelId: "gpt-test" });
    const before = Date.now();
    await expect(started.ready()).rejects.toThrow(
      `openai backend: GET ${baseUrl}/models was refused (401): check api-key`,
    );
    expect(Date.now() - before).toBeLessThan(10_000);
  });

  it("without a base URL it is unavailable and refuses to prepare", async () => {
    const backend = createOpenAiBackend(settings, context, {});
    expect((await backend.probe()).availability).toBe("unavailable");
    await expect(backend.prepare()).rejects.toThrow("openai backend: needs the base-url of an existing endpoint");
  });
});
