import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedHttpServer } from "../../../src/serve/http-server.js";

// The HTTP face before a model is attached: what a launcher waiting for readiness sees.
let server: EmbeddedHttpServer;
const lines: string[] = [];

beforeAll(async () => {
  server = await EmbeddedHttpServer.listen({
    host: "127.0.0.1",
    port: 0,
    modelId: "m",
    log: (line) => lines.push(line),
  });
});

afterAll(async () => {
  await server.close(0);
});

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.origin}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const post = (body: string): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body });

describe("EmbeddedHttpServer while the model loads", () => {
  it("says loading on /health and 503 model_loading on the API", async () => {
    expect(server.baseUrl).toBe(`${server.origin}/v1`);
    expect(await call("/health")).toEqual({ status: 503, body: { status: "loading", model: "m" } });
    const models = await call("/v1/models");
    expect(models.status).toBe(503);
    expect(models.body.error).toMatchObject({ code: "model_loading", type: "server_error" });
    const chat = await call("/v1/chat/completions", post('{"model":"m","messages":[{"role":"user","content":"hi"}]}'));
    expect(chat.status).toBe(503);
  });

  it("still checks requests first: bad JSON, wrong model, wrong route, wrong method", async () => {
    expect((await call("/v1/completions", post("nope"))).status).toBe(400);
    const other = await call("/v1/completions", post('{"model":"x","prompt":"p"}'));
    expect(other).toMatchObject({ status: 404, body: { error: { code: "model_not_found", param: "model" } } });
    expect((await call("/v2/anything")).status).toBe(404);
    expect((await call("/health", { method: "POST" })).status).toBe(405);
    expect((await call("/health")).status).toBe(503);
    expect(lines.some((line) => /^POST \/health 405 \d+ ms$/.test(line))).toBe(true);
  });
});
