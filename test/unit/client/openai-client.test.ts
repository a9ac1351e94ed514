import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { EndpointError } from "../../../src/client/endpoint-error.js";
import { OpenAIClient } from "../../../src/client/openai-client.js";
import { startHttpServer, type TestHttpServer } from "../../helpers/http-server.js";

const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Seen {
  url?: string | undefined;
  headers?: IncomingHttpHeaders;
  body?: Record<string, unknown> | undefined;
}

async function serve(
  respond: Parameters<typeof startHttpServer>[0],
  seen: Seen = {},
): Promise<{ client: OpenAIClient; seen: Seen; origin: string }> {
  const server = await startHttpServer(async (request, response, body) => {
    seen.url = request.url;
    seen.headers = request.headers;
    seen.body = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
    await respond(request, response, body);
  });
  servers.push(server);
  return {
    client: new OpenAIClient({ baseUrl: `${server.origin}/v1/`, apiKey: "sk-secret" }),
    seen,
    origin: server.origin,
  };
}

function chatChunk(content: string | undefined, finish: string | null = null): string {
  const delta = content === undefined ? {} : { content };
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

describe("OpenAIClient streaming", () => {
  it("reassembles text cut inside events and inside UTF-8 characters, and times content chunks", async () => {
    const events = [
      chatChunk(undefined),
      chatChunk("Pa"),
      chatChunk("ris é 🎉"),
      chatChunk(""),
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }], timings: { predicted_n: 2, predicted_ms: 40, note: "x" } })}\n\n`,
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`,
      "data: [DONE]\n\n",
    ];
    const bytes = Buffer.from(events.join(""), "utf8");
    const { client, seen } = await serve(async (_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      // Seven-byte writes cut events, JSON and the multi-byte characters apart.
      for (let i = 0; i < bytes.length; i += 7) {
        response.write(bytes.subarray(i, i + 7));
        await sleep(1);
      }
      response.end();
    });
    const result = await client.generate({
      api: "chat",
      model: "m",
      messages: [{ role: "user", content: "capital?" }],
      stream: true,
      options: { temperature: 0, maxTokens: 8, stop: ["\n"], seed: 1, topP: 0.5 },
    });
    expect(result.text).toBe("Paris é 🎉");
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toEqual({ promptTokens: 5, completionTokens: 2 });
    expect(result.backendTimings).toEqual({ predicted_n: 2, predicted_ms: 40 });
    expect(result.timing.chunkTimesMs).toHaveLength(2);
    const [first, second] = result.timing.chunkTimesMs as [number, number];
    expect(result.timing.ttftMs).toBe(first);
    expect(second).toBeGreaterThan(first);
    expect(result.timing.e2eMs).toBeGreaterThan(second);
    expect(seen.url).toBe("/v1/chat/completions");
    expect(seen.headers?.authorization).toBe("Bearer sk-secret");
    expect(seen.body).toEqual({
      model: "m",
      messages: [{ role: "user", content: "capital?" }],
      temperature: 0,
      max_tokens: 8,
      stop: ["\n"],
      seed: 1,
      top_p: 0.5,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("reads completions chunks and a server that answers a stream request with plain JSON", async () => {
    const { client, seen } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ choices: [{ text: "done", finish_reason: "length" }] }));
    });
    const result = await client.generate({ api: "completions", model: "m", prompt: "p", stream: true });
    expect(seen.url).toBe("/v1/completions");
    expect(result).toMatchObject({ text: "done", finishReason: "length", usage: undefined });
    expect(result.timing.ttftMs).toBeUndefined();
  });

  it("fails on a server error event in the middle of a stream", async () => {
    const { client } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(`${chatChunk("a")}data: {"error":{"message":"context overflow","type":"server_error"}}\n\n`);
    });
    const failure = client.generate({ api: "chat", model: "m", messages: [], stream: true });
    await expect(failure).rejects.toThrow(/reported an error while streaming: context overflow/);
  });

  it("fails when the stream stops before the generation finished", async () => {
    const { client } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(chatChunk("a"));
    });
    await expect(client.generate({ api: "chat", model: "m", messages: [], stream: true })).rejects.toThrow(
      /stream ended before the generation finished/,
    );
  });
});

describe("OpenAIClient errors", () => {
  it("carries the status and the server's own OpenAI-style message", async () => {
    const { client, origin } = await serve((_request, response) => {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          error: { message: "model nope not found", type: "invalid_request_error", code: "model_not_found" },
        }),
      );
    });
    const error = await client.generate({ api: "completions", model: "nope", prompt: "p" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect(error).toMatchObject({
      status: 404,
      serverMessage: "model nope not found",
      errorType: "invalid_request_error",
      errorCode: "model_not_found",
      message: `POST ${origin}/v1/completions answered 404: model nope not found`,
    });
    expect(String((error as Error).message)).not.toContain("sk-secret");
  });

  it("hints at /v1 when a base URL without it answers 404", async () => {
    const { origin } = await serve((_request, response) => {
      response.writeHead(404);
      response.end("404 page not found");
    });
    const bare = new OpenAIClient({ baseUrl: origin });
    await expect(bare.listModels()).rejects.toThrow(
      `GET ${origin}/models answered 404: 404 page not found (OpenAI-compatible routes are usually under /v1: try the base URL ${origin}/v1)`,
    );
  });

  it("sends the requests that make both sides of a benchmark do equal work", async () => {
    const { client, seen } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ choices: [{ text: "x", finish_reason: "length" }] }));
    });
    await client.generate({
      api: "completions",
      model: "m",
      prompt: "p",
      options: { maxTokens: 4, ignoreEos: true, minTokens: 4, cachePrompt: false },
    });
    expect(seen.body).toEqual({
      model: "m",
      prompt: "p",
      max_tokens: 4,
      ignore_eos: true,
      min_tokens: 4,
      cache_prompt: false,
    });
  });

  it("reads Ollama's plain string error and a body that is not JSON", async () => {
    let plain = false;
    const { client } = await serve((_request, response) => {
      response.writeHead(500);
      response.end(plain ? "upstream exploded\nstack..." : JSON.stringify({ error: "model is loading" }));
    });
    await expect(client.listModels()).rejects.toMatchObject({ status: 500, serverMessage: "model is loading" });
    plain = true;
    await expect(client.listModels()).rejects.toThrow(/answered 500: upstream exploded$/);
  });

  it("names the URL when nothing listens there", async () => {
    const { client, origin } = await serve(() => undefined);
    await servers.pop()?.close();
    await expect(client.listModels()).rejects.toThrow(`cannot connect to ${origin}/v1/models: connection refused`);
  });

  it("gives up after the timeout, also while a stream is still running", async () => {
    const { client, origin } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(chatChunk("slow"));
    });
    const failure = client.generate({ api: "chat", model: "m", messages: [], stream: true, timeoutMs: 150 });
    await expect(failure).rejects.toThrow(`POST ${origin}/v1/chat/completions timed out after 150 ms`);
  });

  it("stops when the caller aborts", async () => {
    const { client } = await serve(() => undefined);
    const controller = new AbortController();
    const failure = client.generate({ api: "completions", model: "m", prompt: "p", signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(failure).rejects.toThrow(/was aborted/);
  });
});

describe("OpenAIClient other endpoints", () => {
  it("orders embeddings by index and reads prompt usage", async () => {
    const { client, seen } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          data: [
            { index: 1, embedding: [0, 1] },
            { index: 0, embedding: [1, 0] },
          ],
          usage: { prompt_tokens: 4, total_tokens: 4 },
        }),
      );
    });
    const result = await client.embed({ model: "m", input: ["a", "b"] });
    expect(seen.body).toEqual({ model: "m", input: ["a", "b"] });
    expect(result.embeddings).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(result.usage).toEqual({ promptTokens: 4, completionTokens: 0 });
  });

  it("lists models with their metadata", async () => {
    const { client } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ object: "list", data: [{ id: "a", meta: { threads: 1 } }, { id: "b" }, { x: 1 }] }),
      );
    });
    expect(await client.listModels()).toEqual(["a", "b"]);
    expect(await client.models()).toEqual([{ id: "a", meta: { threads: 1 } }, { id: "b" }]);
  });
});
