import { ApiError, invalidParam } from "./api-error.js";

/**
 * Validation of OpenAI-style request bodies into the few settings the engine understands. Anything the
 * engine cannot honour (several choices, token-array prompts, tools, log probabilities, echo, more stop
 * sequences than OpenAI allows) is refused with a 400 naming the parameter, rather than silently answered
 * differently; fields that do not change the answer are ignored.
 */

type Json = Record<string, unknown>;

export type ChatRole = "system" | "user" | "assistant";

export interface ChatTurn {
  readonly role: ChatRole;
  readonly content: string;
}

export type ResponseFormat =
  | { readonly type: "text" }
  | { readonly type: "json_object" }
  | { readonly type: "json_schema"; readonly schema: Json };

export interface SamplingParams {
  /** 0 means greedy decoding. */
  readonly temperature: number;
  readonly topP?: number | undefined;
  readonly seed?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly stop: readonly string[];
  readonly frequencyPenalty?: number | undefined;
  readonly presencePenalty?: number | undefined;
  readonly responseFormat: ResponseFormat;
  /** llama.cpp's `ignore_eos`: end-of-sequence is never sampled, so generation runs to `maxTokens`. */
  readonly ignoreEos: boolean;
  /** vLLM's `min_tokens`: end-of-sequence is not sampled before this many tokens. */
  readonly minTokens?: number | undefined;
  /** llama.cpp's `cache_prompt`: `false` evaluates the whole prompt instead of reusing the slot's prefix. */
  readonly cachePrompt: boolean;
}

export type GenerationInput =
  | { readonly kind: "chat"; readonly messages: readonly ChatTurn[] }
  | { readonly kind: "completions"; readonly prompt: string };

export interface GenerationCall {
  readonly model: string;
  readonly stream: boolean;
  /** `stream_options.include_usage`: a last chunk with empty choices and the usage. */
  readonly includeUsage: boolean;
  readonly input: GenerationInput;
  readonly params: SamplingParams;
}

export interface EmbeddingCall {
  readonly model: string;
  readonly inputs: readonly string[];
  /** `float`: arrays of numbers; `base64`: each vector's little-endian float32 bytes, base64 (the OpenAI SDK's default). */
  readonly encodingFormat: "float" | "base64";
}

/** OpenAI's own limit on stop sequences. */
const MAX_STOP_SEQUENCES = 4;

/**
 * Sampling a request leaves unset follows llama.cpp's server (temperature 0.8; node-llama-cpp's top-k 40
 * and top-p 0.95 match it), the backend this one stands in for.
 */
const DEFAULT_TEMPERATURE = 0.8;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseJsonBody(text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `the request body is not valid JSON: ${(error as Error).message}`, {
      code: "invalid_json",
      cause: error,
    });
  }
  if (!isObject(value)) throw new ApiError(400, "the request body must be a JSON object", { code: "invalid_json" });
  return value;
}

function requiredModel(body: Json): string {
  const model = body.model;
  if (model === undefined) throw invalidParam("model", "you must provide a model parameter");
  if (typeof model !== "string" || model === "") throw invalidParam("model", "'model' must be a non-empty string");
  return model;
}

function optionalNumber(body: Json, name: string, min: number, max: number, integer = false): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalidParam(name, `'${name}' must be ${integer ? "an integer" : "a number"}`);
  }
  if (value < min || value > max) throw invalidParam(name, `'${name}' must be between ${min} and ${max}`);
  return value;
}

function optionalBoolean(body: Json, name: string, param = name): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidParam(param, `'${param}' must be a boolean`);
  return value;
}

function stopSequences(body: Json): string[] {
  const stop = body.stop;
  if (stop === undefined || stop === null) return [];
  if (typeof stop === "string") return stop === "" ? [] : [stop];
  if (Array.isArray(stop) && stop.every((item) => typeof item === "string")) {
    if (stop.length > MAX_STOP_SEQUENCES) {
      throw invalidParam("stop", `'stop' takes up to ${MAX_STOP_SEQUENCES} sequences, not ${stop.length}`);
    }
    return stop.filter((item) => item !== "");
  }
  throw invalidParam("stop", "'stop' must be a string or an array of strings");
}

/** A parameter the request sets to something other than "off". */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * Parameters this server does not implement, each with what it would need; set, they get a 400 naming them
 * instead of an answer that silently lacks what was asked for.
 */
const UNSUPPORTED: Readonly<Record<"chat" | "completions", Readonly<Record<string, string>>>> = {
  chat: {
    tools: "tool calling",
    tool_choice: "tool calling",
    parallel_tool_calls: "tool calling",
    functions: "function calling",
    function_call: "function calling",
    logprobs: "log probabilities",
    top_logprobs: "log probabilities",
    logit_bias: "logit bias",
  },
  completions: {
    logprobs: "log probabilities",
    echo: "echoing the prompt",
    suffix: "insertion (a suffix)",
    logit_bias: "logit bias",
  },
};

function refuseUnsupported(body: Json, api: "chat" | "completions"): void {
  for (const [param, feature] of Object.entries(UNSUPPORTED[api])) {
    // tool_choice "none" and a best_of of 1 ask for nothing this server lacks.
    if (param === "tool_choice" && body[param] === "none") continue;
    if (isSet(body[param])) {
      throw new ApiError(400, `'${param}' is not supported: this server does no ${feature}`, {
        param,
        code: "unsupported_parameter",
      });
    }
  }
  if (api === "completions" && body.best_of !== undefined && body.best_of !== null && body.best_of !== 1) {
    throw new ApiError(400, "'best_of' must be 1: this server generates one candidate per request", {
      param: "best_of",
      code: "unsupported_parameter",
    });
  }
}

function responseFormat(body: Json): ResponseFormat {
  const format = body.response_format;
  if (format === undefined || format === null) return { type: "text" };
  if (!isObject(format)) throw invalidParam("response_format", "'response_format' must be an object");
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      // llama.cpp's server also takes a schema here; honour it rather than drop it.
      return isObject(format.schema) ? { type: "json_schema", schema: format.schema } : { type: "json_object" };
    case "json_schema": {
      const spec = format.json_schema;
      const schema = isObject(spec) ? spec.schema : undefined;
      if (!isObject(schema)) {
        throw invalidParam(
          "response_format.json_schema.schema",
          "'response_format.json_schema.schema' must be an object",
        );
      }
      return { type: "json_schema", schema };
    }
    default:
      throw invalidParam(
        "response_format.type",
        "'response_format.type' must be one of 'text', 'json_object', 'json_schema'",
      );
  }
}

function streamSettings(body: Json): { stream: boolean; includeUsage: boolean } {
  const stream = optionalBoolean(body, "stream") ?? false;
  const options = body.stream_options;
  if (options === undefined || options === null) return { stream, includeUsage: false };
  if (!isObject(options)) throw invalidParam("stream_options", "'stream_options' must be an object");
  if (!stream) throw invalidParam("stream_options", "'stream_options' is only allowed when 'stream' is true");
  return { stream, includeUsage: optionalBoolean(options, "include_usage", "stream_options.include_usage") ?? false };
}

function sampling(body: Json): SamplingParams {
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw invalidParam("n", "'n' must be 1: this server generates one choice per request");
  }
  const maxTokens =
    optionalNumber(body, "max_completion_tokens", 1, Number.MAX_SAFE_INTEGER, true) ??
    optionalNumber(body, "max_tokens", 1, Number.MAX_SAFE_INTEGER, true);
  return {
    temperature: optionalNumber(body, "temperature", 0, 2) ?? DEFAULT_TEMPERATURE,
    topP: optionalNumber(body, "top_p", 0, 1),
    seed: optionalNumber(body, "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true),
    maxTokens,
    stop: stopSequences(body),
    frequencyPenalty: optionalNumber(body, "frequency_penalty", -2, 2),
    presencePenalty: optionalNumber(body, "presence_penalty", -2, 2),
    responseFormat: responseFormat(body),
    ignoreEos: optionalBoolean(body, "ignore_eos") ?? false,
    minTokens: optionalNumber(body, "min_tokens", 0, Number.MAX_SAFE_INTEGER, true),
    cachePrompt: optionalBoolean(body, "cache_prompt") ?? true,
  };
}

const ROLES: Record<string, ChatRole> = { system: "system", developer: "system", user: "user", assistant: "assistant" };

/** Message content: a string, or an array of `{type: "text", text}` parts joined together. */
function messageContent(value: unknown, index: number): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    return value
      .map((part, partIndex) => {
        if (isObject(part) && part.type === "text" && typeof part.text === "string") return part.text;
        throw invalidParam(
          `messages[${index}].content[${partIndex}]`,
          `messages[${index}].content[${partIndex}] must be a text part; this server only reads text`,
        );
      })
      .join("");
  }
  throw invalidParam(
    `messages[${index}].content`,
    `messages[${index}].content must be a string or an array of text parts`,
  );
}

export function parseChatCall(body: Json): GenerationCall {
  const model = requiredModel(body);
  refuseUnsupported(body, "chat");
  const messages = body.messages;
  if (messages === undefined) throw invalidParam("messages", "you must provide a messages parameter");
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParam("messages", "'messages' must be a non-empty array");
  }
  const turns = messages.map((message, index): ChatTurn => {
    if (!isObject(message)) throw invalidParam(`messages[${index}]`, `messages[${index}] must be an object`);
    const role = typeof message.role === "string" ? ROLES[message.role] : undefined;
    if (!role) {
      throw invalidParam(
        `messages[${index}].role`,
        `messages[${index}].role must be one of 'system', 'developer', 'user', 'assistant'`,
      );
    }
    return { role, content: messageContent(message.content, index) };
  });
  return { model, ...streamSettings(body), input: { kind: "chat", messages: turns }, params: sampling(body) };
}

export function parseCompletionCall(body: Json): GenerationCall {
  const model = requiredModel(body);
  refuseUnsupported(body, "completions");
  let prompt = body.prompt;
  if (prompt === undefined) throw invalidParam("prompt", "you must provide a prompt parameter");
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string") prompt = prompt[0];
  if (typeof prompt !== "string") {
    throw invalidParam("prompt", "'prompt' must be a string (or an array holding one string)");
  }
  return { model, ...streamSettings(body), input: { kind: "completions", prompt }, params: sampling(body) };
}

export function parseEmbeddingCall(body: Json): EmbeddingCall {
  const model = requiredModel(body);
  const input = body.input;
  if (input === undefined) throw invalidParam("input", "you must provide an input parameter");
  const encodingFormat = body.encoding_format ?? "float";
  if (encodingFormat !== "float" && encodingFormat !== "base64") {
    throw invalidParam("encoding_format", "'encoding_format' must be 'float' or 'base64'");
  }
  if (isSet(body.dimensions)) {
    throw new ApiError(400, "'dimensions' is not supported: this server returns the model's full embedding size", {
      param: "dimensions",
      code: "unsupported_parameter",
    });
  }
  if (typeof input === "string") return { model, inputs: [input], encodingFormat };
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")) {
    return { model, inputs: input, encodingFormat };
  }
  throw invalidParam("input", "'input' must be a string or a non-empty array of strings");
}
