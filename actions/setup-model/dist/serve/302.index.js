export const id = 302;
export const ids = [302];
export const modules = {

/***/ 921:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  checkGguf: () => (/* reexport */ checkGguf),
  startEmbeddedServer: () => (/* reexport */ startEmbeddedServer)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: ./src/core/errors.ts
var core_errors = __webpack_require__(296);
;// CONCATENATED MODULE: ./src/serve/gguf-check.ts


/** Every GGUF file starts with these four bytes. */
const GGUF_MAGIC = Buffer.from("GGUF", "latin1");
/** Fails with a message naming the file when it is missing or not a GGUF, before llama.cpp is loaded. */
async function checkGguf(path) {
    let head;
    try {
        const file = await (0,promises_.open)(path, "r");
        try {
            const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
            head = buffer.subarray(0, bytesRead);
        }
        finally {
            await file.close();
        }
    }
    catch (error) {
        throw new core_errors/* UsageError */.eb(`cannot read model file ${path}`, { cause: error });
    }
    if (!head.equals(GGUF_MAGIC)) {
        throw new core_errors/* UsageError */.eb(`${path} is not a GGUF file (it does not start with the bytes "GGUF")`);
    }
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
;// CONCATENATED MODULE: ./src/serve/api-error.ts

/**
 * A request the embedded server answers with an OpenAI-style error body and an HTTP status:
 * `{"error": {"message", "type", "param", "code"}}`, as OpenAI, llama.cpp's server and our client expect.
 */
class ApiError extends core_errors/* CortexError */.G1 {
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
}
/** 400 for a parameter that is missing or has the wrong shape; names the parameter. */
function invalidParam(param, message) {
    return new ApiError(400, message, { param, code: "invalid_value" });
}

;// CONCATENATED MODULE: ./src/serve/chat-history.ts
/**
 * OpenAI messages as node-llama-cpp's chat history, ending with the empty model turn the answer goes
 * into, so the chat wrapper renders the prompt up to where the model starts speaking.
 */
function chatHistory(messages) {
    const history = messages.map((message) => {
        if (message.role === "assistant")
            return { type: "model", response: [message.content] };
        return { type: message.role, text: message.content };
    });
    history.push({ type: "model", response: [] });
    return history;
}

;// CONCATENATED MODULE: ./src/serve/slot-pool.ts
/**
 * A fixed set of slots (context sequences) shared by requests in arrival order: a request takes a free
 * slot or waits for the next one released, so concurrent requests queue instead of failing.
 */
class SlotPool {
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
        const slot = this.#free.pop() ?? (await new Promise((resolve) => this.#waiting.push(resolve)));
        try {
            return await work(slot);
        }
        finally {
            const next = this.#waiting.shift();
            if (next)
                next(slot);
            else
                this.#free.push(slot);
        }
    }
}

;// CONCATENATED MODULE: ./src/serve/stop-matcher.ts
/**
 * OpenAI `stop` sequences, matched on the generated text as it streams. node-llama-cpp's own stop triggers
 * compare each token's text detokenized alone, which drops the leading space of SentencePiece pieces, so
 * a stop like " four" never matches there. Text that could still become a stop sequence is held back
 * until the next piece decides, so nothing past a stop is ever sent.
 */
class StopMatcher {
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
        if (this.#stopped)
            return "";
        if (this.#stops.length === 0)
            return text;
        const pending = this.#held + text;
        let cut = -1;
        for (const stop of this.#stops) {
            const at = pending.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut))
                cut = at;
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
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
;// CONCATENATED MODULE: ./src/serve/threads.ts


async function readText(path) {
    try {
        return (await (0,promises_.readFile)(path, "utf8")).trim();
    }
    catch {
        return undefined;
    }
}
/** CPUs allowed by the cgroup (v2 `cpu.max`, else v1 `cpu.cfs_quota_us`); undefined when unlimited or unknown. */
async function cgroupCpuQuota(root = "/sys/fs/cgroup") {
    const max = await readText(`${root}/cpu.max`);
    if (max !== undefined) {
        const [quota, period] = max.split(/\s+/);
        if (quota === undefined || quota === "max")
            return undefined;
        const value = Number(quota) / Number(period ?? 100_000);
        return Number.isFinite(value) && value > 0 ? value : undefined;
    }
    const quota = Number(await readText(`${root}/cpu/cpu.cfs_quota_us`));
    const period = Number(await readText(`${root}/cpu/cpu.cfs_period_us`));
    if (!Number.isFinite(quota) || quota <= 0 || !Number.isFinite(period) || period <= 0)
        return undefined;
    return quota / period;
}
async function cpuBudget() {
    const parallelism = (0,external_node_os_.availableParallelism)();
    const cgroupQuota = await cgroupCpuQuota();
    // A fractional quota is rounded down: a thread that only gets part of a core stalls all the others.
    const cores = Math.max(1, Math.floor(Math.min(parallelism, cgroupQuota ?? Number.POSITIVE_INFINITY)));
    return cgroupQuota === undefined
        ? { availableParallelism: parallelism, cores }
        : { availableParallelism: parallelism, cgroupQuota, cores };
}
/** 1, 2, 4, ... up to the usable cores, and the core count itself. */
function threadCandidates(cores) {
    const candidates = [];
    for (let threads = 1; threads < cores; threads *= 2)
        candidates.push(threads);
    candidates.push(Math.max(1, cores));
    return candidates;
}
/** More threads must beat fewer by this factor to be chosen: noise should not buy contention. */
const MORE_THREADS_MARGIN = 1.1;
/** The fastest candidate, where a larger count wins only by a clear margin over the best smaller one. */
function chooseThreads(trials) {
    const ordered = [...trials].sort((a, b) => a.threads - b.threads);
    let best = ordered[0];
    if (!best)
        throw new Error("chooseThreads needs at least one trial");
    for (const trial of ordered.slice(1)) {
        if (trial.tokensPerSecond > best.tokensPerSecond * MORE_THREADS_MARGIN)
            best = trial;
    }
    return best.threads;
}

;// CONCATENATED MODULE: ./src/serve/engine.ts







const DEFAULT_CONTEXT_SIZE = 4096;
/** Tokens decoded per thread-count candidate, and the time after which a candidate's trial stops early. */
const TRIAL_TOKENS = 24;
const TRIAL_BUDGET_MS = 400;
const TRIAL_ROUNDS = 2;
/** The model could not be loaded or used; names the file. */
class EngineError extends core_errors/* CortexError */.G1 {
}
class Engine {
    facts;
    threads;
    contextSize;
    parallel;
    #llama;
    #model;
    #context;
    #slots;
    #chatWrapper;
    #grammars = new Map();
    #embedding;
    #embedQueue = Promise.resolve();
    constructor(parts) {
        this.#llama = parts.llama;
        this.#model = parts.model;
        this.#context = parts.context;
        this.#slots = new SlotPool(parts.slots);
        this.#chatWrapper = parts.chatWrapper;
        this.facts = parts.facts;
        this.threads = parts.threads;
        this.contextSize = parts.context.contextSize;
        this.parallel = parts.slots.length;
    }
    static async load(options) {
        const log = options.log ?? (() => undefined);
        let lib;
        try {
            lib = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 162));
        }
        catch (error) {
            throw new EngineError("node-llama-cpp is not installed; install node-llama-cpp@3.21.1 to serve models", {
                cause: error,
            });
        }
        const budget = await cpuBudget();
        // llama.cpp says why a load failed only in its log; node-llama-cpp's error is a bare "Failed to load model".
        const errors = [];
        const llama = await lib.getLlama({
            gpu: options.gpu ?? false,
            build: "never",
            // The splitter caps any context's threads; let an explicit count above the core count through.
            maxThreads: Math.max(budget.cores, options.threads ?? 0, 1),
            logLevel: lib.LlamaLogLevel.warn,
            logger: (level, message) => {
                const text = message.trim();
                if (!text)
                    return;
                log(`llama.cpp ${level}: ${text}`);
                if (level === lib.LlamaLogLevel.error)
                    errors.push(text);
            },
        });
        let model;
        try {
            model = await llama.loadModel({ modelPath: options.modelPath });
        }
        catch (error) {
            await llama.dispose();
            throw new EngineError(`cannot load model ${options.modelPath}: ${loadFailure(errors) ?? error.message}`, {
                cause: error,
            });
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
            const chatWrapper = typeof template === "string" && template !== ""
                ? new lib.JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer })
                : lib.resolveChatWrapper(model);
            const facts = {
                path: options.modelPath,
                architecture: String(model.fileInfo.metadata.general?.architecture ?? "unknown"),
                sizeBytes: model.size,
                trainContextSize: model.trainContextSize,
                embeddingSize: model.embeddingVectorSize,
                vocabularySize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0,
                chatTemplate: typeof template === "string" && template !== "" ? "gguf" : "builtin",
            };
            return new Engine({ llama, model, context, slots, chatWrapper, facts, threads });
        }
        catch (error) {
            await model.dispose();
            await llama.dispose();
            if (error instanceof core_errors/* CortexError */.G1)
                throw error;
            throw new EngineError(`cannot prepare model ${options.modelPath}: ${error.message}`, { cause: error });
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
        // LlamaCompletion prepends BOS itself when the model wants one; a template that wrote it must not double it.
        const prependsBos = bos !== null && this.#model.tokens.shouldPrependBosToken;
        const body = prependsBos && tokens[0] === bos ? tokens.slice(1) : tokens;
        const promptTokens = body.length + (prependsBos ? 1 : 0);
        if (promptTokens >= this.contextSize) {
            throw new ApiError(400, `the prompt has ${promptTokens} tokens, which leaves no room in the context of ${this.contextSize} tokens`, { code: "context_length_exceeded", param: input.kind === "chat" ? "messages" : "prompt" });
        }
        const grammar = await this.#grammar(params);
        return this.#slots.use(async ({ sequence, completion }) => {
            const cached = prependsBos ? [bos, ...body] : body;
            const cacheN = Math.min(commonPrefixLength(sequence.contextTokens, cached), cached.length - 1);
            const stops = new StopMatcher(params.stop);
            // Ends the generation at a matched stop sequence; the caller's signal ends it when the client leaves.
            const stopped = new AbortController();
            const signal = events.signal ? AbortSignal.any([events.signal, stopped.signal]) : stopped.signal;
            const parts = [];
            const emit = (text) => {
                if (text === "")
                    return;
                parts.push(text);
                events.onText?.(text);
            };
            const startedAt = external_node_perf_hooks_.performance.now();
            let firstTokenAt;
            let lastTokenAt = startedAt;
            let generated = 0;
            const result = await completion.generateCompletionWithMeta(body, {
                onToken: (tokens) => {
                    lastTokenAt = external_node_perf_hooks_.performance.now();
                    firstTokenAt ??= lastTokenAt;
                    generated += tokens.length;
                },
                onTextChunk: (text) => {
                    emit(stops.push(text));
                    if (stops.stopped)
                        stopped.abort();
                },
                signal,
                stopOnAbortSignal: true,
                maxTokens: params.maxTokens ?? this.contextSize - promptTokens,
                // Stop at a full context (finish_reason "length") instead of shifting it and running on forever.
                disableContextShift: true,
                temperature: params.temperature,
                topP: params.topP,
                seed: params.seed,
                repeatPenalty: params.frequencyPenalty || params.presencePenalty
                    ? { frequencyPenalty: params.frequencyPenalty, presencePenalty: params.presencePenalty }
                    : false,
                grammar,
                customStopTriggers: stopTriggers,
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
                timings: {
                    prompt_n: promptN,
                    prompt_ms: promptMs,
                    prompt_per_token_ms: promptN > 0 ? promptMs / promptN : 0,
                    prompt_per_second: promptMs > 0 ? (promptN * 1000) / promptMs : 0,
                    predicted_n: generated,
                    predicted_ms: predictedMs,
                    predicted_per_token_ms: generated > 0 ? predictedMs / generated : 0,
                    predicted_per_second: predictedMs > 0 ? (generated * 1000) / predictedMs : 0,
                    cache_n: cacheN,
                },
            };
        });
    }
    async embed(texts) {
        this.#embedding ??= this.#model.createEmbeddingContext({
            contextSize: Math.min(this.contextSize, this.#model.trainContextSize),
            threads: this.threads.threads,
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
        this.#embedQueue = run.catch(() => undefined);
        return run;
    }
    /** Slots free now, and requests waiting for one. */
    get load() {
        return { idle: this.#slots.idle, queued: this.#slots.queued };
    }
    async close() {
        if (this.#embedding)
            await (await this.#embedding).dispose();
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
            stopTriggers: state.stopGenerationTriggers,
        };
    }
    async #grammar(params) {
        const format = params.responseFormat;
        if (format.type === "text")
            return undefined;
        const key = format.type === "json_schema" ? JSON.stringify(format.schema) : "json";
        let grammar = this.#grammars.get(key);
        if (!grammar) {
            grammar =
                format.type === "json_schema"
                    ? this.#llama.createGrammarForJsonSchema(format.schema)
                    : this.#llama.getGrammarFor("json");
            this.#grammars.set(key, grammar);
            grammar.catch(() => this.#grammars.delete(key));
        }
        try {
            return await grammar;
        }
        catch (error) {
            throw new ApiError(400, `the JSON schema in response_format cannot be turned into a grammar: ${error.message}`, {
                param: "response_format",
                code: "invalid_schema",
                cause: error,
            });
        }
    }
}
function commonPrefixLength(a, b) {
    const length = Math.min(a.length, b.length);
    let i = 0;
    while (i < length && a[i] === b[i])
        i++;
    return i;
}
async function resolveThreads(model, budget, requested, log) {
    if (requested !== undefined)
        return { threads: requested, source: "option", budget, trials: [] };
    const candidates = threadCandidates(budget.cores);
    if (candidates.length === 1)
        return { threads: 1, source: "single core", budget, trials: [] };
    const best = new Map();
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
    log(`threads: ${threads} (measured ${trials.map((t) => `${t.threads}: ${t.tokensPerSecond.toFixed(1)} tok/s`).join(", ")}; ${budget.cores} usable cores)`);
    return { threads, source: "trial", budget, trials };
}
/** Greedy decode rate with `threads`, in tokens per second, from a fresh small context. */
async function decodeRate(model, threads) {
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads });
    try {
        const sequence = context.getSequence();
        const start = model.tokens.bos ?? 0;
        let decoded = 0;
        let firstAt = 0;
        let lastAt = 0;
        // The first token also pays for the prompt; the rate is measured over the ones after it.
        for await (const _token of sequence.evaluate([start], { temperature: 0, yieldEogToken: true })) {
            lastAt = external_node_perf_hooks_.performance.now();
            if (decoded === 0)
                firstAt = lastAt;
            decoded++;
            if (decoded > TRIAL_TOKENS || lastAt - firstAt > TRIAL_BUDGET_MS)
                break;
        }
        return decoded > 1 && lastAt > firstAt ? ((decoded - 1) * 1000) / (lastAt - firstAt) : 0;
    }
    finally {
        await context.dispose();
    }
}
/** llama.cpp's own reason from its error lines ("llama_model_load: error loading model: <reason>"). */
function loadFailure(errors) {
    const line = errors.find((text) => text.includes("error loading model: "));
    return line?.slice(line.indexOf("error loading model: ") + "error loading model: ".length);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(67);
;// CONCATENATED MODULE: ./src/serve/openai-request.ts

/**
 * Sampling a request leaves unset follows llama.cpp's server (temperature 0.8; node-llama-cpp's top-k 40
 * and top-p 0.95 match it), the backend this one stands in for.
 */
const DEFAULT_TEMPERATURE = 0.8;
function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
function parseJsonBody(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        throw new ApiError(400, `the request body is not valid JSON: ${error.message}`, {
            code: "invalid_json",
            cause: error,
        });
    }
    if (!isObject(value))
        throw new ApiError(400, "the request body must be a JSON object", { code: "invalid_json" });
    return value;
}
function requiredModel(body) {
    const model = body.model;
    if (model === undefined)
        throw invalidParam("model", "you must provide a model parameter");
    if (typeof model !== "string" || model === "")
        throw invalidParam("model", "'model' must be a non-empty string");
    return model;
}
function optionalNumber(body, name, min, max, integer = false) {
    const value = body[name];
    if (value === undefined || value === null)
        return undefined;
    if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        throw invalidParam(name, `'${name}' must be ${integer ? "an integer" : "a number"}`);
    }
    if (value < min || value > max)
        throw invalidParam(name, `'${name}' must be between ${min} and ${max}`);
    return value;
}
function optionalBoolean(body, name, param = name) {
    const value = body[name];
    if (value === undefined || value === null)
        return undefined;
    if (typeof value !== "boolean")
        throw invalidParam(param, `'${param}' must be a boolean`);
    return value;
}
function stopSequences(body) {
    const stop = body.stop;
    if (stop === undefined || stop === null)
        return [];
    if (typeof stop === "string")
        return stop === "" ? [] : [stop];
    if (Array.isArray(stop) && stop.every((item) => typeof item === "string"))
        return stop.filter((item) => item !== "");
    throw invalidParam("stop", "'stop' must be a string or an array of strings");
}
function responseFormat(body) {
    const format = body.response_format;
    if (format === undefined || format === null)
        return { type: "text" };
    if (!isObject(format))
        throw invalidParam("response_format", "'response_format' must be an object");
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
                throw invalidParam("response_format.json_schema.schema", "'response_format.json_schema.schema' must be an object");
            }
            return { type: "json_schema", schema };
        }
        default:
            throw invalidParam("response_format.type", "'response_format.type' must be one of 'text', 'json_object', 'json_schema'");
    }
}
function streamSettings(body) {
    const stream = optionalBoolean(body, "stream") ?? false;
    const options = body.stream_options;
    if (options === undefined || options === null)
        return { stream, includeUsage: false };
    if (!isObject(options))
        throw invalidParam("stream_options", "'stream_options' must be an object");
    if (!stream)
        throw invalidParam("stream_options", "'stream_options' is only allowed when 'stream' is true");
    return { stream, includeUsage: optionalBoolean(options, "include_usage", "stream_options.include_usage") ?? false };
}
function sampling(body) {
    if (body.n !== undefined && body.n !== null && body.n !== 1) {
        throw invalidParam("n", "'n' must be 1: this server generates one choice per request");
    }
    const maxTokens = optionalNumber(body, "max_completion_tokens", 1, Number.MAX_SAFE_INTEGER, true) ??
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
    };
}
const ROLES = { system: "system", developer: "system", user: "user", assistant: "assistant" };
/** Message content: a string, or an array of `{type: "text", text}` parts joined together. */
function messageContent(value, index) {
    if (typeof value === "string")
        return value;
    if (value === null || value === undefined)
        return "";
    if (Array.isArray(value)) {
        return value
            .map((part, partIndex) => {
            if (isObject(part) && part.type === "text" && typeof part.text === "string")
                return part.text;
            throw invalidParam(`messages[${index}].content[${partIndex}]`, `messages[${index}].content[${partIndex}] must be a text part; this server only reads text`);
        })
            .join("");
    }
    throw invalidParam(`messages[${index}].content`, `messages[${index}].content must be a string or an array of text parts`);
}
function parseChatCall(body) {
    const model = requiredModel(body);
    const messages = body.messages;
    if (messages === undefined)
        throw invalidParam("messages", "you must provide a messages parameter");
    if (!Array.isArray(messages) || messages.length === 0) {
        throw invalidParam("messages", "'messages' must be a non-empty array");
    }
    const turns = messages.map((message, index) => {
        if (!isObject(message))
            throw invalidParam(`messages[${index}]`, `messages[${index}] must be an object`);
        const role = typeof message.role === "string" ? ROLES[message.role] : undefined;
        if (!role) {
            throw invalidParam(`messages[${index}].role`, `messages[${index}].role must be one of 'system', 'developer', 'user', 'assistant'`);
        }
        return { role, content: messageContent(message.content, index) };
    });
    return { model, ...streamSettings(body), input: { kind: "chat", messages: turns }, params: sampling(body) };
}
function parseCompletionCall(body) {
    const model = requiredModel(body);
    let prompt = body.prompt;
    if (prompt === undefined)
        throw invalidParam("prompt", "you must provide a prompt parameter");
    if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string")
        prompt = prompt[0];
    if (typeof prompt !== "string") {
        throw invalidParam("prompt", "'prompt' must be a string (or an array holding one string)");
    }
    return { model, ...streamSettings(body), input: { kind: "completions", prompt }, params: sampling(body) };
}
function parseEmbeddingCall(body) {
    const model = requiredModel(body);
    const input = body.input;
    if (input === undefined)
        throw invalidParam("input", "you must provide an input parameter");
    if (typeof input === "string")
        return { model, inputs: [input] };
    if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")) {
        return { model, inputs: input };
    }
    throw invalidParam("input", "'input' must be a string or a non-empty array of strings");
}

;// CONCATENATED MODULE: ./src/serve/http-server.ts






/**
 * The OpenAI-compatible HTTP face of the engine, on node:http. It listens before the model is loaded so
 * `/health` can say "loading" (503) to whoever waits for it, then serves once an engine is attached.
 * Every failure is answered with an OpenAI-style error body; no request can take the server down.
 */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
class EmbeddedHttpServer {
    modelId;
    #server;
    #log;
    #inFlight = new Set();
    #routes;
    #engine;
    #created = Math.floor(Date.now() / 1000);
    constructor(server, options) {
        this.#server = server;
        this.modelId = options.modelId;
        this.#log = options.log ?? (() => undefined);
        this.#routes = {
            "/health": { method: "GET", handler: (_q, r) => this.#health(r) },
            "/v1/models": { method: "GET", handler: (_q, r) => this.#models(r) },
            "/v1/chat/completions": { method: "POST", handler: (q, r, s) => this.#generate(q, r, s, "chat") },
            "/v1/completions": { method: "POST", handler: (q, r, s) => this.#generate(q, r, s, "completions") },
            "/v1/embeddings": { method: "POST", handler: (q, r) => this.#embeddings(q, r) },
            // llama.cpp's server names this route so; tests and benchmarks count tokens with it.
            "/tokenize": { method: "POST", handler: (q, r) => this.#tokenize(q, r) },
        };
    }
    static async listen(options) {
        const server = (0,external_node_http_.createServer)({ keepAliveTimeout: 30_000 });
        const embedded = new EmbeddedHttpServer(server, options);
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
        }
        catch (error) {
            const code = error.code;
            const reason = code === "EADDRINUSE" ? "the address is already in use" : (0,core_errors/* describeError */.Uc)(error);
            throw new core_errors/* CortexError */.G1(`cannot listen on ${options.host}:${options.port}: ${reason}`, { cause: error });
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
    }
    /**
     * Stops taking connections, lets requests in flight finish for up to `graceMs`, then aborts them
     * (a stream ends with its finish chunk) and closes what is left.
     */
    async close(graceMs = 5000) {
        const closed = new Promise((resolve) => this.#server.close(() => resolve()));
        this.#server.closeIdleConnections();
        const deadline = Date.now() + graceMs;
        while (this.#inFlight.size > 0 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
        for (const controller of this.#inFlight)
            controller.abort();
        const settled = Date.now() + 2000;
        while (this.#inFlight.size > 0 && Date.now() < settled)
            await new Promise((r) => setTimeout(r, 20));
        this.#server.closeAllConnections();
        await closed;
    }
    async #handle(request, response) {
        const started = external_node_perf_hooks_.performance.now();
        const controller = new AbortController();
        // A client that goes away stops its generation rather than leaving it to run to max_tokens.
        response.once("close", () => {
            if (!response.writableFinished)
                controller.abort();
        });
        this.#inFlight.add(controller);
        const path = (request.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
        let status = 500;
        try {
            const route = this.#routes[path];
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
            status = await route.handler(request, response, controller.signal);
        }
        catch (error) {
            status = this.#fail(response, error);
        }
        finally {
            this.#inFlight.delete(controller);
            const gone = controller.signal.aborted ? " (aborted: client gone or shutting down)" : "";
            this.#log(`${request.method} ${path} ${status} ${(external_node_perf_hooks_.performance.now() - started).toFixed(0)} ms${gone}`);
        }
    }
    #fail(response, error) {
        const apiError = error instanceof ApiError
            ? error
            : new ApiError(500, `internal error: ${(0,core_errors/* describeError */.Uc)(error)}`, { cause: error });
        if (apiError.status >= 500)
            this.#log(`error: ${(0,core_errors/* describeError */.Uc)(error)}`);
        if (response.headersSent) {
            // Mid-stream: the status is gone, so the error travels as an event, as llama.cpp's server does.
            if (!response.writableEnded)
                response.end(`data: ${JSON.stringify(apiError.toBody())}\n\n`);
            return response.statusCode;
        }
        sendJson(response, apiError.status, apiError.toBody());
        return apiError.status;
    }
    #ready() {
        if (!this.#engine)
            throw new ApiError(503, "the model is still loading", { code: "model_loading" });
        return this.#engine;
    }
    #checkModel(model) {
        if (model !== this.modelId) {
            throw new ApiError(404, `the model '${model}' does not exist; this server serves '${this.modelId}'`, {
                param: "model",
                code: "model_not_found",
            });
        }
    }
    async #health(response) {
        const engine = this.#engine;
        if (!engine)
            return sendJson(response, 503, { status: "loading", model: this.modelId });
        return sendJson(response, 200, {
            status: "ok",
            model: this.modelId,
            threads: engine.threads.threads,
            slots_idle: engine.load.idle,
            slots_queued: engine.load.queued,
        });
    }
    async #models(response) {
        const engine = this.#ready();
        const { facts, threads } = engine;
        return sendJson(response, 200, {
            object: "list",
            data: [
                {
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
                        threads: threads.threads,
                        threads_source: threads.source,
                        threads_trials: threads.trials.map((t) => ({ threads: t.threads, tokens_per_second: t.tokensPerSecond })),
                        cpu_cores: threads.budget.cores,
                        cpu_available_parallelism: threads.budget.availableParallelism,
                        cpu_cgroup_quota: threads.budget.cgroupQuota ?? null,
                    },
                },
            ],
        });
    }
    async #generate(request, response, signal, api) {
        const body = parseJsonBody(await readBody(request));
        const call = api === "chat" ? parseChatCall(body) : parseCompletionCall(body);
        this.#checkModel(call.model);
        const engine = this.#ready();
        const id = `${api === "chat" ? "chatcmpl" : "cmpl"}-${(0,external_node_crypto_.randomUUID)()}`;
        const created = Math.floor(Date.now() / 1000);
        if (call.stream)
            return this.#stream(engine, call, response, signal, { id, created, api });
        const outcome = await engine.generate(call.input, call.params, { signal });
        const choice = api === "chat"
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
    async #stream(engine, call, response, signal, meta) {
        const object = meta.api === "chat" ? "chat.completion.chunk" : "text_completion";
        const head = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},"model":${JSON.stringify(this.modelId)},"choices":[`;
        // Each token's event is this prefix, the JSON string of its text, and this suffix: no object per token.
        const contentHead = meta.api === "chat" ? `${head}{"index":0,"delta":{"content":` : `${head}{"index":0,"text":`;
        const contentTail = meta.api === "chat" ? `},"finish_reason":null}]}\n\n` : `,"finish_reason":null}]}\n\n`;
        let started = false;
        const start = () => {
            if (started)
                return;
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
                if (text !== "")
                    response.write(contentHead + JSON.stringify(text) + contentTail);
            },
        });
        start();
        const finish = meta.api === "chat"
            ? { index: 0, delta: {}, finish_reason: outcome.finishReason }
            : { index: 0, text: "", finish_reason: outcome.finishReason };
        const base = { id: meta.id, object, created: meta.created, model: this.modelId };
        response.write(`data: ${JSON.stringify({ ...base, choices: [finish], timings: outcome.timings })}\n\n`);
        if (call.includeUsage)
            response.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(outcome) })}\n\n`);
        response.end("data: [DONE]\n\n");
        return 200;
    }
    async #embeddings(request, response) {
        const call = parseEmbeddingCall(parseJsonBody(await readBody(request)));
        this.#checkModel(call.model);
        const { vectors, promptTokens } = await this.#ready().embed(call.inputs);
        return sendJson(response, 200, {
            object: "list",
            model: this.modelId,
            data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
            usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        });
    }
    async #tokenize(request, response) {
        const body = parseJsonBody(await readBody(request));
        if (typeof body.content !== "string")
            throw new ApiError(400, "'content' must be a string", { param: "content" });
        const options = { addSpecial: body.add_special === true, parseSpecial: body.parse_special === true };
        return sendJson(response, 200, { tokens: this.#ready().tokenize(body.content, options) });
    }
}
function usageOf(outcome) {
    return {
        prompt_tokens: outcome.promptTokens,
        completion_tokens: outcome.completionTokens,
        total_tokens: outcome.promptTokens + outcome.completionTokens,
    };
}
function sendJson(response, status, body) {
    const text = JSON.stringify(body);
    response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
    return status;
}
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

;// CONCATENATED MODULE: ./src/serve/serve.ts


/**
 * Listens first (so `/health` answers "loading" while the model loads), then loads the model and starts
 * serving. A model that fails to load closes the listener again before the error surfaces.
 */
async function startEmbeddedServer(options) {
    const server = await EmbeddedHttpServer.listen(options);
    let engine;
    try {
        engine = await Engine.load(options);
    }
    catch (error) {
        await server.close(0);
        throw error;
    }
    server.attach(engine);
    return {
        server,
        engine,
        async close(graceMs) {
            await server.close(graceMs);
            await engine.close();
        },
    };
}

;// CONCATENATED MODULE: ./src/serve/index.ts




/***/ })

};
