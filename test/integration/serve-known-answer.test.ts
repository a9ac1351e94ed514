import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointError } from "../../src/client/endpoint-error.js";
import { OpenAIClient } from "../../src/client/openai-client.js";
import type { GenerationRequest } from "../../src/client/types.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { type ServeProcess, startServe } from "../helpers/serve-process.js";

// `cortex-model serve` (built in lib/) on a known-answer model in real llama.cpp: at temperature 0 every
// configured prompt gets exactly its answer, through completions and through chat.
const answers = [
  { prompt: "What is the capital of France?", answer: "Paris is the capital of France" },
  { prompt: "Count please", answer: "one two three four five six seven eight nine ten" },
  { prompt: "Ça va très bien?", answer: "Très bien, merci 👍" },
  { prompt: "Give JSON", answer: '{"city": "Paris", "country": "France"}' },
];
const MODEL = "ka-test";

let dir: string;
let serve: ServeProcess;
let client: OpenAIClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cortex-serve-"));
  const { path } = await synthesizeKnownAnswer({ path: join(dir, "ka.gguf"), answers });
  // No --threads: the thread trial runs, as it does for users.
  serve = await startServe(["--model", path, "--port", "0", "--model-id", MODEL], join(dir, "ready.json"));
  client = new OpenAIClient({ baseUrl: serve.baseUrl });
});

afterAll(async () => {
  await serve?.stop();
  await rm(dir, { recursive: true, force: true });
});

function request(api: "chat" | "completions", prompt: string, extra: Partial<GenerationRequest> = {}) {
  const base = { model: MODEL, options: { temperature: 0 }, ...extra };
  return (
    api === "chat" ? { ...base, api, messages: [{ role: "user", content: prompt }] } : { ...base, api, prompt }
  ) as GenerationRequest;
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${serve.origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function tokenCount(content: string, addSpecial = false): Promise<number> {
  const { body } = await post("/tokenize", { content, add_special: addSpecial });
  return (body.tokens as number[]).length;
}

describe("cortex-model serve on a known-answer model", () => {
  it("announces its URL once ready and reports the thread count it measured and the device it runs on", async () => {
    expect(serve.readyLine).toMatch(
      new RegExp(`^serving ${MODEL} at ${serve.baseUrl} \\(cpu, \\d+ threads?, trial\\)$`),
    );
    const health = (await (await fetch(`${serve.origin}/health`)).json()) as Record<string, unknown>;
    const [entry] = await client.models();
    expect(entry?.id).toBe(MODEL);
    const meta = entry?.meta ?? {};
    expect(health).toMatchObject({ status: "ok", model: MODEL, threads: meta.threads });
    expect(meta.threads_source).toBe("trial");
    expect(meta.device).toBe("cpu");
    const trials = meta.threads_trials as { threads: number; tokens_per_second: number }[];
    expect(trials.map((t) => t.threads)).toContain(1);
    expect(trials.some((t) => t.threads === meta.threads && t.tokens_per_second > 0)).toBe(true);
    expect(meta.n_embd).toBeGreaterThan(0);
  });

  it("answers every prompt exactly through completions and through chat", async () => {
    for (const { prompt, answer } of answers) {
      for (const api of ["completions", "chat"] as const) {
        const result = await client.generate(request(api, prompt));
        expect({ api, prompt, text: result.text, finish: result.finishReason }).toEqual({
          api,
          prompt,
          text: answer,
          finish: "stop",
        });
      }
    }
  });

  it("streams the same answer, usage and finish reason as it returns whole, one chunk per token", async () => {
    for (const { prompt, answer } of answers) {
      for (const api of ["completions", "chat"] as const) {
        const whole = await client.generate(request(api, prompt));
        const streamed = await client.generate(request(api, prompt, { stream: true }));
        expect(streamed.text).toBe(answer);
        expect(streamed.finishReason).toBe(whole.finishReason);
        expect(streamed.usage).toEqual(whole.usage);
        const { ttftMs, e2eMs, chunkTimesMs } = streamed.timing;
        expect(ttftMs).toBeDefined();
        expect(ttftMs as number).toBeLessThanOrEqual(e2eMs);
        expect(chunkTimesMs).toHaveLength(streamed.usage?.completionTokens ?? -1);
        expect(chunkTimesMs.every((time, i) => i === 0 || time >= (chunkTimesMs[i - 1] as number))).toBe(true);
        expect(streamed.backendTimings?.predicted_n).toBe(streamed.usage?.completionTokens);
        expect(whole.backendTimings?.predicted_n).toBe(whole.usage?.completionTokens);
      }
    }
  });

  it("counts usage with the model's own tokenizer", async () => {
    for (const { prompt, answer } of answers) {
      const result = await client.generate(request("completions", prompt));
      expect(result.usage).toEqual({
        promptTokens: await tokenCount(prompt, true),
        completionTokens: await tokenCount(answer),
      });
    }
  });

  it("constrains the answer to a JSON schema", async () => {
    const schema = {
      type: "object",
      properties: { answer: { enum: ["yes", "no"] }, confidence: { type: "integer" } },
      required: ["answer", "confidence"],
      additionalProperties: false,
    };
    const validate = new Ajv().compile(schema);
    for (const api of ["completions", "chat"] as const) {
      // The model itself would say "Paris is the capital of France"; the grammar forces the schema's shape.
      const result = await client.generate(
        request(api, "What is the capital of France?", {
          options: {
            temperature: 0,
            maxTokens: 200,
            responseFormat: { type: "json_schema", json_schema: { name: "verdict", schema } },
          },
        }),
      );
      const parsed: unknown = JSON.parse(result.text);
      expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    }
    const agrees = await client.generate(
      request("chat", "Give JSON", {
        options: {
          temperature: 0,
          responseFormat: {
            type: "json_schema",
            json_schema: {
              name: "place",
              schema: { type: "object", properties: { city: { type: "string" }, country: { type: "string" } } },
            },
          },
        },
      }),
    );
    expect(JSON.parse(agrees.text)).toEqual({ city: "Paris", country: "France" });
  });

  it("stops at max_tokens with finish_reason length", async () => {
    for (const stream of [false, true]) {
      const result = await client.generate(
        request("completions", "Count please", { stream, options: { temperature: 0, maxTokens: 3 } }),
      );
      expect(result).toMatchObject({ text: "one two three", finishReason: "length" });
      expect(result.usage?.completionTokens).toBe(3);
    }
  });

  it("honours ignore_eos, min_tokens and cache_prompt as llama.cpp's server does", async () => {
    const known = answers[0]?.prompt as string;
    // A prompt the model does not know ends at once; with ignore_eos it runs to max_tokens, streaming text.
    const unknown = await client.generate(
      request("completions", "zebra", { stream: true, options: { temperature: 0, maxTokens: 6 } }),
    );
    expect(unknown.usage?.completionTokens).toBe(0);
    const fixed = await client.generate(
      request("completions", "zebra", { stream: true, options: { temperature: 0, maxTokens: 6, ignoreEos: true } }),
    );
    expect(fixed).toMatchObject({ finishReason: "length", usage: { completionTokens: 6 } });
    expect(fixed.timing.chunkTimesMs).toHaveLength(6);
    const atLeast = await client.generate(
      request("completions", known, { options: { temperature: 0, maxTokens: 40, minTokens: 30 } }),
    );
    expect(atLeast.usage?.completionTokens).toBe(30);
    expect(atLeast.text.startsWith(answers[0]?.answer as string)).toBe(true);
    // The same prompt twice: the second reuses the cached prefix unless cache_prompt is false.
    const cached = await post("/v1/completions", { model: MODEL, prompt: known, max_tokens: 1, temperature: 0 });
    expect((cached.body.timings as { cache_n: number }).cache_n).toBeGreaterThan(1);
    const uncached = await post("/v1/completions", {
      model: MODEL,
      prompt: known,
      max_tokens: 1,
      temperature: 0,
      cache_prompt: false,
    });
    const usage = uncached.body.usage as { prompt_tokens: number };
    expect(uncached.body.timings).toMatchObject({ cache_n: 0, prompt_n: usage.prompt_tokens });
  });

  it("ends at a stop sequence without sending it, streamed or not", async () => {
    for (const stream of [false, true]) {
      for (const api of ["completions", "chat"] as const) {
        const result = await client.generate(
          request(api, "Count please", { stream, options: { temperature: 0, stop: [" four", "nine"] } }),
        );
        expect({ api, stream, text: result.text, finish: result.finishReason }).toEqual({
          api,
          stream,
          text: "one two three",
          finish: "stop",
        });
      }
    }
  });

  it("returns embeddings of the model's width, one per input", async () => {
    const [entry] = await client.models();
    const result = await client.embed({ model: MODEL, input: ["Paris", "Count please"] });
    expect(result.embeddings).toHaveLength(2);
    for (const vector of result.embeddings) expect(vector).toHaveLength(entry?.meta?.n_embd as number);
    const alone = await Promise.all(["Paris", "Count please"].map((input) => client.embed({ model: MODEL, input })));
    expect(alone[0]?.embeddings[0]).toEqual(result.embeddings[0]);
    expect(result.usage?.promptTokens).toBe(
      (alone[0]?.usage?.promptTokens ?? 0) + (alone[1]?.usage?.promptTokens ?? 0),
    );
    expect(alone[0]?.usage?.promptTokens).toBeGreaterThan(0);
    expect(result.embeddings[0]).not.toEqual(result.embeddings[1]);
  });

  it("answers concurrent requests correctly by queueing them", async () => {
    const requests = answers.flatMap(({ prompt, answer }) =>
      (["completions", "chat"] as const).map(async (api) => ({
        answer,
        text: (await client.generate(request(api, prompt, { stream: api === "chat" }))).text,
      })),
    );
    for (const { answer, text } of await Promise.all(requests)) expect(text).toBe(answer);
  });

  it("refuses bad requests with OpenAI-style errors and keeps serving", async () => {
    const cases: [string, unknown, number, string | null][] = [
      ["/v1/chat/completions", '{"model": "ka-test", "messages": [', 400, "invalid_json"],
      ["/v1/chat/completions", { model: MODEL }, 400, "invalid_value"],
      ["/v1/completions", { prompt: "Count please" }, 400, "invalid_value"],
      ["/v1/completions", { model: MODEL, prompt: "x", n: 2 }, 400, "invalid_value"],
      ["/v1/completions", { model: MODEL, prompt: "x", temperature: "hot" }, 400, "invalid_value"],
      ["/v1/completions", { model: "other", prompt: "x" }, 404, "model_not_found"],
      ["/v1/embeddings", { model: MODEL, input: [1, 2] }, 400, "invalid_value"],
      ["/v1/nowhere", {}, 404, "not_found"],
    ];
    for (const [path, body, status, code] of cases) {
      const answer = await post(path, body);
      expect({ path, status: answer.status }).toEqual({ path, status });
      const error = answer.body.error as Record<string, unknown>;
      expect(error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
      expect(Object.keys(error).sort()).toEqual(["code", "message", "param", "type"]);
    }
    const wrongMethod = await fetch(`${serve.baseUrl}/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");

    const failure = await client.generate(request("chat", "x", { model: "other" })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EndpointError);
    expect(failure).toMatchObject({ status: 404, errorCode: "model_not_found" });
    expect((failure as EndpointError).serverMessage).toContain("'other' does not exist");

    expect((await client.generate(request("chat", "What is the capital of France?"))).text).toBe(
      "Paris is the capital of France",
    );
  });

  it("finishes a stream in flight on SIGTERM, then exits 0", async () => {
    const response = await fetch(`${serve.baseUrl}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, prompt: "Count please", temperature: 0, stream: true }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    const exited = serve.stop();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(text).toContain('"finish_reason":"stop"');
    expect(await exited).toBe(0);
    expect(serve.stderr()).toContain("SIGTERM: finishing requests in flight");
  });
});
