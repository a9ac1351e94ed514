import type { GenerationApi, Usage } from "./types.js";

/**
 * Readers for the pieces of OpenAI-compatible response bodies, shared by streamed chunks and whole
 * responses. Bodies come from other programs, so every reader checks shapes instead of trusting them.
 */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first choice of a response or chunk, when there is one. */
export function firstChoice(body: Json): Json | undefined {
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const choice = choices[0];
  return isObject(choice) ? choice : undefined;
}

/**
 * Generated text in a choice: `text` for completions, `message.content` for a chat response,
 * `delta.content` for a chat chunk. Reasoning text (`reasoning_content`) counts as generated for timing,
 * but is kept out of the answer.
 */
export function choiceContent(choice: Json, api: GenerationApi): { text: string; generated: boolean } {
  if (api === "completions") {
    const text = typeof choice.text === "string" ? choice.text : "";
    return { text, generated: text !== "" };
  }
  const part = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : undefined;
  if (!part) return { text: "", generated: false };
  const text = typeof part.content === "string" ? part.content : "";
  const reasoning = typeof part.reasoning_content === "string" && part.reasoning_content !== "";
  return { text, generated: text !== "" || reasoning };
}

export function finishReasonOf(choice: Json): string | null {
  return typeof choice.finish_reason === "string" ? choice.finish_reason : null;
}

export function usageOf(body: Json): Usage | undefined {
  const usage = body.usage;
  if (!isObject(usage)) return undefined;
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = usage;
  if (typeof promptTokens !== "number" || typeof completionTokens !== "number") return undefined;
  return { promptTokens, completionTokens };
}

/** Ollama's own counters (nanoseconds and counts) as its native API and some of its responses carry them. */
const OLLAMA_FIELDS = [
  "total_duration",
  "load_duration",
  "prompt_eval_count",
  "prompt_eval_duration",
  "eval_count",
  "eval_duration",
] as const;

/** llama.cpp's `timings` object and Ollama's counters, numeric fields only, under the names the server used. */
export function backendTimingsOf(body: Json): Record<string, number> | undefined {
  let found: Record<string, number> | undefined;
  if (isObject(body.timings)) {
    for (const [key, value] of Object.entries(body.timings)) {
      if (typeof value === "number" && Number.isFinite(value)) {
        found ??= {};
        found[key] = value;
      }
    }
  }
  for (const key of OLLAMA_FIELDS) {
    const value = body[key];
    if (typeof value === "number" && Number.isFinite(value)) {
      found ??= {};
      found[key] = value;
    }
  }
  return found;
}

export interface ServerError {
  readonly message: string;
  readonly type?: string | undefined;
  readonly code?: string | undefined;
}

/** `{error: {message, type, code}}` (OpenAI, llama.cpp), `{error: "text"}` (Ollama) or `{message}`. */
export function serverErrorOf(body: unknown): ServerError | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  if (typeof error === "string") return { message: error };
  if (isObject(error) && typeof error.message === "string") {
    return {
      message: error.message,
      type: typeof error.type === "string" ? error.type : undefined,
      code: typeof error.code === "string" || typeof error.code === "number" ? String(error.code) : undefined,
    };
  }
  if (typeof body.message === "string") return { message: body.message };
  return undefined;
}

export function parseJsonObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
