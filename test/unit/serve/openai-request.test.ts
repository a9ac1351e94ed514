import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/serve/api-error.js";
import {
  parseChatCall,
  parseCompletionCall,
  parseEmbeddingCall,
  parseJsonBody,
} from "../../../src/serve/openai-request.js";

function refusal(parse: () => unknown): { status: number; param: string | null; message: string } {
  try {
    parse();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, param: error.param, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("request validation", () => {
  it("reads a chat request with text parts, developer role, stream options and a JSON schema", () => {
    const call = parseChatCall({
      model: "m",
      messages: [
        { role: "developer", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      max_tokens: 5,
      stop: "\n",
      seed: 3,
      top_p: 0.9,
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
      user: "ignored",
    });
    expect(call).toEqual({
      model: "m",
      stream: true,
      includeUsage: true,
      input: {
        kind: "chat",
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "ab" },
        ],
      },
      params: {
        temperature: 0,
        topP: 0.9,
        seed: 3,
        maxTokens: 5,
        stop: ["\n"],
        frequencyPenalty: undefined,
        presencePenalty: undefined,
        responseFormat: { type: "json_schema", schema: { type: "object" } },
        ignoreEos: false,
        minTokens: undefined,
        cachePrompt: true,
      },
    });
  });

  it("reads llama.cpp's ignore_eos and cache_prompt and vLLM's min_tokens", () => {
    const call = parseCompletionCall({ model: "m", prompt: "p", ignore_eos: true, min_tokens: 4, cache_prompt: false });
    expect(call.params).toMatchObject({ ignoreEos: true, minTokens: 4, cachePrompt: false });
    expect(() => parseCompletionCall({ model: "m", prompt: "p", ignore_eos: "yes" })).toThrow(
      /'ignore_eos' must be a boolean/,
    );
    expect(() => parseCompletionCall({ model: "m", prompt: "p", min_tokens: -1 })).toThrow(
      /'min_tokens' must be between/,
    );
  });

  it("defaults sampling like llama.cpp's server and accepts a one-string prompt array", () => {
    const call = parseCompletionCall({ model: "m", prompt: ["hi"], max_completion_tokens: 7 });
    expect(call.input).toEqual({ kind: "completions", prompt: "hi" });
    expect(call.params).toMatchObject({ temperature: 0.8, maxTokens: 7, stop: [], responseFormat: { type: "text" } });
    expect(call.stream).toBe(false);
  });

  it("refuses what it cannot honour, naming the parameter", () => {
    expect(refusal(() => parseJsonBody("{"))).toMatchObject({ status: 400, param: null });
    expect(refusal(() => parseJsonBody("[1]"))).toMatchObject({
      status: 400,
      message: "the request body must be a JSON object",
    });
    expect(refusal(() => parseChatCall({ messages: [] }))).toMatchObject({ param: "model" });
    expect(refusal(() => parseChatCall({ model: "m", messages: [] }))).toMatchObject({ param: "messages" });
    expect(refusal(() => parseChatCall({ model: "m", messages: [{ role: "tool", content: "x" }] }))).toMatchObject({
      param: "messages[0].role",
    });
    expect(
      refusal(() => parseChatCall({ model: "m", messages: [{ role: "user", content: [{ type: "image_url" }] }] })),
    ).toMatchObject({ param: "messages[0].content[0]" });
    expect(refusal(() => parseCompletionCall({ model: "m", prompt: [1, 2] }))).toMatchObject({ param: "prompt" });
    expect(refusal(() => parseCompletionCall({ model: "m", prompt: "x", n: 3 }))).toMatchObject({ param: "n" });
    expect(refusal(() => parseCompletionCall({ model: "m", prompt: "x", temperature: 3 }))).toMatchObject({
      param: "temperature",
      message: "'temperature' must be between 0 and 2",
    });
    expect(refusal(() => parseCompletionCall({ model: "m", prompt: "x", max_tokens: 1.5 }))).toMatchObject({
      param: "max_tokens",
    });
    expect(refusal(() => parseCompletionCall({ model: "m", prompt: "x", stream_options: {} }))).toMatchObject({
      param: "stream_options",
    });
    expect(
      refusal(() => parseCompletionCall({ model: "m", prompt: "x", response_format: { type: "json_schema" } })),
    ).toMatchObject({ param: "response_format.json_schema.schema" });
    expect(refusal(() => parseEmbeddingCall({ model: "m", input: [] }))).toMatchObject({ param: "input" });
  });

  it("keeps llama.cpp's schema on json_object", () => {
    const call = parseCompletionCall({
      model: "m",
      prompt: "x",
      response_format: { type: "json_object", schema: { type: "array" } },
    });
    expect(call.params.responseFormat).toEqual({ type: "json_schema", schema: { type: "array" } });
  });
});
