import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { type ServeProcess, startServe } from "../helpers/serve-process.js";

// `cortex-model serve` (built in lib/) driven by the official OpenAI SDK, as applications drive it. The model
// id has a slash and a colon, as a reference-shaped name does, so models.retrieve must find it percent-encoded.
const answers = [{ prompt: "Say hello", answer: "hello again" }];
const MODEL = "team/ka:v1";

let dir: string;
let serve: ServeProcess;
let openai: OpenAI;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cortex-sdk-"));
  const { path } = await synthesizeKnownAnswer({ path: join(dir, "ka.gguf"), answers });
  serve = await startServe(
    ["--model", path, "--port", "0", "--model-id", MODEL, "--threads", "1"],
    join(dir, "ready.json"),
  );
  openai = new OpenAI({ baseURL: serve.baseUrl, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await serve?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The SDK's error for a call, or a failure when the call succeeded. */
async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await call.then(
    () => new Error("expected the server to refuse the request"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe("the embedded server through the official OpenAI SDK", () => {
  it("lists the model and retrieves it by its id; an unknown id is a 404", async () => {
    const listed = [];
    for await (const model of openai.models.list()) listed.push(model.id);
    expect(listed).toEqual([MODEL]);
    const model = await openai.models.retrieve(MODEL);
    expect(model).toMatchObject({ id: MODEL, object: "model", owned_by: "cortex-model" });
    const missing = await refusal(openai.models.retrieve("other"));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.code).toBe("model_not_found");
  });

  it("answers chat and completions, whole and streamed", async () => {
    const chat = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Say hello" }],
      temperature: 0,
    });
    expect(chat.choices[0]?.message.content).toBe("hello again");
    const stream = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Say hello" }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("hello again");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const completion = await openai.completions.create({ model: MODEL, prompt: "Say hello", temperature: 0 });
    expect(completion.choices[0]?.text).toBe("hello again");
  });

  it("gives the same embeddings in the SDK's default base64 encoding as in floats", async () => {
    // The SDK asks for base64 unless told otherwise and decodes the float32 bytes itself.
    const decoded = await openai.embeddings.create({ model: MODEL, input: ["Say hello", "hello"] });
    const floats = await openai.embeddings.create({
      model: MODEL,
      input: ["Say hello", "hello"],
      encoding_format: "float",
    });
    expect(decoded.data).toHaveLength(2);
    for (const [i, entry] of decoded.data.entries()) {
      const expected = (floats.data[i]?.embedding ?? []).map((x) => Math.fround(x));
      expect(entry.embedding).toEqual(expected);
      expect(entry.embedding.length).toBeGreaterThan(0);
    }
    const raw = await fetch(`${serve.baseUrl}/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, input: "hello", encoding_format: "base64" }),
    });
    const body = (await raw.json()) as { data: { embedding: unknown }[] };
    expect(typeof body.data[0]?.embedding).toBe("string");
  });

  it.each([
    [
      "tools",
      () =>
        openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: "user", content: "Say hello" }],
          tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
        }),
    ],
    [
      "logprobs",
      () =>
        openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "x" }], logprobs: true }),
    ],
    ["echo", () => openai.completions.create({ model: MODEL, prompt: "Say hello", echo: true })],
    ["logprobs", () => openai.completions.create({ model: MODEL, prompt: "Say hello", logprobs: 2 })],
    [
      "stop",
      () =>
        openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: "user", content: "x" }],
          stop: ["a", "b", "c", "d", "e"],
        }),
    ],
    ["dimensions", () => openai.embeddings.create({ model: MODEL, input: "x", dimensions: 8 })],
  ])("refuses %s it does not implement with a 400 naming the parameter", async (param, call) => {
    const error = await refusal(call());
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe(param);
    expect(error.message).toContain(`'${param}'`);
  });
});
