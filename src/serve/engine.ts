import { performance } from "node:perf_hooks";
import type {
  ChatWrapper,
  Llama,
  LlamaCompletion,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaGrammar,
  LlamaLogLevel,
  LlamaModel,
  LlamaText,
  Token,
  TokenBias,
} from "node-llama-cpp";
import { type Device, nodeLlamaCppDevice } from "../core/device.js";
import { CortexError, EnvironmentError } from "../core/errors.js";
import { ApiError } from "./api-error.js";
import { chatHistory } from "./chat-history.js";
import type { GenerationInput, SamplingParams } from "./openai-request.js";
import { SlotPool } from "./slot-pool.js";
import { StopMatcher } from "./stop-matcher.js";
import { type CpuBudget, chooseThreads, cpuBudget, type ThreadTrial, threadCandidates } from "./threads.js";

/**
 * llama.cpp through node-llama-cpp: one model, a context with a few sequences (slots) that requests queue
 * for, and an embedding context made on first use. node-llama-cpp is imported dynamically here and only
 * here, so modules that actions bundle never pull it in.
 */

export interface EngineOptions {
  readonly modelPath: string;
  /** Evaluation threads; when unset, measured among the candidates the CPU budget allows. */
  readonly threads?: number | undefined;
  /** Tokens per sequence; defaults to the model's training context, capped at DEFAULT_CONTEXT_SIZE. */
  readonly contextSize?: number | undefined;
  /** Requests generated at the same time; more wait in a queue. */
  readonly parallel?: number | undefined;
  /**
   * `false` keeps llama.cpp on the CPU (the default); `"auto"` uses a GPU build when one is present; `"cuda"`
   * requires the CUDA build.
   */
  readonly gpu?: false | "auto" | "cuda";
  readonly log?: (line: string) => void;
}

export interface ThreadChoice {
  readonly threads: number;
  readonly source: "option" | "trial" | "single core";
  readonly budget: CpuBudget;
  readonly trials: readonly ThreadTrial[];
}

/** llama.cpp server's `timings`, computed the same way so benchmarks can set the two side by side. */
export interface LlamaTimings {
  /** Prompt tokens evaluated for this request (the rest came from the sequence's cache). */
  readonly prompt_n: number;
  readonly prompt_ms: number;
  readonly prompt_per_token_ms: number;
  readonly prompt_per_second: number;
  /** Tokens generated; the time runs from the first generated token to the last, as llama.cpp counts. */
  readonly predicted_n: number;
  readonly predicted_ms: number;
  readonly predicted_per_token_ms: number;
  readonly predicted_per_second: number;
  readonly cache_n: number;
}

export interface GenerationOutcome {
  readonly text: string;
  readonly finishReason: "stop" | "length";
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly timings: LlamaTimings;
  /** Time spent waiting for a free slot before the prompt was evaluated. */
  readonly queuedMs: number;
}

export interface ModelFacts {
  readonly path: string;
  readonly architecture: string;
  readonly sizeBytes: number;
  readonly trainContextSize: number;
  readonly embeddingSize: number;
  readonly vocabularySize: number;
  readonly chatTemplate: "gguf" | "builtin";
}

const DEFAULT_CONTEXT_SIZE = 4096;
/** Tokens decoded per thread-count candidate, and the time after which a candidate's trial stops early. */
const TRIAL_TOKENS = 24;
const TRIAL_BUDGET_MS = 400;
const TRIAL_ROUNDS = 2;

async function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  try {
    return await import("node-llama-cpp");
  } catch (error) {
    throw new EnvironmentError("node-llama-cpp is not installed; install node-llama-cpp@3.21.1 to serve models", {
      cause: error,
    });
  }
}

function modelFacts(path: string, model: LlamaModel, hasTemplate: boolean): ModelFacts {
  return {
    path,
    architecture: String(model.fileInfo.metadata.general?.architecture ?? "unknown"),
    sizeBytes: model.size,
    trainContextSize: model.trainContextSize,
    embeddingSize: model.embeddingVectorSize,
    vocabularySize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0,
    chatTemplate: hasTemplate ? "gguf" : "builtin",
  };
}

/** Passes llama.cpp's log lines on, keeping its errors: the only place it says why a load failed. */
function llamaLogger(lib: NodeLlamaCpp, log: (line: string) => void, errors: string[]) {
  return (level: LlamaLogLevel, message: string): void => {
    const text = message.trim();
    if (!text) return;
    log(`llama.cpp ${level}: ${text}`);
    if (level === lib.LlamaLogLevel.error) errors.push(text);
  };
}

/** llama.cpp's rates from the counts and times of one generation; a rate of nothing is 0, not NaN. */
function llamaTimings(counts: {
  promptN: number;
  promptMs: number;
  predictedN: number;
  predictedMs: number;
  cacheN: number;
}): LlamaTimings {
  const { promptN, promptMs, predictedN, predictedMs } = counts;
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptN > 0 ? promptMs / promptN : 0,
    prompt_per_second: promptMs > 0 ? (promptN * 1000) / promptMs : 0,
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedN > 0 ? predictedMs / predictedN : 0,
    predicted_per_second: predictedMs > 0 ? (predictedN * 1000) / predictedMs : 0,
    cache_n: counts.cacheN,
  };
}

/** The sampling settings as node-llama-cpp takes them: a setting left out is absent, never undefined. */
function sampling(params: SamplingParams, grammar: LlamaGrammar | undefined) {
  return {
    temperature: params.temperature,
    ...(params.topP === undefined ? {} : { topP: params.topP }),
    ...(params.seed === undefined ? {} : { seed: params.seed }),
    repeatPenalty: repeatPenalty(params),
    ...(grammar ? { grammar } : {}),
  };
}

function repeatPenalty(params: SamplingParams): { frequencyPenalty?: number; presencePenalty?: number } | false {
  if (!params.frequencyPenalty && !params.presencePenalty) return false;
  const { frequencyPenalty, presencePenalty } = params;
  // node-llama-cpp's options take no undefined for a setting left out.
  return {
    ...(frequencyPenalty === undefined ? {} : { frequencyPenalty }),
    ...(presencePenalty === undefined ? {} : { presencePenalty }),
  };
}

interface Slot {
  readonly sequence: LlamaContextSequence;
  readonly completion: LlamaCompletion;
}

type NodeLlamaCpp = typeof import("node-llama-cpp");

export class Engine {
  readonly facts: ModelFacts;
  readonly threads: ThreadChoice;
  /** Where the model really runs: the build node-llama-cpp loaded and the layers it placed on a GPU. */
  readonly device: Device;
  readonly contextSize: number;
  readonly parallel: number;
  readonly #llama: Llama;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #slots: SlotPool<Slot>;
  readonly #chatWrapper: ChatWrapper;
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();
  readonly #lib: NodeLlamaCpp;
  #eogBan: TokenBias | undefined;
  #embedding: Promise<LlamaEmbeddingContext> | undefined;
  #embedQueue: Promise<unknown> = Promise.resolve();

  private constructor(parts: {
    lib: NodeLlamaCpp;
    llama: Llama;
    model: LlamaModel;
    context: LlamaContext;
    slots: Slot[];
    chatWrapper: ChatWrapper;
    facts: ModelFacts;
    threads: ThreadChoice;
  }) {
    this.#lib = parts.lib;
    this.#llama = parts.llama;
    this.#model = parts.model;
    this.#context = parts.context;
    this.#slots = new SlotPool(parts.slots);
    this.#chatWrapper = parts.chatWrapper;
    this.facts = parts.facts;
    this.threads = parts.threads;
    this.device = nodeLlamaCppDevice({ gpu: parts.llama.gpu, gpuLayers: parts.model.gpuLayers });
    this.contextSize = parts.context.contextSize;
    this.parallel = parts.slots.length;
  }

  static async load(options: EngineOptions): Promise<Engine> {
    const log = options.log ?? (() => undefined);
    const lib = await importNodeLlamaCpp();
    const budget = await cpuBudget();
    // llama.cpp says why a load failed only in its log; node-llama-cpp's error is a bare "Failed to load model".
    const errors: string[] = [];
    const llama = await lib.getLlama({
      gpu: options.gpu ?? false,
      build: "never",
      // The splitter caps any context's threads; let an explicit count above the core count through.
      maxThreads: Math.max(budget.cores, options.threads ?? 0, 1),
      logLevel: lib.LlamaLogLevel.warn,
      logger: llamaLogger(lib, log, errors),
    });
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath });
    } catch (error) {
      await llama.dispose();
      throw new EnvironmentError(
        `cannot load model ${options.modelPath}: ${loadFailure(errors) ?? (error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    try {
      const threads = await resolveThreads(model, budget, options.threads, log);
      const parallel = Math.max(1, options.parallel ?? 1);
      const context = await model.createContext({
        contextSize: options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_SIZE),
        sequences: parallel,
        threads: threads.threads,
      });
      const slots = Array.from({ length: parallel }, () => {
        const sequence = context.getSequence();
        return { sequence, completion: new lib.LlamaCompletion({ contextSequence: sequence }) };
      });
      const template = model.fileInfo.metadata.tokenizer?.chat_template;
      const facts = modelFacts(options.modelPath, model, typeof template === "string" && template !== "");
      const chatWrapper =
        typeof template === "string" && facts.chatTemplate === "gguf"
          ? new lib.JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer })
          : lib.resolveChatWrapper(model);
      return new Engine({ lib, llama, model, context, slots, chatWrapper, facts, threads });
    } catch (error) {
      await model.dispose();
      await llama.dispose();
      if (error instanceof CortexError) throw error;
      throw new EnvironmentError(`cannot prepare model ${options.modelPath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * llama.cpp's `/tokenize`, splitting text exactly as prompts are split here (node-llama-cpp's completion
   * tokenization, without SentencePiece's leading space); `addSpecial` puts BOS first when the model wants
   * it, `parseSpecial` reads `<s>`-like text as special tokens.
   */
  tokenize(text: string, options: { addSpecial?: boolean; parseSpecial?: boolean } = {}): number[] {
    const tokens = this.#model.tokenize(text, options.parseSpecial ?? false, "trimLeadingSpace");
    const bos = this.#model.tokens.bos;
    return options.addSpecial && bos !== null && this.#model.tokens.shouldPrependBosToken ? [bos, ...tokens] : tokens;
  }

  async generate(
    input: GenerationInput,
    params: SamplingParams,
    events: { onText?: (text: string) => void; signal?: AbortSignal | undefined } = {},
  ): Promise<GenerationOutcome> {
    const { tokens, stopTriggers } = this.#promptTokens(input);
    const bos = this.#model.tokens.bos;
    // LlamaCompletion prepends BOS itself when the model wants one; a template that wrote it must not double it.
    const prependsBos = bos !== null && this.#model.tokens.shouldPrependBosToken;
    const body = prependsBos && tokens[0] === bos ? tokens.slice(1) : tokens;
    const promptTokens = body.length + (prependsBos ? 1 : 0);
    if (promptTokens >= this.contextSize) {
      throw new ApiError(
        400,
        `the prompt has ${promptTokens} tokens, which leaves no room in the context of ${this.contextSize} tokens`,
        { code: "context_length_exceeded", param: input.kind === "chat" ? "messages" : "prompt" },
      );
    }
    const grammar = await this.#grammar(params);
    const queuedAt = performance.now();
    return this.#slots.use(async ({ sequence, completion }) => {
      if (!params.cachePrompt) await sequence.clearHistory();
      const cached = prependsBos ? [bos, ...body] : body;
      const cacheN = Math.min(commonPrefixLength(sequence.contextTokens, cached), cached.length - 1);
      const stops = new StopMatcher(params.stop);
      // Ends the generation at a matched stop sequence; the caller's signal ends it when the client leaves.
      const stopped = new AbortController();
      const signal = events.signal ? AbortSignal.any([events.signal, stopped.signal]) : stopped.signal;
      const parts: string[] = [];
      const emit = (text: string) => {
        if (text === "") return;
        parts.push(text);
        events.onText?.(text);
      };
      const startedAt = performance.now();
      let firstTokenAt: number | undefined;
      let lastTokenAt = startedAt;
      let generated = 0;
      const result = await completion.generateCompletionWithMeta(body, {
        onToken: (tokens) => {
          lastTokenAt = performance.now();
          firstTokenAt ??= lastTokenAt;
          generated += tokens.length;
        },
        onTextChunk: (text) => {
          emit(stops.push(text));
          if (stops.stopped) stopped.abort();
        },
        signal,
        stopOnAbortSignal: true,
        maxTokens: params.maxTokens ?? this.contextSize - promptTokens,
        // Stop at a full context (finish_reason "length") instead of shifting it and running on forever.
        disableContextShift: true,
        ...sampling(params, grammar),
        customStopTriggers: stopTriggers,
        ...(this.#endOfSequenceBan(params, () => generated) ?? {}),
      });
      emit(stops.flush());
      const promptMs = (firstTokenAt ?? lastTokenAt) - startedAt;
      const predictedMs = firstTokenAt === undefined ? 0 : lastTokenAt - firstTokenAt;
      const promptN = promptTokens - cacheN;
      return {
        text: parts.join(""),
        finishReason: result.metadata.stopReason === "maxTokens" && !stops.stopped ? "length" : "stop",
        promptTokens,
        completionTokens: generated,
        queuedMs: startedAt - queuedAt,
        timings: llamaTimings({ promptN, promptMs, predictedN: generated, predictedMs, cacheN }),
      };
    });
  }

  /**
   * `ignore_eos` and `min_tokens` as llama.cpp's server does them: the end-of-generation tokens get a logit
   * bias of minus infinity, for the whole generation or until `min_tokens` have been generated.
   */
  #endOfSequenceBan(params: SamplingParams, generated: () => number): { tokenBias: () => TokenBias } | undefined {
    const until = params.ignoreEos ? Number.POSITIVE_INFINITY : (params.minTokens ?? 0);
    if (until <= 0) return undefined;
    this.#eogBan ??= endOfGenerationBan(this.#lib, this.#model);
    const ban = this.#eogBan;
    const none = new this.#lib.TokenBias(this.#model.tokenizer);
    return { tokenBias: () => (generated() < until ? ban : none) };
  }

  async embed(texts: readonly string[]): Promise<{ vectors: number[][]; promptTokens: number }> {
    this.#embedding ??= this.#model.createEmbeddingContext({
      contextSize: Math.min(this.contextSize, this.#model.trainContextSize),
      threads: this.threads.threads,
    });
    const context = await this.#embedding;
    const run = this.#embedQueue.then(async () => {
      const vectors: number[][] = [];
      let promptTokens = 0;
      for (const text of texts) {
        promptTokens += context.calculateInputLength(text);
        vectors.push([...(await context.getEmbeddingFor(text)).vector]);
      }
      return { vectors, promptTokens };
    });
    this.#embedQueue = run.catch(() => undefined);
    return run;
  }

  /** Slots free now, and requests waiting for one. */
  get load(): { idle: number; queued: number } {
    return { idle: this.#slots.idle, queued: this.#slots.queued };
  }

  async close(): Promise<void> {
    if (this.#embedding) await (await this.#embedding).dispose();
    await this.#context.dispose();
    await this.#model.dispose();
    await this.#llama.dispose();
  }

  #promptTokens(input: GenerationInput): { tokens: Token[]; stopTriggers: LlamaText[] } {
    if (input.kind === "completions") {
      return { tokens: this.#model.tokenize(input.prompt, false, "trimLeadingSpace"), stopTriggers: [] };
    }
    const state = this.#chatWrapper.generateContextState({ chatHistory: chatHistory(input.messages) });
    return {
      tokens: state.contextText.tokenize(this.#model.tokenizer, "trimLeadingSpace"),
      stopTriggers: state.stopGenerationTriggers,
    };
  }

  async #grammar(params: SamplingParams): Promise<LlamaGrammar | undefined> {
    const format = params.responseFormat;
    if (format.type === "text") return undefined;
    const key = format.type === "json_schema" ? JSON.stringify(format.schema) : "json";
    let grammar = this.#grammars.get(key);
    if (!grammar) {
      grammar =
        format.type === "json_schema"
          ? this.#llama.createGrammarForJsonSchema(format.schema as Parameters<Llama["createGrammarForJsonSchema"]>[0])
          : this.#llama.getGrammarFor("json");
      this.#grammars.set(key, grammar);
      grammar.catch(() => this.#grammars.delete(key));
    }
    try {
      return await grammar;
    } catch (error) {
      throw new ApiError(
        400,
        `the JSON schema in response_format cannot be turned into a grammar: ${(error as Error).message}`,
        {
          param: "response_format",
          code: "invalid_schema",
          cause: error,
        },
      );
    }
  }
}

/**
 * A bias that bans every end-of-generation token. node-llama-cpp's public `set` skips those tokens on
 * purpose, so the entries go into the map it hands to llama.cpp's sampler directly (pinned 3.21.1; the
 * embedded server's tests fail if an upgrade changes this).
 */
function endOfGenerationBan(lib: NodeLlamaCpp, model: LlamaModel): TokenBias {
  const bias = new lib.TokenBias(model.tokenizer);
  const biases = (bias as unknown as { _biases: Map<Token, number> })._biases;
  const size = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  for (let token = 0; token < size; token++) {
    if (model.isEogToken(token as Token)) biases.set(token as Token, Number.NEGATIVE_INFINITY);
  }
  return bias;
}

function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a[i] === b[i]) i++;
  return i;
}

async function resolveThreads(
  model: LlamaModel,
  budget: CpuBudget,
  requested: number | undefined,
  log: (line: string) => void,
): Promise<ThreadChoice> {
  if (requested !== undefined) return { threads: requested, source: "option", budget, trials: [] };
  const candidates = threadCandidates(budget.cores);
  if (candidates.length === 1) return { threads: 1, source: "single core", budget, trials: [] };
  const best = new Map<number, number>();
  for (let round = 0; round < TRIAL_ROUNDS; round++) {
    const leader = Math.max(0, ...best.values());
    // A candidate at less than half the leader's rate cannot win on a second look; do not pay for one.
    const contenders = candidates.filter((threads) => round === 0 || (best.get(threads) ?? 0) * 2 >= leader);
    // Alternate the order so a burst of load elsewhere does not always land on the same candidate.
    for (const threads of round % 2 === 0 ? contenders : contenders.reverse()) {
      best.set(threads, Math.max(best.get(threads) ?? 0, await decodeRate(model, threads)));
    }
  }
  const trials = candidates.map((threads) => ({ threads, tokensPerSecond: best.get(threads) ?? 0 }));
  const threads = chooseThreads(trials);
  log(
    `threads: ${threads} (measured ${trials.map((t) => `${t.threads}: ${t.tokensPerSecond.toFixed(1)} tok/s`).join(", ")}; ${budget.cores} usable cores)`,
  );
  return { threads, source: "trial", budget, trials };
}

/** Greedy decode rate with `threads`, in tokens per second, from a fresh small context. */
async function decodeRate(model: LlamaModel, threads: number): Promise<number> {
  const context = await model.createContext({ contextSize: 256, sequences: 1, threads });
  try {
    const sequence = context.getSequence();
    const start = model.tokens.bos ?? (0 as Token);
    let decoded = 0;
    let firstAt = 0;
    let lastAt = 0;
    // The first token also pays for the prompt; the rate is measured over the ones after it.
    for await (const _token of sequence.evaluate([start], { temperature: 0, yieldEogToken: true })) {
      lastAt = performance.now();
      if (decoded === 0) firstAt = lastAt;
      decoded++;
      if (decoded > TRIAL_TOKENS || lastAt - firstAt > TRIAL_BUDGET_MS) break;
    }
    return decoded > 1 && lastAt > firstAt ? ((decoded - 1) * 1000) / (lastAt - firstAt) : 0;
  } finally {
    await context.dispose();
  }
}

/** llama.cpp's own reason from its error lines ("llama_model_load: error loading model: <reason>"). */
export function loadFailure(errors: readonly string[]): string | undefined {
  const line = errors.find((text) => text.includes("error loading model: "));
  return line?.slice(line.indexOf("error loading model: ") + "error loading model: ".length);
}
