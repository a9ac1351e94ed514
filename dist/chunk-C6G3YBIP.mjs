import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  require_prom_client
} from "./chunk-6QIH4PYN.mjs";
import {
  nodeLlamaCppDevice
} from "./chunk-SX5TNDA4.mjs";
import {
  CortexError,
  EnvironmentError,
  UsageError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name,
  __toESM
} from "./chunk-R62IGYHN.mjs";

// src/serve/gguf-check.ts
import { open } from "node:fs/promises";
var GGUF_MAGIC = Buffer.from("GGUF", "latin1");
async function checkGguf(path) {
  let head;
  try {
    const file = await open(path, "r");
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new UsageError(`cannot read model file ${path}`, { cause: error });
  }
  if (!head.equals(GGUF_MAGIC)) {
    throw new UsageError(`${path} is not a GGUF file (it does not start with the bytes "GGUF")`);
  }
}
__name(checkGguf, "checkGguf");

// src/serve/engine.ts
import { performance } from "node:perf_hooks";

// src/serve/api-error.ts
var ApiError = class extends CortexError {
  static {
    __name(this, "ApiError");
  }
  status;
  type;
  param;
  code;
  constructor(status, message, options = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.type = options.type ?? (status >= 500 ? "server_error" : "invalid_request_error");
    this.param = options.param ?? null;
    this.code = options.code ?? null;
  }
  toBody() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
};
function invalidParam(param, message) {
  return new ApiError(400, message, { param, code: "invalid_value" });
}
__name(invalidParam, "invalidParam");

// src/serve/chat-history.ts
function chatHistory(messages) {
  const history = messages.map((message) => {
    if (message.role === "assistant") return { type: "model", response: [message.content] };
    return { type: message.role, text: message.content };
  });
  history.push({ type: "model", response: [] });
  return history;
}
__name(chatHistory, "chatHistory");

// src/serve/slot-pool.ts
var SlotPool = class {
  static {
    __name(this, "SlotPool");
  }
  #free;
  #waiting = [];
  constructor(slots) {
    this.#free = [...slots];
  }
  get idle() {
    return this.#free.length;
  }
  get queued() {
    return this.#waiting.length;
  }
  async use(work) {
    const slot = this.#free.pop() ?? await new Promise((resolve) => this.#waiting.push(resolve));
    try {
      return await work(slot);
    } finally {
      const next = this.#waiting.shift();
      if (next) next(slot);
      else this.#free.push(slot);
    }
  }
};

// src/serve/stop-matcher.ts
var StopMatcher = class {
  static {
    __name(this, "StopMatcher");
  }
  #stops;
  #held = "";
  #stopped = false;
  constructor(stops) {
    this.#stops = stops.filter((stop) => stop !== "");
  }
  get stopped() {
    return this.#stopped;
  }
  /** Takes the next generated text; returns what can be sent now (the text before a stop, once one matched). */
  push(text) {
    if (this.#stopped) return "";
    if (this.#stops.length === 0) return text;
    const pending = this.#held + text;
    let cut = -1;
    for (const stop of this.#stops) {
      const at = pending.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.#stopped = true;
      this.#held = "";
      return pending.slice(0, cut);
    }
    const keep = this.#partialSuffix(pending);
    this.#held = pending.slice(pending.length - keep);
    return pending.slice(0, pending.length - keep);
  }
  /** Generation ended without a stop: what was held back is answer text after all. */
  flush() {
    const rest = this.#stopped ? "" : this.#held;
    this.#held = "";
    return rest;
  }
  /** Length of the longest end of `text` that is the start of some stop sequence. */
  #partialSuffix(text) {
    let longest = 0;
    for (const stop of this.#stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
};

// src/serve/threads.ts
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
var execFileAsync = promisify(execFile);
async function readText(path) {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return void 0;
  }
}
__name(readText, "readText");
async function cgroupCpuQuota(root = "/sys/fs/cgroup") {
  const max = await readText(`${root}/cpu.max`);
  if (max !== void 0) {
    const [quota2, period2] = max.split(/\s+/);
    if (quota2 === void 0 || quota2 === "max") return void 0;
    const value = Number(quota2) / Number(period2 ?? 1e5);
    return Number.isFinite(value) && value > 0 ? value : void 0;
  }
  const quota = Number(await readText(`${root}/cpu/cpu.cfs_quota_us`));
  const period = Number(await readText(`${root}/cpu/cpu.cfs_period_us`));
  if (!Number.isFinite(quota) || quota <= 0 || !Number.isFinite(period) || period <= 0) return void 0;
  return quota / period;
}
__name(cgroupCpuQuota, "cgroupCpuQuota");
function cpuBudgetFrom(readings) {
  const performance3 = Number(readings.perflevel0PhysicalCpu?.trim());
  const performanceCores = readings.os === "darwin" && readings.arch === "arm64" && Number.isInteger(performance3) && performance3 > 0 ? performance3 : void 0;
  const cores = Math.max(
    1,
    Math.floor(
      Math.min(
        readings.availableParallelism,
        readings.cgroupQuota ?? Number.POSITIVE_INFINITY,
        performanceCores ?? Number.POSITIVE_INFINITY
      )
    )
  );
  return {
    availableParallelism: readings.availableParallelism,
    ...readings.cgroupQuota === void 0 ? {} : { cgroupQuota: readings.cgroupQuota },
    ...performanceCores === void 0 ? {} : { performanceCores },
    cores
  };
}
__name(cpuBudgetFrom, "cpuBudgetFrom");
async function perflevel0PhysicalCpu() {
  try {
    return (await execFileAsync("sysctl", ["-n", "hw.perflevel0.physicalcpu"], { timeout: 5e3 })).stdout;
  } catch {
    return void 0;
  }
}
__name(perflevel0PhysicalCpu, "perflevel0PhysicalCpu");
async function cpuBudget() {
  const cgroupQuota = process.platform === "linux" ? await cgroupCpuQuota() : void 0;
  const perflevel0 = process.platform === "darwin" ? await perflevel0PhysicalCpu() : void 0;
  return cpuBudgetFrom({
    os: process.platform,
    arch: process.arch,
    availableParallelism: availableParallelism(),
    ...cgroupQuota === void 0 ? {} : { cgroupQuota },
    ...perflevel0 === void 0 ? {} : { perflevel0PhysicalCpu: perflevel0 }
  });
}
__name(cpuBudget, "cpuBudget");
function threadCandidates(cores) {
  const candidates = [];
  for (let threads = 1; threads < cores; threads *= 2) candidates.push(threads);
  candidates.push(Math.max(1, cores));
  return candidates;
}
__name(threadCandidates, "threadCandidates");
var MORE_THREADS_MARGIN = 1.1;
function chooseThreads(trials) {
  const ordered = [...trials].sort((a, b) => a.threads - b.threads);
  let best = ordered[0];
  if (!best) throw new Error("chooseThreads needs at least one trial");
  for (const trial of ordered.slice(1)) {
    if (trial.tokensPerSecond > best.tokensPerSecond * MORE_THREADS_MARGIN) best = trial;
  }
  return best.threads;
}
__name(chooseThreads, "chooseThreads");

// src/serve/engine.ts
var DEFAULT_CONTEXT_SIZE = 4096;
var TRIAL_TOKENS = 24;
var TRIAL_BUDGET_MS = 400;
var TRIAL_ROUNDS = 2;
async function importNodeLlamaCpp() {
  try {
    return await import("node-llama-cpp");
  } catch (error) {
    throw new EnvironmentError("node-llama-cpp is not installed; install node-llama-cpp@3.21.1 to serve models", {
      cause: error
    });
  }
}
__name(importNodeLlamaCpp, "importNodeLlamaCpp");
function modelFacts(path, model, hasTemplate) {
  return {
    path,
    architecture: String(model.fileInfo.metadata.general?.architecture ?? "unknown"),
    sizeBytes: model.size,
    trainContextSize: model.trainContextSize,
    embeddingSize: model.embeddingVectorSize,
    vocabularySize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0,
    chatTemplate: hasTemplate ? "gguf" : "builtin"
  };
}
__name(modelFacts, "modelFacts");
function llamaLogger(lib, log, errors) {
  return (level, message) => {
    const text = message.trim();
    if (!text) return;
    log(`llama.cpp ${level}: ${text}`);
    if (level === lib.LlamaLogLevel.error) errors.push(text);
  };
}
__name(llamaLogger, "llamaLogger");
function llamaTimings(counts) {
  const { promptN, promptMs, predictedN, predictedMs } = counts;
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptN > 0 ? promptMs / promptN : 0,
    prompt_per_second: promptMs > 0 ? promptN * 1e3 / promptMs : 0,
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedN > 0 ? predictedMs / predictedN : 0,
    predicted_per_second: predictedMs > 0 ? predictedN * 1e3 / predictedMs : 0,
    cache_n: counts.cacheN
  };
}
__name(llamaTimings, "llamaTimings");
function sampling(params, grammar) {
  return {
    temperature: params.temperature,
    ...params.topP === void 0 ? {} : { topP: params.topP },
    ...params.seed === void 0 ? {} : { seed: params.seed },
    repeatPenalty: repeatPenalty(params),
    ...grammar ? { grammar } : {}
  };
}
__name(sampling, "sampling");
function repeatPenalty(params) {
  if (!params.frequencyPenalty && !params.presencePenalty) return false;
  const { frequencyPenalty, presencePenalty } = params;
  return {
    ...frequencyPenalty === void 0 ? {} : { frequencyPenalty },
    ...presencePenalty === void 0 ? {} : { presencePenalty }
  };
}
__name(repeatPenalty, "repeatPenalty");
var Engine = class _Engine {
  static {
    __name(this, "Engine");
  }
  facts;
  threads;
  /** Where the model really runs: the build node-llama-cpp loaded and the layers it placed on a GPU. */
  device;
  contextSize;
  parallel;
  #llama;
  #model;
  #context;
  #slots;
  #chatWrapper;
  #grammars = /* @__PURE__ */ new Map();
  #lib;
  #eogBan;
  #embedding;
  #embedQueue = Promise.resolve();
  constructor(parts) {
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
  static async load(options) {
    const log = options.log ?? (() => void 0);
    const lib = await importNodeLlamaCpp();
    const budget = await cpuBudget();
    const errors = [];
    const llama = await lib.getLlama({
      gpu: options.gpu ?? false,
      build: "never",
      // The splitter caps any context's threads; let an explicit count above the core count through.
      maxThreads: Math.max(budget.cores, options.threads ?? 0, 1),
      logLevel: lib.LlamaLogLevel.warn,
      logger: llamaLogger(lib, log, errors)
    });
    let model;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath });
    } catch (error) {
      await llama.dispose();
      throw new EnvironmentError(
        `cannot load model ${options.modelPath}: ${loadFailure(errors) ?? error.message}`,
        {
          cause: error
        }
      );
    }
    try {
      const threads = await resolveThreads(model, budget, options.threads, log);
      const parallel = Math.max(1, options.parallel ?? 1);
      const context = await model.createContext({
        contextSize: options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_SIZE),
        sequences: parallel,
        threads: threads.threads
      });
      const slots = Array.from({ length: parallel }, () => {
        const sequence = context.getSequence();
        return { sequence, completion: new lib.LlamaCompletion({ contextSequence: sequence }) };
      });
      const template = model.fileInfo.metadata.tokenizer?.chat_template;
      const facts = modelFacts(options.modelPath, model, typeof template === "string" && template !== "");
      const chatWrapper = typeof template === "string" && facts.chatTemplate === "gguf" ? new lib.JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer }) : lib.resolveChatWrapper(model);
      return new _Engine({ lib, llama, model, context, slots, chatWrapper, facts, threads });
    } catch (error) {
      await model.dispose();
      await llama.dispose();
      if (error instanceof CortexError) throw error;
      throw new EnvironmentError(`cannot prepare model ${options.modelPath}: ${error.message}`, {
        cause: error
      });
    }
  }
  /**
   * llama.cpp's `/tokenize`, splitting text exactly as prompts are split here (node-llama-cpp's completion
   * tokenization, without SentencePiece's leading space); `addSpecial` puts BOS first when the model wants
   * it, `parseSpecial` reads `<s>`-like text as special tokens.
   */
  tokenize(text, options = {}) {
    const tokens = this.#model.tokenize(text, options.parseSpecial ?? false, "trimLeadingSpace");
    const bos = this.#model.tokens.bos;
    return options.addSpecial && bos !== null && this.#model.tokens.shouldPrependBosToken ? [bos, ...tokens] : tokens;
  }
  async generate(input, params, events = {}) {
    const { tokens, stopTriggers } = this.#promptTokens(input);
    const bos = this.#model.tokens.bos;
    const prependsBos = bos !== null && this.#model.tokens.shouldPrependBosToken;
    const body = prependsBos && tokens[0] === bos ? tokens.slice(1) : tokens;
    const promptTokens = body.length + (prependsBos ? 1 : 0);
    if (promptTokens >= this.contextSize) {
      throw new ApiError(
        400,
        `the prompt has ${promptTokens} tokens, which leaves no room in the context of ${this.contextSize} tokens`,
        { code: "context_length_exceeded", param: input.kind === "chat" ? "messages" : "prompt" }
      );
    }
    const grammar = await this.#grammar(params);
    const queuedAt = performance.now();
    return this.#slots.use(async ({ sequence, completion }) => {
      if (!params.cachePrompt) await sequence.clearHistory();
      const cached = prependsBos ? [bos, ...body] : body;
      const cacheN = Math.min(commonPrefixLength(sequence.contextTokens, cached), cached.length - 1);
      const stops = new StopMatcher(params.stop);
      const stopped = new AbortController();
      const signal = events.signal ? AbortSignal.any([events.signal, stopped.signal]) : stopped.signal;
      const parts = [];
      const emit = /* @__PURE__ */ __name((text) => {
        if (text === "") return;
        parts.push(text);
        events.onText?.(text);
      }, "emit");
      const startedAt = performance.now();
      let firstTokenAt;
      let lastTokenAt = startedAt;
      let generated = 0;
      const result = await completion.generateCompletionWithMeta(body, {
        onToken: /* @__PURE__ */ __name((tokens2) => {
          lastTokenAt = performance.now();
          firstTokenAt ??= lastTokenAt;
          generated += tokens2.length;
        }, "onToken"),
        onTextChunk: /* @__PURE__ */ __name((text) => {
          emit(stops.push(text));
          if (stops.stopped) stopped.abort();
        }, "onTextChunk"),
        signal,
        stopOnAbortSignal: true,
        maxTokens: params.maxTokens ?? this.contextSize - promptTokens,
        // Stop at a full context (finish_reason "length") instead of shifting it and running on forever.
        disableContextShift: true,
        ...sampling(params, grammar),
        customStopTriggers: stopTriggers,
        ...this.#endOfSequenceBan(params, () => generated) ?? {}
      });
      emit(stops.flush());
      const promptMs = (firstTokenAt ?? lastTokenAt) - startedAt;
      const predictedMs = firstTokenAt === void 0 ? 0 : lastTokenAt - firstTokenAt;
      const promptN = promptTokens - cacheN;
      return {
        text: parts.join(""),
        finishReason: result.metadata.stopReason === "maxTokens" && !stops.stopped ? "length" : "stop",
        promptTokens,
        completionTokens: generated,
        queuedMs: startedAt - queuedAt,
        timings: llamaTimings({ promptN, promptMs, predictedN: generated, predictedMs, cacheN })
      };
    });
  }
  /**
   * `ignore_eos` and `min_tokens` as llama.cpp's server does them: the end-of-generation tokens get a logit
   * bias of minus infinity, for the whole generation or until `min_tokens` have been generated.
   */
  #endOfSequenceBan(params, generated) {
    const until = params.ignoreEos ? Number.POSITIVE_INFINITY : params.minTokens ?? 0;
    if (until <= 0) return void 0;
    this.#eogBan ??= endOfGenerationBan(this.#lib, this.#model);
    const ban = this.#eogBan;
    const none = new this.#lib.TokenBias(this.#model.tokenizer);
    return { tokenBias: /* @__PURE__ */ __name(() => generated() < until ? ban : none, "tokenBias") };
  }
  async embed(texts) {
    this.#embedding ??= this.#model.createEmbeddingContext({
      contextSize: Math.min(this.contextSize, this.#model.trainContextSize),
      threads: this.threads.threads
    });
    const context = await this.#embedding;
    const run = this.#embedQueue.then(async () => {
      const vectors = [];
      let promptTokens = 0;
      for (const text of texts) {
        promptTokens += context.calculateInputLength(text);
        vectors.push([...(await context.getEmbeddingFor(text)).vector]);
      }
      return { vectors, promptTokens };
    });
    this.#embedQueue = run.catch(() => void 0);
    return run;
  }
  /** Slots free now, and requests waiting for one. */
  get load() {
    return { idle: this.#slots.idle, queued: this.#slots.queued };
  }
  async close() {
    if (this.#embedding) await (await this.#embedding).dispose();
    await this.#context.dispose();
    await this.#model.dispose();
    await this.#llama.dispose();
  }
  #promptTokens(input) {
    if (input.kind === "completions") {
      return { tokens: this.#model.tokenize(input.prompt, false, "trimLeadingSpace"), stopTriggers: [] };
    }
    const state = this.#chatWrapper.generateContextState({ chatHistory: chatHistory(input.messages) });
    return {
      tokens: state.contextText.tokenize(this.#model.tokenizer, "trimLeadingSpace"),
      stopTriggers: state.stopGenerationTriggers
    };
  }
  async #grammar(params) {
    const format = params.responseFormat;
    if (format.type === "text") return void 0;
    const key = format.type === "json_schema" ? JSON.stringify(format.schema) : "json";
    let grammar = this.#grammars.get(key);
    if (!grammar) {
      grammar = format.type === "json_schema" ? this.#llama.createGrammarForJsonSchema(format.schema) : this.#llama.getGrammarFor("json");
      this.#grammars.set(key, grammar);
      grammar.catch(() => this.#grammars.delete(key));
    }
    try {
      return await grammar;
    } catch (error) {
      throw new ApiError(
        400,
        `the JSON schema in response_format cannot be turned into a grammar: ${error.message}`,
        {
          param: "response_format",
          code: "invalid_schema",
          cause: error
        }
      );
    }
  }
};
function endOfGenerationBan(lib, model) {
  const bias = new lib.TokenBias(model.tokenizer);
  const biases = bias._biases;
  const size = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  for (let token = 0; token < size; token++) {
    if (model.isEogToken(token)) biases.set(token, Number.NEGATIVE_INFINITY);
  }
  return bias;
}
__name(endOfGenerationBan, "endOfGenerationBan");
function commonPrefixLength(a, b) {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a[i] === b[i]) i++;
  return i;
}
__name(commonPrefixLength, "commonPrefixLength");
async function resolveThreads(model, budget, requested, log) {
  if (requested !== void 0) return { threads: requested, source: "option", budget, trials: [] };
  const candidates = threadCandidates(budget.cores);
  if (candidates.length === 1) return { threads: 1, source: "single core", budget, trials: [] };
  const best = /* @__PURE__ */ new Map();
  for (let round = 0; round < TRIAL_ROUNDS; round++) {
    const leader = Math.max(0, ...best.values());
    const contenders = candidates.filter((threads2) => round === 0 || (best.get(threads2) ?? 0) * 2 >= leader);
    for (const threads2 of round % 2 === 0 ? contenders : contenders.reverse()) {
      best.set(threads2, Math.max(best.get(threads2) ?? 0, await decodeRate(model, threads2)));
    }
  }
  const trials = candidates.map((threads2) => ({ threads: threads2, tokensPerSecond: best.get(threads2) ?? 0 }));
  const threads = chooseThreads(trials);
  log(
    `threads: ${threads} (measured ${trials.map((t) => `${t.threads}: ${t.tokensPerSecond.toFixed(1)} tok/s`).join(", ")}; ${budget.cores} usable cores)`
  );
  return { threads, source: "trial", budget, trials };
}
__name(resolveThreads, "resolveThreads");
async function decodeRate(model, threads) {
  const context = await model.createContext({ contextSize: 256, sequences: 1, threads });
  try {
    const sequence = context.getSequence();
    const start = model.tokens.bos ?? 0;
    let decoded = 0;
    let firstAt = 0;
    let lastAt = 0;
    for await (const _token of sequence.evaluate([start], { temperature: 0, yieldEogToken: true })) {
      lastAt = performance.now();
      if (decoded === 0) firstAt = lastAt;
      decoded++;
      if (decoded > TRIAL_TOKENS || lastAt - firstAt > TRIAL_BUDGET_MS) break;
    }
    return decoded > 1 && lastAt > firstAt ? (decoded - 1) * 1e3 / (lastAt - firstAt) : 0;
  } finally {
    await context.dispose();
  }
}
__name(decodeRate, "decodeRate");
function loadFailure(errors) {
  const line = errors.find((text) => text.includes("error loading model: "));
  return line?.slice(line.indexOf("error loading model: ") + "error loading model: ".length);
}
__name(loadFailure, "loadFailure");

// src/serve/http-server.ts
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { performance as performance2 } from "node:perf_hooks";

// src/serve/metrics.ts
var import_prom_client = __toESM(require_prom_client(), 1);
var SECONDS = 1e3;
var GENERATION_ROUTES = /* @__PURE__ */ new Set(["/v1/chat/completions", "/v1/completions"]);
var TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
var TPOT_BUCKETS = [1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
var LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
var ServerMetrics = class {
  static {
    __name(this, "ServerMetrics");
  }
  registry = new import_prom_client.Registry();
  #slots;
  #inFlight = 0;
  #promptTokens;
  #predictedTokens;
  #promptSeconds;
  #predictedSeconds;
  #requests;
  #ttft;
  #tpot;
  #latency;
  constructor() {
    const registers = [this.registry];
    this.#promptTokens = new import_prom_client.Counter({
      name: "llamacpp:prompt_tokens_total",
      help: "Number of prompt tokens processed (tokens served from a slot's cache are not counted).",
      registers
    });
    this.#predictedTokens = new import_prom_client.Counter({
      name: "llamacpp:tokens_predicted_total",
      help: "Number of generation tokens processed.",
      registers
    });
    this.#promptSeconds = new import_prom_client.Counter({
      name: "llamacpp:prompt_seconds_total",
      help: "Prompt process time.",
      registers
    });
    this.#predictedSeconds = new import_prom_client.Counter({
      name: "llamacpp:tokens_predicted_seconds_total",
      help: "Predict process time.",
      registers
    });
    const rate = /* @__PURE__ */ __name((tokens, seconds) => async () => {
      const [t, s] = await Promise.all([tokens.get(), seconds.get()]);
      const total = /* @__PURE__ */ __name((m) => m.values.reduce((sum, v) => sum + v.value, 0), "total");
      return total(s) > 0 ? total(t) / total(s) : 0;
    }, "rate");
    const promptRate = rate(this.#promptTokens, this.#promptSeconds);
    const predictedRate = rate(this.#predictedTokens, this.#predictedSeconds);
    new import_prom_client.Gauge({
      name: "llamacpp:prompt_tokens_seconds",
      help: "Average prompt throughput in tokens/s.",
      registers,
      async collect() {
        this.set(await promptRate());
      }
    });
    new import_prom_client.Gauge({
      name: "llamacpp:predicted_tokens_seconds",
      help: "Average generation throughput in tokens/s.",
      registers,
      async collect() {
        this.set(await predictedRate());
      }
    });
    const slots = /* @__PURE__ */ __name(() => this.#slots, "slots");
    new import_prom_client.Gauge({
      name: "llamacpp:requests_processing",
      help: "Number of requests processing (slots busy).",
      registers,
      collect() {
        const source = slots();
        this.set(source ? source.parallel - source.load.idle : 0);
      }
    });
    new import_prom_client.Gauge({
      name: "llamacpp:requests_deferred",
      help: "Number of requests deferred (waiting for a slot).",
      registers,
      collect() {
        this.set(slots()?.load.queued ?? 0);
      }
    });
    new import_prom_client.Gauge({
      name: "cortex_serve_slots",
      help: "Slots (requests generated at the same time) of the loaded model; 0 while it loads.",
      registers,
      collect() {
        this.set(slots()?.parallel ?? 0);
      }
    });
    const inFlight = /* @__PURE__ */ __name(() => this.#inFlight, "inFlight");
    new import_prom_client.Gauge({
      name: "cortex_serve_requests_in_flight",
      help: "HTTP requests received and not yet answered, /metrics itself excluded.",
      registers,
      collect() {
        this.set(inFlight());
      }
    });
    this.#requests = new import_prom_client.Counter({
      name: "cortex_serve_requests_total",
      help: "HTTP requests answered, by route and outcome (success, client_error, server_error, cancelled).",
      labelNames: ["route", "outcome"],
      registers
    });
    this.#ttft = new import_prom_client.Histogram({
      name: "cortex_serve_time_to_first_token_seconds",
      help: "From a generation request's arrival to its first generated token, queueing for a slot included.",
      buckets: TTFT_BUCKETS,
      registers
    });
    this.#tpot = new import_prom_client.Histogram({
      name: "cortex_serve_time_per_output_token_seconds",
      help: "Time per output token after the first: (last token - first token) / (tokens - 1).",
      buckets: TPOT_BUCKETS,
      registers
    });
    this.#latency = new import_prom_client.Histogram({
      name: "cortex_serve_request_duration_seconds",
      help: "From a generation request's arrival to the end of its answer (chat and completions, failures included).",
      buckets: LATENCY_BUCKETS,
      registers
    });
  }
  attach(slots) {
    this.#slots = slots;
  }
  requestStarted() {
    this.#inFlight++;
  }
  requestEnded(route, outcome, seconds) {
    this.#inFlight--;
    this.#requests.inc({ route, outcome });
    if (GENERATION_ROUTES.has(route)) this.#latency.observe(seconds);
  }
  /** One finished generation; `waitedMs` is the time from the request's arrival to the engine's start. */
  generation(outcome, waitedMs) {
    const { timings } = outcome;
    this.#promptTokens.inc(timings.prompt_n);
    this.#predictedTokens.inc(timings.predicted_n);
    this.#promptSeconds.inc(timings.prompt_ms / SECONDS);
    this.#predictedSeconds.inc(timings.predicted_ms / SECONDS);
    if (timings.predicted_n > 0) this.#ttft.observe((waitedMs + outcome.queuedMs + timings.prompt_ms) / SECONDS);
    if (timings.predicted_n > 1) this.#tpot.observe(timings.predicted_ms / (timings.predicted_n - 1) / SECONDS);
  }
  /** The exposition and its content type. */
  async render() {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
};
function outcomeOf(status, aborted) {
  if (aborted) return "cancelled";
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  return "success";
}
__name(outcomeOf, "outcomeOf");

// src/serve/openai-request.ts
var MAX_STOP_SEQUENCES = 4;
var DEFAULT_TEMPERATURE = 0.8;
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
__name(isObject, "isObject");
function parseJsonBody(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `the request body is not valid JSON: ${error.message}`, {
      code: "invalid_json",
      cause: error
    });
  }
  if (!isObject(value)) throw new ApiError(400, "the request body must be a JSON object", { code: "invalid_json" });
  return value;
}
__name(parseJsonBody, "parseJsonBody");
function requiredModel(body) {
  const model = body.model;
  if (model === void 0) throw invalidParam("model", "you must provide a model parameter");
  if (typeof model !== "string" || model === "") throw invalidParam("model", "'model' must be a non-empty string");
  return model;
}
__name(requiredModel, "requiredModel");
function optionalNumber(body, name, min, max, integer = false) {
  const value = body[name];
  if (value === void 0 || value === null) return void 0;
  if (typeof value !== "number" || !Number.isFinite(value) || integer && !Number.isInteger(value)) {
    throw invalidParam(name, `'${name}' must be ${integer ? "an integer" : "a number"}`);
  }
  if (value < min || value > max) throw invalidParam(name, `'${name}' must be between ${min} and ${max}`);
  return value;
}
__name(optionalNumber, "optionalNumber");
function optionalBoolean(body, name, param = name) {
  const value = body[name];
  if (value === void 0 || value === null) return void 0;
  if (typeof value !== "boolean") throw invalidParam(param, `'${param}' must be a boolean`);
  return value;
}
__name(optionalBoolean, "optionalBoolean");
function stopSequences(body) {
  const stop = body.stop;
  if (stop === void 0 || stop === null) return [];
  if (typeof stop === "string") return stop === "" ? [] : [stop];
  if (Array.isArray(stop) && stop.every((item) => typeof item === "string")) {
    if (stop.length > MAX_STOP_SEQUENCES) {
      throw invalidParam("stop", `'stop' takes up to ${MAX_STOP_SEQUENCES} sequences, not ${stop.length}`);
    }
    return stop.filter((item) => item !== "");
  }
  throw invalidParam("stop", "'stop' must be a string or an array of strings");
}
__name(stopSequences, "stopSequences");
function isSet(value) {
  if (value === void 0 || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}
__name(isSet, "isSet");
var UNSUPPORTED = {
  chat: {
    tools: "tool calling",
    tool_choice: "tool calling",
    parallel_tool_calls: "tool calling",
    functions: "function calling",
    function_call: "function calling",
    logprobs: "log probabilities",
    top_logprobs: "log probabilities",
    logit_bias: "logit bias"
  },
  completions: {
    logprobs: "log probabilities",
    echo: "echoing the prompt",
    suffix: "insertion (a suffix)",
    logit_bias: "logit bias"
  }
};
function refuseUnsupported(body, api) {
  for (const [param, feature] of Object.entries(UNSUPPORTED[api])) {
    if (param === "tool_choice" && body[param] === "none") continue;
    if (isSet(body[param])) {
      throw new ApiError(400, `'${param}' is not supported: this server does no ${feature}`, {
        param,
        code: "unsupported_parameter"
      });
    }
  }
  if (api === "completions" && body.best_of !== void 0 && body.best_of !== null && body.best_of !== 1) {
    throw new ApiError(400, "'best_of' must be 1: this server generates one candidate per request", {
      param: "best_of",
      code: "unsupported_parameter"
    });
  }
}
__name(refuseUnsupported, "refuseUnsupported");
function responseFormat(body) {
  const format = body.response_format;
  if (format === void 0 || format === null) return { type: "text" };
  if (!isObject(format)) throw invalidParam("response_format", "'response_format' must be an object");
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return isObject(format.schema) ? { type: "json_schema", schema: format.schema } : { type: "json_object" };
    case "json_schema": {
      const spec = format.json_schema;
      const schema = isObject(spec) ? spec.schema : void 0;
      if (!isObject(schema)) {
        throw invalidParam(
          "response_format.json_schema.schema",
          "'response_format.json_schema.schema' must be an object"
        );
      }
      return { type: "json_schema", schema };
    }
    default:
      throw invalidParam(
        "response_format.type",
        "'response_format.type' must be one of 'text', 'json_object', 'json_schema'"
      );
  }
}
__name(responseFormat, "responseFormat");
function streamSettings(body) {
  const stream = optionalBoolean(body, "stream") ?? false;
  const options = body.stream_options;
  if (options === void 0 || options === null) return { stream, includeUsage: false };
  if (!isObject(options)) throw invalidParam("stream_options", "'stream_options' must be an object");
  if (!stream) throw invalidParam("stream_options", "'stream_options' is only allowed when 'stream' is true");
  return { stream, includeUsage: optionalBoolean(options, "include_usage", "stream_options.include_usage") ?? false };
}
__name(streamSettings, "streamSettings");
function sampling2(body) {
  if (body.n !== void 0 && body.n !== null && body.n !== 1) {
    throw invalidParam("n", "'n' must be 1: this server generates one choice per request");
  }
  const maxTokens = optionalNumber(body, "max_completion_tokens", 1, Number.MAX_SAFE_INTEGER, true) ?? optionalNumber(body, "max_tokens", 1, Number.MAX_SAFE_INTEGER, true);
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
    cachePrompt: optionalBoolean(body, "cache_prompt") ?? true
  };
}
__name(sampling2, "sampling");
var ROLES = { system: "system", developer: "system", user: "user", assistant: "assistant" };
function messageContent(value, index) {
  if (typeof value === "string") return value;
  if (value === null || value === void 0) return "";
  if (Array.isArray(value)) {
    return value.map((part, partIndex) => {
      if (isObject(part) && part.type === "text" && typeof part.text === "string") return part.text;
      throw invalidParam(
        `messages[${index}].content[${partIndex}]`,
        `messages[${index}].content[${partIndex}] must be a text part; this server only reads text`
      );
    }).join("");
  }
  throw invalidParam(
    `messages[${index}].content`,
    `messages[${index}].content must be a string or an array of text parts`
  );
}
__name(messageContent, "messageContent");
function parseChatCall(body) {
  const model = requiredModel(body);
  refuseUnsupported(body, "chat");
  const messages = body.messages;
  if (messages === void 0) throw invalidParam("messages", "you must provide a messages parameter");
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParam("messages", "'messages' must be a non-empty array");
  }
  const turns = messages.map((message, index) => {
    if (!isObject(message)) throw invalidParam(`messages[${index}]`, `messages[${index}] must be an object`);
    const role = typeof message.role === "string" ? ROLES[message.role] : void 0;
    if (!role) {
      throw invalidParam(
        `messages[${index}].role`,
        `messages[${index}].role must be one of 'system', 'developer', 'user', 'assistant'`
      );
    }
    return { role, content: messageContent(message.content, index) };
  });
  return { model, ...streamSettings(body), input: { kind: "chat", messages: turns }, params: sampling2(body) };
}
__name(parseChatCall, "parseChatCall");
function parseCompletionCall(body) {
  const model = requiredModel(body);
  refuseUnsupported(body, "completions");
  let prompt = body.prompt;
  if (prompt === void 0) throw invalidParam("prompt", "you must provide a prompt parameter");
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string") prompt = prompt[0];
  if (typeof prompt !== "string") {
    throw invalidParam("prompt", "'prompt' must be a string (or an array holding one string)");
  }
  return { model, ...streamSettings(body), input: { kind: "completions", prompt }, params: sampling2(body) };
}
__name(parseCompletionCall, "parseCompletionCall");
function parseEmbeddingCall(body) {
  const model = requiredModel(body);
  const input = body.input;
  if (input === void 0) throw invalidParam("input", "you must provide an input parameter");
  const encodingFormat = body.encoding_format ?? "float";
  if (encodingFormat !== "float" && encodingFormat !== "base64") {
    throw invalidParam("encoding_format", "'encoding_format' must be 'float' or 'base64'");
  }
  if (isSet(body.dimensions)) {
    throw new ApiError(400, "'dimensions' is not supported: this server returns the model's full embedding size", {
      param: "dimensions",
      code: "unsupported_parameter"
    });
  }
  if (typeof input === "string") return { model, inputs: [input], encodingFormat };
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")) {
    return { model, inputs: input, encodingFormat };
  }
  throw invalidParam("input", "'input' must be a string or a non-empty array of strings");
}
__name(parseEmbeddingCall, "parseEmbeddingCall");

// src/serve/http-server.ts
var MAX_BODY_BYTES = 16 * 1024 * 1024;
var EmbeddedHttpServer = class _EmbeddedHttpServer {
  static {
    __name(this, "EmbeddedHttpServer");
  }
  modelId;
  #server;
  #log;
  #inFlight = /* @__PURE__ */ new Set();
  #routes;
  #engine;
  #metrics = new ServerMetrics();
  #created = Math.floor(Date.now() / 1e3);
  constructor(server, options) {
    this.#server = server;
    this.modelId = options.modelId;
    this.#log = options.log ?? (() => void 0);
    this.#routes = {
      "/health": { method: "GET", handler: /* @__PURE__ */ __name((_q, r) => this.#health(r), "handler") },
      "/v1/models": { method: "GET", handler: /* @__PURE__ */ __name((_q, r) => this.#models(r), "handler") },
      "/v1/chat/completions": { method: "POST", handler: /* @__PURE__ */ __name((q, r, s, t) => this.#generate(q, r, s, t, "chat"), "handler") },
      "/v1/completions": { method: "POST", handler: /* @__PURE__ */ __name((q, r, s, t) => this.#generate(q, r, s, t, "completions"), "handler") },
      "/v1/embeddings": { method: "POST", handler: /* @__PURE__ */ __name((q, r) => this.#embeddings(q, r), "handler") },
      // llama.cpp's server names this route so; tests and benchmarks count tokens with it.
      "/tokenize": { method: "POST", handler: /* @__PURE__ */ __name((q, r) => this.#tokenize(q, r), "handler") },
      "/metrics": { method: "GET", handler: /* @__PURE__ */ __name((_q, r) => this.#exposition(r), "handler") }
    };
  }
  static async listen(options) {
    const server = createServer({ keepAliveTimeout: 3e4 });
    const embedded = new _EmbeddedHttpServer(server, options);
    server.on("request", (request, response) => {
      void embedded.#handle(request, response);
    });
    try {
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      const code = error.code;
      const reason = code === "EADDRINUSE" ? "the address is already in use" : describeError(error);
      throw new CortexError(`cannot listen on ${options.host}:${options.port}: ${reason}`, { cause: error });
    }
    return embedded;
  }
  /** `http://host:port`, with an IPv6 host in brackets. */
  get origin() {
    const { address, port } = this.#server.address();
    return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }
  /** The OpenAI-compatible base URL clients are given. */
  get baseUrl() {
    return `${this.origin}/v1`;
  }
  attach(engine) {
    this.#engine = engine;
    this.#metrics.attach(engine);
  }
  /**
   * Stops taking connections, lets requests in flight finish for up to `graceMs`, then aborts them
   * (a stream ends with its finish chunk) and closes what is left.
   */
  async close(graceMs = 5e3) {
    const closed = new Promise((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (this.#inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const controller of this.#inFlight) controller.abort();
    const settled = Date.now() + 2e3;
    while (this.#inFlight.size > 0 && Date.now() < settled) await new Promise((r) => setTimeout(r, 20));
    this.#server.closeAllConnections();
    await closed;
  }
  async #handle(request, response) {
    const started = performance2.now();
    const controller = new AbortController();
    response.once("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    this.#inFlight.add(controller);
    const path = (request.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const route = this.#routes[path] ?? this.#modelRoute(path);
    const label = this.#routes[path] ? path : route ? "/v1/models/{id}" : "other";
    const counted = path !== "/metrics";
    if (counted) this.#metrics.requestStarted();
    let status = 500;
    try {
      if (!route)
        throw new ApiError(404, `no such route: ${request.method} ${path}`, {
          type: "not_found_error",
          code: "not_found"
        });
      if (request.method !== route.method) {
        response.setHeader("allow", route.method);
        throw new ApiError(405, `${request.method} is not allowed on ${path}; use ${route.method}`, {
          code: "method_not_allowed"
        });
      }
      status = await route.handler(request, response, controller.signal, started);
    } catch (error) {
      status = this.#fail(response, error);
    } finally {
      this.#inFlight.delete(controller);
      if (counted) {
        const seconds = (performance2.now() - started) / 1e3;
        this.#metrics.requestEnded(label, outcomeOf(status, controller.signal.aborted), seconds);
      }
      const gone = controller.signal.aborted ? " (aborted: client gone or shutting down)" : "";
      this.#log(`${request.method} ${path} ${status} ${(performance2.now() - started).toFixed(0)} ms${gone}`);
    }
  }
  #fail(response, error) {
    const apiError = error instanceof ApiError ? error : new ApiError(500, `internal error: ${describeError(error)}`, { cause: error });
    if (apiError.status >= 500) this.#log(`error: ${describeError(error)}`);
    if (response.headersSent) {
      if (!response.writableEnded) response.end(`data: ${JSON.stringify(apiError.toBody())}

`);
      return response.statusCode;
    }
    sendJson(response, apiError.status, apiError.toBody());
    return apiError.status;
  }
  #ready() {
    if (!this.#engine) throw new ApiError(503, "the model is still loading", { code: "model_loading" });
    return this.#engine;
  }
  #checkModel(model) {
    if (model !== this.modelId) {
      throw new ApiError(404, `the model '${model}' does not exist; this server serves '${this.modelId}'`, {
        param: "model",
        code: "model_not_found"
      });
    }
  }
  async #health(response) {
    const engine = this.#engine;
    if (!engine) return sendJson(response, 503, { status: "loading", model: this.modelId });
    return sendJson(response, 200, {
      status: "ok",
      model: this.modelId,
      threads: engine.threads.threads,
      slots_idle: engine.load.idle,
      slots_queued: engine.load.queued
    });
  }
  /** `GET /v1/models/{id}` (the SDKs' models.retrieve); the id may be percent-encoded, slashes and all. */
  #modelRoute(path) {
    const prefix = "/v1/models/";
    if (!path.startsWith(prefix)) return void 0;
    let id;
    try {
      id = decodeURIComponent(path.slice(prefix.length));
    } catch {
      id = path.slice(prefix.length);
    }
    return { method: "GET", handler: /* @__PURE__ */ __name((_q, r) => this.#model(r, id), "handler") };
  }
  async #model(response, id) {
    this.#checkModel(id);
    return sendJson(response, 200, this.#modelObject(this.#ready()));
  }
  async #models(response) {
    return sendJson(response, 200, { object: "list", data: [this.#modelObject(this.#ready())] });
  }
  #modelObject(engine) {
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
        cpu_performance_cores: threads.budget.performanceCores ?? null
      }
    };
  }
  async #generate(request, response, signal, arrived, api) {
    const body = parseJsonBody(await readBody(request));
    const call = api === "chat" ? parseChatCall(body) : parseCompletionCall(body);
    this.#checkModel(call.model);
    const engine = this.#ready();
    const id = `${api === "chat" ? "chatcmpl" : "cmpl"}-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1e3);
    const waitedMs = performance2.now() - arrived;
    if (call.stream) return this.#stream(engine, call, response, signal, { id, created, api, waitedMs });
    const outcome = await engine.generate(call.input, call.params, { signal });
    this.#metrics.generation(outcome, waitedMs);
    const choice = api === "chat" ? {
      index: 0,
      message: { role: "assistant", content: outcome.text },
      finish_reason: outcome.finishReason,
      logprobs: null
    } : { index: 0, text: outcome.text, finish_reason: outcome.finishReason, logprobs: null };
    return sendJson(response, 200, {
      id,
      object: api === "chat" ? "chat.completion" : "text_completion",
      created,
      model: this.modelId,
      choices: [choice],
      usage: usageOf(outcome),
      timings: outcome.timings
    });
  }
  async #stream(engine, call, response, signal, meta) {
    const object = meta.api === "chat" ? "chat.completion.chunk" : "text_completion";
    const head = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},"model":${JSON.stringify(this.modelId)},"choices":[`;
    const contentHead = meta.api === "chat" ? `${head}{"index":0,"delta":{"content":` : `${head}{"index":0,"text":`;
    const contentTail = meta.api === "chat" ? `},"finish_reason":null}]}

` : `,"finish_reason":null}]}

`;
    let started = false;
    const start = /* @__PURE__ */ __name(() => {
      if (started) return;
      started = true;
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      if (meta.api === "chat")
        response.write(`${head}{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

`);
    }, "start");
    const outcome = await engine.generate(call.input, call.params, {
      signal,
      onText: /* @__PURE__ */ __name((text) => {
        start();
        if (text !== "") response.write(contentHead + JSON.stringify(text) + contentTail);
      }, "onText")
    });
    this.#metrics.generation(outcome, meta.waitedMs);
    start();
    const finish = meta.api === "chat" ? { index: 0, delta: {}, finish_reason: outcome.finishReason } : { index: 0, text: "", finish_reason: outcome.finishReason };
    const base = { id: meta.id, object, created: meta.created, model: this.modelId };
    response.write(`data: ${JSON.stringify({ ...base, choices: [finish], timings: outcome.timings })}

`);
    if (call.includeUsage)
      response.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(outcome) })}

`);
    response.end("data: [DONE]\n\n");
    return 200;
  }
  async #exposition(response) {
    const { contentType, text } = await this.#metrics.render();
    response.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    response.end(text);
    return 200;
  }
  async #embeddings(request, response) {
    const call = parseEmbeddingCall(parseJsonBody(await readBody(request)));
    this.#checkModel(call.model);
    const { vectors, promptTokens } = await this.#ready().embed(call.inputs);
    const encode = call.encodingFormat === "base64" ? base64Floats : (vector) => vector;
    return sendJson(response, 200, {
      object: "list",
      model: this.modelId,
      data: vectors.map((vector, index) => ({ object: "embedding", index, embedding: encode(vector) })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens }
    });
  }
  async #tokenize(request, response) {
    const body = parseJsonBody(await readBody(request));
    if (typeof body.content !== "string") throw new ApiError(400, "'content' must be a string", { param: "content" });
    const options = { addSpecial: body.add_special === true, parseSpecial: body.parse_special === true };
    return sendJson(response, 200, { tokens: this.#ready().tokenize(body.content, options) });
  }
};
function base64Floats(vector) {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => {
    bytes.writeFloatLE(value, i * 4);
  });
  return bytes.toString("base64");
}
__name(base64Floats, "base64Floats");
function usageOf(outcome) {
  return {
    prompt_tokens: outcome.promptTokens,
    completion_tokens: outcome.completionTokens,
    total_tokens: outcome.promptTokens + outcome.completionTokens
  };
}
__name(usageOf, "usageOf");
function sendJson(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
  return status;
}
__name(sendJson, "sendJson");
async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`, { code: "body_too_large" });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
__name(readBody, "readBody");

// src/serve/serve.ts
async function startEmbeddedServer(options) {
  const server = await EmbeddedHttpServer.listen(options);
  const [loaded, checked] = await Promise.allSettled([Engine.load(options), options.check]);
  if (loaded.status === "rejected" || checked.status === "rejected") {
    await server.close(0);
    if (loaded.status === "fulfilled") await loaded.value.close();
    throw checked.status === "rejected" ? checked.reason : loaded.reason;
  }
  const engine = loaded.value;
  server.attach(engine);
  return {
    server,
    engine,
    async close(graceMs) {
      await server.close(graceMs);
      await engine.close();
    }
  };
}
__name(startEmbeddedServer, "startEmbeddedServer");
export {
  checkGguf,
  startEmbeddedServer
};
