/**
 * The contract between the OpenAI-compatible client and its users (compatibility suites, benchmarks).
 * Times are milliseconds measured from just before the request was sent (docs/bench.md defines each).
 */
export type GenerationApi = "chat" | "completions";

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export interface GenerationOptions {
  readonly temperature?: number;
  readonly seed?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly topP?: number;
  /** OpenAI `response_format`: `{type: "json_object"}` or `{type: "json_schema", json_schema: {name, schema}}`. */
  readonly responseFormat?: Readonly<Record<string, unknown>>;
  /** llama.cpp and vLLM: keep generating past end-of-sequence, up to `maxTokens`. */
  readonly ignoreEos?: boolean;
  /** vLLM and our embedded server: no end-of-sequence before this many tokens. */
  readonly minTokens?: number;
  /** llama.cpp: `false` makes the server evaluate the whole prompt rather than reuse its cached prefix. */
  readonly cachePrompt?: boolean;
}

export type GenerationRequest = {
  readonly model: string;
  readonly options?: GenerationOptions;
  readonly stream?: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
} & (
  | { readonly api: "chat"; readonly messages: readonly ChatMessage[] }
  | { readonly api: "completions"; readonly prompt: string }
);

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface GenerationTiming {
  /** First streamed chunk carrying generated content; undefined when not streamed or nothing was generated. */
  readonly ttftMs?: number | undefined;
  /** Until the last chunk (streamed) or the full response (not streamed). */
  readonly e2eMs: number;
  /** Arrival time of every content chunk, so ITL and TPOT can be derived. */
  readonly chunkTimesMs: readonly number[];
}

export interface GenerationResult {
  readonly text: string;
  readonly finishReason: string | null;
  /** From the response's `usage`; undefined when the server sent none. */
  readonly usage?: Usage | undefined;
  readonly timing: GenerationTiming;
  /** Backend's own timings where reported (llama.cpp `timings`, Ollama `prompt_eval_*`). */
  readonly backendTimings?: Readonly<Record<string, number>> | undefined;
}

export interface EmbeddingRequest {
  readonly model: string;
  readonly input: string | readonly string[];
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

export interface EmbeddingResult {
  readonly embeddings: readonly (readonly number[])[];
  readonly usage?: Usage | undefined;
  readonly timing: GenerationTiming;
}

/** An OpenAI-compatible endpoint. Failures raise EndpointError (unreachable, HTTP error, bad body). */
export interface ModelClient {
  readonly baseUrl: string;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  embed(request: EmbeddingRequest): Promise<EmbeddingResult>;
  listModels(options?: { signal?: AbortSignal | undefined }): Promise<string[]>;
}

/** One entry of `/models`; `meta` holds what the server says about how it serves the model (e.g. `threads`). */
export interface ModelEntry {
  readonly id: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}
