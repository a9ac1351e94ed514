import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { CortexError, describeError } from "../core/errors.js";
import { ApiError } from "./api-error.js";
import type { Engine, GenerationOutcome } from "./engine.js";
import { outcomeOf, ServerMetrics } from "./metrics.js";
import {
  type GenerationCall,
  parseChatCall,
  parseCompletionCall,
  parseEmbeddingCall,
  parseJsonBody,
} from "./openai-request.js";

/**
 * The OpenAI-compatible HTTP face of the engine, on node:http. It listens before the model is loaded so
 * `/health` can say "loading" (503) to whoever waits for it, then serves once an engine is attached.
 * Every failure is answered with an OpenAI-style error body; no request can take the server down.
 */

const MAX_BODY_BYTES = 16 * 1024 * 1024;

type Json = Record<string, unknown>;
type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  signal: AbortSignal,
  arrived: number,
) => Promise<number>;

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The name clients send as `model`, listed by `/v1/models`. */
  readonly modelId: string;
  readonly log?: (line: string) => void;
}

export class EmbeddedHttpServer {
  readonly modelId: string;
  readonly #server: Server;
  readonly #log: (line: string) => void;
  readonly #inFlight = new Set<AbortController>();
  readonly #routes: Record<string, { method: "GET" | "POST"; handler: Handler }>;
  #engine: Engine | undefined;
  readonly #metrics = new ServerMetrics();
  readonly #created = Math.floor(Date.now() / 1000);

  private constructor(server: Server, options: HttpServerOptions) {
    this.#server = server;
    this.modelId = options.modelId;
    this.#log = options.log ?? (() => undefined);
    this.#routes = {
      "/health": { method: "GET", handler: (_q, r) => this.#health(r) },
      "/v1/models": { method: "GET", handler: (_q, r) => this.#models(r) },
      "/v1/chat/completions": { method: "POST", handler: (q, r, s, t) => this.#generate(q, r, s, t, "chat") },
      "/v1/completions": { method: "POST", handler: (q, r, s, t) => this.#generate(q, r, s, t, "completions") },
      "/v1/embeddings": { method: "POST", handler: (q, r) => this.#embeddings(q, r) },
      // llama.cpp's server names this route so; tests and benchmarks count tokens with it.
      "/tokenize": { method: "POST", handler: (q, r) => this.#tokenize(q, r) },
      "/metrics": { method: "GET", handler: (_q, r) => this.#exposition(r) },
    };
  }

  static async listen(options: HttpServerOptions): Promise<EmbeddedHttpServer> {
    const server = createServer({ keepAliveTimeout: 30_000 });
    const embedded = new EmbeddedHttpServer(server, options);
    server.on("request", (request, response) => {
      void embedded.#handle(request, response);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "EADDRINUSE" ? "the address is already in use" : describeError(error);
      throw new CortexError(`cannot listen on ${options.host}:${options.port}: ${reason}`, { cause: error });
    }
    return embedded;
  }

  /** `http://host:port`, with an IPv6 host in brackets. */
  get origin(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }

  /** The OpenAI-compatible base URL clients are given. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  attach(engine: Engine): void {
    this.#engine = engine;
    this.#metrics.attach(engine);
  }

  /**
   * Stops taking connections, lets requests in flight finish for up to `graceMs`, then aborts them
   * (a stream ends with its finish chunk) and closes what is left.
   */
  async close(graceMs = 5000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (this.#inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const controller of this.#inFlight) controller.abort();
    const settled = Date.now() + 2000;
    while (this.#inFlight.size > 0 && Date.now() < settled) await new Promise((r) => setTimeout(r, 20));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const controller = new AbortController();
    // A client that goes away stops its generation rather than leaving it to run to max_tokens.
    response.once("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    this.#inFlight.add(controller);
    const path = (request.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const route = this.#routes[path] ?? this.#modelRoute(path);
    // One label value per route, never per model id or unknown path, so a client cannot grow the series.
    const label = this.#routes[path] ? path : route ? "/v1/models/{id}" : "other";
    // A scrape is not traffic: counting it would make every scrape move the figures it reads.
    const counted = path !== "/metrics";
    if (counted) this.#metrics.requestStarted();
    let status = 500;
    try {
      if (!route)
        throw new ApiError(404, `no such route: ${request.method} ${path}`, {
          type: "not_found_error",
          code: "not_found",
        });
      if (request.method !== route.method) {
        response.setHeader("allow", route.method);
        throw new ApiError(405, `${request.method} is not allowed on ${path}; use ${route.method}`, {
          code: "method_not_allowed",
        });
      }
      status = await route.handler(request, response, controller.signal, started);
    } catch (error) {
      status = this.#fail(response, error);
    } finally {
      this.#inFlight.delete(controller);
      if (counted) {
        const seconds = (performance.now() - started) / 1000;
        this.#metrics.requestEnded(label, outcomeOf(status, controller.signal.aborted), seconds);
      }
      const gone = controller.signal.aborted ? " (aborted: client gone or shutting down)" : "";
      this.#log(`${request.method} ${path} ${status} ${(performance.now() - started).toFixed(0)} ms${gone}`);
    }
  }

  #fail(response: ServerResponse, error: unknown): number {
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(500, `internal error: ${describeError(error)}`, { cause: error });
    if (apiError.status >= 500) this.#log(`error: ${describeError(error)}`);
    if (response.headersSent) {
      // Mid-stream: the status is gone, so the error travels as an event, as llama.cpp's server does.
      if (!response.writableEnded) response.end(`data: ${JSON.stringify(apiError.toBody())}\n\n`);
      return response.statusCode;
    }
    sendJson(response, apiError.status, apiError.toBody());
    return apiError.status;
  }

  #ready(): Engine {
    if (!this.#engine) throw new ApiError(503, "the model is still loading", { code: "model_loading" });
    return this.#engine;
  }

  #checkModel(model: string): void {
    if (model !== this.modelId) {
      throw new ApiError(404, `the model '${model}' does not exist; this server serves '${this.modelId}'`, {
        param: "model",
        code: "model_not_found",
      });
    }
  }

  async #health(response: ServerResponse): Promise<number> {
    const engine = this.#engine;
    if (!engine) return sendJson(response, 503, { status: "loading", model: this.modelId });
    return sendJson(response, 200, {
      status: "ok",
      model: this.modelId,
      threads: engine.threads.threads,
      slots_idle: engine.load.idle,
      slots_queued: engine.load.queued,
    });
  }

  /** `GET /v1/models/{id}` (the SDKs' models.retrieve); the id may be percent-encoded, slashes and all. */
  #modelRoute(path: string): { method: "GET"; handler: Handler } | undefined {
    const prefix = "/v1/models/";
    if (!path.startsWith(prefix)) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(path.slice(prefix.length));
    } catch {
      id = path.slice(prefix.length);
    }
    return { method: "GET", handler: (_q, r) => this.#model(r, id) };
  }

  async #model(response: ServerResponse, id: string): Promise<number> {
    this.#checkModel(id);
    return sendJson(response, 200, this.#modelObject(this.#ready()));
  }

  async #models(response: ServerResponse): Promise<number> {
    return sendJson(response, 200, { object: "list", data: [this.#modelObject(this.#ready())] });
  }

  #modelObject(engine: Engine): Json {
    const { facts, threads } = engine;
    return {
      id: this.modelId,
      object: "model",
      created: this.#created,
      owned_by: "cortex-model",
      meta: {
        backend: "embedded",
        engine: "node-llama-cpp",
        architecture: facts.architecture,
        size: facts.sizeBytes,
        n_vocab: facts.vocabularySize,
        n_embd: facts.embeddingSize,
        n_ctx_train: facts.trainContextSize,
        n_ctx: engine.contextSize,
        parallel: engine.parallel,
        chat_template: facts.chatTemplate,
        device: engine.device,
        threads: threads.threads,
        threads_source: threads.source,
        threads_trials: threads.trials.map((t) => ({ threads: t.threads, tokens_per_second: t.tokensPerSecond })),
        cpu_cores: threads.budget.cores,
        cpu_available_parallelism: threads.budget.availableParallelism,
        cpu_cgroup_quota: threads.budget.cgroupQuota ?? null,
        cpu_performance_cores: threads.budget.performanceCores ?? null,
      },
    };
  }

  async #generate(
    request: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
    arrived: number,
    api: "chat" | "completions",
  ): Promise<number> {
    const body = parseJsonBody(await readBody(request));
    const call = api === "chat" ? parseChatCall(body) : parseCompletionCall(body);
    this.#checkModel(call.model);
    const engine = this.#ready();
    const id = `${api === "chat" ? "chatcmpl" : "cmpl"}-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const waitedMs = performance.now() - arrived;
    if (call.stream) return this.#stream(engine, call, response, signal, { id, created, api, waitedMs });
    const outcome = await engine.generate(call.input, call.params, { signal });
    this.#metrics.generation(outcome, waitedMs);
    const choice =
      api === "chat"
        ? {
            index: 0,
            message: { role: "assistant", content: outcome.text },
            finish_reason: outcome.finishReason,
            logprobs: null,
          }
        : { index: 0, text: outcome.text, finish_reason: outcome.finishReason, logprobs: null };
    return sendJson(response, 200, {
      id,
      object: api === "chat" ? "chat.completion" : "text_completion",
      created,
      model: this.modelId,
      choices: [choice],
      usage: usageOf(outcome),
      timings: outcome.timings,
    });
  }

  async #stream(
    engine: Engine,
    call: GenerationCall,
    response: ServerResponse,
    signal: AbortSignal,
    meta: { id: string; created: number; api: "chat" | "completions"; waitedMs: number },
  ): Promise<number> {
    const object = meta.api === "chat" ? "chat.completion.chunk" : "text_completion";
    const head = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},"model":${JSON.stringify(this.modelId)},"choices":[`;
    // Each token's event is this prefix, the JSON string of its text, and this suffix: no object per token.
    const contentHead = meta.api === "chat" ? `${head}{"index":0,"delta":{"content":` : `${head}{"index":0,"text":`;
    const contentTail = meta.api === "chat" ? `},"finish_reason":null}]}\n\n` : `,"finish_reason":null}]}\n\n`;
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      if (meta.api === "chat")
        response.write(`${head}{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`);
    };
    // Headers go out only once the request is accepted, so a bad schema or prompt still gets its 400.
    const outcome = await engine.generate(call.input, call.params, {
      signal,
      onText: (text) => {
        start();
        if (text !== "") response.write(contentHead + JSON.stringify(text) + contentTail);
      },
    });
    this.#metrics.generation(outcome, meta.waitedMs);
    start();
    const finish =
      meta.api === "chat"
        ? { index: 0, delta: {}, finish_reason: outcome.finishReason }
        : { index: 0, text: "", finish_reason: outcome.finishReason };
    const base = { id: meta.id, object, created: meta.created, model: this.modelId };
    response.write(`data: ${JSON.stringify({ ...base, choices: [finish], timings: outcome.timings })}\n\n`);
    if (call.includeUsage)
      response.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(outcome) })}\n\n`);
    response.end("data: [DONE]\n\n");
    return 200;
  }

  async #exposition(response: ServerResponse): Promise<number> {
    const { contentType, text } = await this.#metrics.render();
    response.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    response.end(text);
    return 200;
  }

  async #embeddings(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const call = parseEmbeddingCall(parseJsonBody(await readBody(request)));
    this.#checkModel(call.model);
    const { vectors, promptTokens } = await this.#ready().embed(call.inputs);
    const encode = call.encodingFormat === "base64" ? base64Floats : (vector: number[]) => vector;
    return sendJson(response, 200, {
      object: "list",
      model: this.modelId,
      data: vectors.map((vector, index) => ({ object: "embedding", index, embedding: encode(vector) })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  async #tokenize(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const body = parseJsonBody(await readBody(request));
    if (typeof body.content !== "string") throw new ApiError(400, "'content' must be a string", { param: "content" });
    const options = { addSpecial: body.add_special === true, parseSpecial: body.parse_special === true };
    return sendJson(response, 200, { tokens: this.#ready().tokenize(body.content, options) });
  }
}

/** An embedding as OpenAI's `encoding_format: "base64"` sends it: little-endian float32 bytes, base64. */
function base64Floats(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => {
    bytes.writeFloatLE(value, i * 4);
  });
  return bytes.toString("base64");
}

function usageOf(outcome: GenerationOutcome): Json {
  return {
    prompt_tokens: outcome.promptTokens,
    completion_tokens: outcome.completionTokens,
    total_tokens: outcome.promptTokens + outcome.completionTokens,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
  return status;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`, { code: "body_too_large" });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
