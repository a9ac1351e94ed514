import { performance } from "node:perf_hooks";
import { type Dispatcher, request as undiciRequest } from "undici";
import { describeError } from "../core/errors.js";
import { EndpointError } from "./endpoint-error.js";
import {
  backendTimingsOf,
  choiceContent,
  finishReasonOf,
  firstChoice,
  parseJsonObject,
  serverErrorOf,
  usageOf,
} from "./openai-response.js";
import { SseParser } from "./sse.js";
import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationRequest,
  GenerationResult,
  ModelClient,
  ModelEntry,
  Usage,
} from "./types.js";

export interface OpenAIClientOptions {
  /** OpenAI-compatible base URL, the one ending in `/v1` (e.g. `http://127.0.0.1:8080/v1`). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer`; never part of a message or log line. */
  readonly apiKey?: string;
  /** Whole-request limit (headers and body) when a request sets none. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;
/** Error bodies are read for their message only; a runaway one must not fill memory. */
const MAX_ERROR_BODY_CHARS = 64 * 1024;

type Json = Record<string, unknown>;

interface Sent {
  readonly response: Dispatcher.ResponseData;
  /** performance.now() read just before the request was handed to the connection. */
  readonly startedAt: number;
  readonly url: string;
  readonly method: string;
  /** The caller's signal joined with our timeout. */
  readonly signal: AbortSignal;
  readonly callerSignal: AbortSignal | undefined;
  readonly settle: () => void;
}

/**
 * A client for OpenAI-compatible endpoints (our embedded server, llama.cpp's server, Ollama, Docker Model
 * Runner) that measures as it reads: the clock is read just before the request is sent, TTFT at the first
 * streamed chunk carrying generated content, E2E at the last chunk (docs/bench.md defines them).
 */
export class OpenAIClient implements ModelClient {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: OpenAIClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const path = request.api === "chat" ? "/chat/completions" : "/completions";
    const sent = await this.#send("POST", path, generationBody(request), request);
    try {
      const contentType = String(sent.response.headers["content-type"] ?? "");
      // A server that ignores `stream` answers with one JSON document; read it as such rather than fail.
      if (request.stream && contentType.includes("text/event-stream")) {
        return await readStream(sent, request.api);
      }
      const body = await readJson(sent);
      const choice = firstChoice(body);
      if (!choice) throw badBody(sent.url, "has no choices");
      return {
        text: choiceContent(choice, request.api).text,
        finishReason: finishReasonOf(choice),
        usage: usageOf(body),
        timing: { e2eMs: performance.now() - sent.startedAt, chunkTimesMs: [] },
        backendTimings: backendTimingsOf(body),
      };
    } catch (error) {
      throw asEndpointError(error, sent);
    } finally {
      sent.settle();
    }
  }

  async embed(request: EmbeddingRequest): Promise<EmbeddingResult> {
    const sent = await this.#send("POST", "/embeddings", { model: request.model, input: request.input }, request);
    try {
      const body = await readJson(sent);
      const e2eMs = performance.now() - sent.startedAt;
      if (!Array.isArray(body.data)) throw badBody(sent.url, "has no data array");
      const items = body.data as { index?: unknown; embedding?: unknown }[];
      const embeddings = items
        .slice()
        .sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0))
        .map((item) => {
          if (!Array.isArray(item.embedding)) throw badBody(sent.url, "has an item without an embedding");
          return item.embedding as number[];
        });
      const usage = body.usage as { prompt_tokens?: unknown } | undefined;
      const embedUsage: Usage | undefined =
        typeof usage?.prompt_tokens === "number"
          ? { promptTokens: usage.prompt_tokens, completionTokens: 0 }
          : undefined;
      return { embeddings, usage: embedUsage, timing: { e2eMs, chunkTimesMs: [] } };
    } catch (error) {
      throw asEndpointError(error, sent);
    } finally {
      sent.settle();
    }
  }

  async listModels(options?: { signal?: AbortSignal | undefined }): Promise<string[]> {
    return (await this.models(options)).map((model) => model.id);
  }

  /** `/models` with each entry's metadata (our server and llama.cpp's put the backend's settings in `meta`). */
  async models(options?: { signal?: AbortSignal | undefined }): Promise<ModelEntry[]> {
    const sent = await this.#send("GET", "/models", undefined, { signal: options?.signal });
    try {
      const body = await readJson(sent);
      if (!Array.isArray(body.data)) throw badBody(sent.url, "has no data array");
      return (body.data as Json[]).flatMap((entry) => {
        if (typeof entry?.id !== "string") return [];
        const meta = entry.meta;
        return [typeof meta === "object" && meta !== null ? { id: entry.id, meta: meta as Json } : { id: entry.id }];
      });
    } catch (error) {
      throw asEndpointError(error, sent);
    } finally {
      sent.settle();
    }
  }

  async #send(
    method: "GET" | "POST",
    path: string,
    body: Json | undefined,
    limits: { timeoutMs?: number; signal?: AbortSignal | undefined },
  ): Promise<Sent> {
    const url = `${this.baseUrl}${path}`;
    const timeoutMs = limits.timeoutMs ?? this.#timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new EndpointError(`${method} ${url} timed out after ${timeoutMs} ms`, { url })),
      timeoutMs,
    );
    const signal = limits.signal ? AbortSignal.any([limits.signal, timeout.signal]) : timeout.signal;
    const settle = () => clearTimeout(timer);
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    if (body) headers["content-type"] = "application/json";
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    const payload = body ? JSON.stringify(body) : null;
    let startedAt = 0;
    let response: Dispatcher.ResponseData;
    try {
      startedAt = performance.now();
      // Our own signal limits the whole exchange; undici's idle timers would cut long generations short.
      response = await undiciRequest(url, {
        method,
        headers,
        body: payload,
        signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (error) {
      settle();
      throw transportError(error, method, url, signal, limits.signal);
    }
    const sent = { response, startedAt, url, method, signal, callerSignal: limits.signal, settle };
    if (response.statusCode >= 200 && response.statusCode < 300) return sent;
    try {
      throw await httpError(sent, method, this.baseUrl);
    } finally {
      settle();
    }
  }
}

function generationBody(request: GenerationRequest): Json {
  const options = request.options ?? {};
  const body: Json = { model: request.model };
  if (request.api === "chat") body.messages = request.messages;
  else body.prompt = request.prompt;
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (options.stop !== undefined) body.stop = options.stop;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.responseFormat !== undefined) body.response_format = options.responseFormat;
  if (options.ignoreEos !== undefined) body.ignore_eos = options.ignoreEos;
  if (options.minTokens !== undefined) body.min_tokens = options.minTokens;
  if (options.cachePrompt !== undefined) body.cache_prompt = options.cachePrompt;
  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

async function readStream(sent: Sent, api: GenerationRequest["api"]): Promise<GenerationResult> {
  const { startedAt, url } = sent;
  const stream = new StreamedGeneration(url, api);
  // One clock read per network read: every event it completes arrived at that moment.
  let arrivedMs = 0;
  const parser = new SseParser((data) => stream.event(data, arrivedMs));
  const decoder = new TextDecoder();
  for await (const bytes of sent.response.body) {
    arrivedMs = performance.now() - startedAt;
    parser.push(decoder.decode(bytes as Uint8Array, { stream: true }));
  }
  parser.push(decoder.decode());
  parser.end();
  if (!stream.sawDone && stream.finishReason === null) {
    throw badBody(url, "stream ended before the generation finished");
  }
  return {
    text: stream.parts.join(""),
    finishReason: stream.finishReason,
    usage: stream.usage,
    timing: {
      ttftMs: stream.ttftMs,
      e2eMs: stream.lastEventMs ?? performance.now() - startedAt,
      chunkTimesMs: stream.chunkTimesMs,
    },
    backendTimings: stream.backendTimings,
  };
}

/** What the events of a streamed generation have said so far. */
class StreamedGeneration {
  readonly parts: string[] = [];
  readonly chunkTimesMs: number[] = [];
  ttftMs: number | undefined;
  lastEventMs: number | undefined;
  finishReason: string | null = null;
  usage: Usage | undefined;
  backendTimings: Record<string, number> | undefined;
  sawDone = false;
  readonly #url: string;
  readonly #api: GenerationRequest["api"];

  constructor(url: string, api: GenerationRequest["api"]) {
    this.#url = url;
    this.#api = api;
  }

  /** One event's data, arrived `arrivedMs` after the request was sent. */
  event(data: string, arrivedMs: number): void {
    if (data === "[DONE]") {
      this.sawDone = true;
      return;
    }
    const chunk = parseJsonObject(data);
    if (!chunk) throw badBody(this.#url, `sent a stream event that is not a JSON object: ${data.slice(0, 200)}`);
    if (chunk.error !== undefined) throw streamedError(this.#url, chunk, data);
    this.lastEventMs = arrivedMs;
    const choice = firstChoice(chunk);
    if (choice) this.#choice(choice, arrivedMs);
    this.usage = usageOf(chunk) ?? this.usage;
    this.backendTimings = backendTimingsOf(chunk) ?? this.backendTimings;
  }

  #choice(choice: Json, arrivedMs: number): void {
    const content = choiceContent(choice, this.#api);
    if (content.generated) {
      this.ttftMs ??= arrivedMs;
      this.chunkTimesMs.push(arrivedMs);
    }
    if (content.text !== "") this.parts.push(content.text);
    this.finishReason = finishReasonOf(choice) ?? this.finishReason;
  }
}

function streamedError(url: string, chunk: Json, data: string): EndpointError {
  const error = serverErrorOf(chunk);
  return new EndpointError(`${url} reported an error while streaming: ${error?.message ?? data.slice(0, 200)}`, {
    url,
    serverMessage: error?.message,
    errorType: error?.type,
    errorCode: error?.code,
  });
}

async function readJson(sent: Sent): Promise<Json> {
  const text = await sent.response.body.text();
  const body = parseJsonObject(text);
  if (!body) throw badBody(sent.url, `is not a JSON object: ${text.slice(0, 200)}`);
  return body;
}

function badBody(url: string, what: string): EndpointError {
  return new EndpointError(`the response from ${url} ${what}`, { url });
}

/** A 404 from a base URL without the `/v1` every OpenAI-compatible server puts its routes under. */
function baseUrlHint(status: number, baseUrl: string): string {
  if (status !== 404 || /\/v1$/.test(baseUrl)) return "";
  return ` (OpenAI-compatible routes are usually under /v1: try the base URL ${baseUrl}/v1)`;
}

async function httpError(sent: Sent, method: string, baseUrl: string): Promise<EndpointError> {
  const { response, url } = sent;
  let text = "";
  try {
    for await (const bytes of response.body) {
      if (text.length < MAX_ERROR_BODY_CHARS) text += Buffer.from(bytes as Uint8Array).toString("utf8");
    }
  } catch {
    // The status already says what failed; a body cut short only loses detail.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = serverErrorOf(parsed);
  const detail = error?.message ?? text.trim().slice(0, 200);
  return new EndpointError(
    `${method} ${url} answered ${response.statusCode}${detail ? `: ${detail.split("\n")[0]}` : ""}${baseUrlHint(response.statusCode, baseUrl)}`,
    { url, status: response.statusCode, serverMessage: error?.message, errorType: error?.type, errorCode: error?.code },
  );
}

function causeCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") return code;
  const inner = (error as { cause?: unknown })?.cause;
  return inner && inner !== error ? causeCode(inner) : undefined;
}

function transportError(
  error: unknown,
  method: string,
  url: string,
  signal: AbortSignal,
  callerSignal: AbortSignal | undefined,
): EndpointError {
  if (signal.aborted) return abortError(signal, method, url, callerSignal, error);
  const code = causeCode(error);
  if (code === "ECONNREFUSED") {
    return new EndpointError(`cannot connect to ${url}: connection refused (is the server running?)`, {
      url,
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new EndpointError(`${method} ${url} failed: ${reason}${code && !reason.includes(code) ? ` (${code})` : ""}`, {
    url,
    cause: error,
  });
}

function abortError(
  signal: AbortSignal,
  method: string,
  url: string,
  callerSignal: AbortSignal | undefined,
  cause: unknown,
): EndpointError {
  if (callerSignal?.aborted) return new EndpointError(`${method} ${url} was aborted`, { url, cause });
  return signal.reason instanceof EndpointError
    ? signal.reason
    : new EndpointError(`${method} ${url} failed`, { url, cause });
}

/** Failures while reading a body: keep ours, name a timeout or abort, wrap the rest. */
function asEndpointError(error: unknown, sent: Sent): EndpointError {
  if (error instanceof EndpointError) return error;
  if (sent.signal.aborted) return abortError(sent.signal, sent.method, sent.url, sent.callerSignal, error);
  return new EndpointError(`reading the response from ${sent.url} failed: ${describeError(error)}`, {
    url: sent.url,
    cause: error,
  });
}
