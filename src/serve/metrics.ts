import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { GenerationOutcome } from "./engine.js";

/**
 * What `GET /metrics` exposes, in the Prometheus text format. Metrics that mean what a llama.cpp server's
 * `--metrics` means carry its names, so dashboards built for llama.cpp read this server unchanged; the rest
 * follow Prometheus naming (unit in the name, `_total` on counters). The registry is this server's own:
 * nothing global, so two servers in one process (tests) never mix their figures.
 */

/** Where the engine's live figures come from once a model is loaded; absent while it loads. */
export interface SlotSource {
  readonly parallel: number;
  readonly load: { readonly idle: number; readonly queued: number };
}

/** How a request ended, as the `outcome` label says it. */
export type RequestOutcome = "success" | "client_error" | "server_error" | "cancelled";

const SECONDS = 1000;
const GENERATION_ROUTES = new Set(["/v1/chat/completions", "/v1/completions"]);

// Generation on CPU runs from milliseconds (a cached prompt) to minutes (a long answer on a big model).
const TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TPOT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class ServerMetrics {
  readonly registry = new Registry();
  #slots: SlotSource | undefined;
  #inFlight = 0;
  readonly #promptTokens: Counter;
  readonly #predictedTokens: Counter;
  readonly #promptSeconds: Counter;
  readonly #predictedSeconds: Counter;
  readonly #requests: Counter<"route" | "outcome">;
  readonly #ttft: Histogram;
  readonly #tpot: Histogram;
  readonly #latency: Histogram;

  constructor() {
    const registers = [this.registry];
    this.#promptTokens = new Counter({
      name: "llamacpp:prompt_tokens_total",
      help: "Number of prompt tokens processed (tokens served from a slot's cache are not counted).",
      registers,
    });
    this.#predictedTokens = new Counter({
      name: "llamacpp:tokens_predicted_total",
      help: "Number of generation tokens processed.",
      registers,
    });
    this.#promptSeconds = new Counter({
      name: "llamacpp:prompt_seconds_total",
      help: "Prompt process time.",
      registers,
    });
    this.#predictedSeconds = new Counter({
      name: "llamacpp:tokens_predicted_seconds_total",
      help: "Predict process time.",
      registers,
    });
    const rate = (tokens: Counter, seconds: Counter) => async () => {
      const [t, s] = await Promise.all([tokens.get(), seconds.get()]);
      const total = (m: typeof t) => m.values.reduce((sum, v) => sum + v.value, 0);
      return total(s) > 0 ? total(t) / total(s) : 0;
    };
    const promptRate = rate(this.#promptTokens, this.#promptSeconds);
    const predictedRate = rate(this.#predictedTokens, this.#predictedSeconds);
    new Gauge({
      name: "llamacpp:prompt_tokens_seconds",
      help: "Average prompt throughput in tokens/s.",
      registers,
      async collect() {
        this.set(await promptRate());
      },
    });
    new Gauge({
      name: "llamacpp:predicted_tokens_seconds",
      help: "Average generation throughput in tokens/s.",
      registers,
      async collect() {
        this.set(await predictedRate());
      },
    });
    const slots = () => this.#slots;
    new Gauge({
      name: "llamacpp:requests_processing",
      help: "Number of requests processing (slots busy).",
      registers,
      collect() {
        const source = slots();
        this.set(source ? source.parallel - source.load.idle : 0);
      },
    });
    new Gauge({
      name: "llamacpp:requests_deferred",
      help: "Number of requests deferred (waiting for a slot).",
      registers,
      collect() {
        this.set(slots()?.load.queued ?? 0);
      },
    });
    new Gauge({
      name: "cortex_serve_slots",
      help: "Slots (requests generated at the same time) of the loaded model; 0 while it loads.",
      registers,
      collect() {
        this.set(slots()?.parallel ?? 0);
      },
    });
    const inFlight = () => this.#inFlight;
    new Gauge({
      name: "cortex_serve_requests_in_flight",
      help: "HTTP requests received and not yet answered, /metrics itself excluded.",
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    this.#requests = new Counter({
      name: "cortex_serve_requests_total",
      help: "HTTP requests answered, by route and outcome (success, client_error, server_error, cancelled).",
      labelNames: ["route", "outcome"],
      registers,
    });
    this.#ttft = new Histogram({
      name: "cortex_serve_time_to_first_token_seconds",
      help: "From a generation request's arrival to its first generated token, queueing for a slot included.",
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.#tpot = new Histogram({
      name: "cortex_serve_time_per_output_token_seconds",
      help: "Time per output token after the first: (last token - first token) / (tokens - 1).",
      buckets: TPOT_BUCKETS,
      registers,
    });
    this.#latency = new Histogram({
      name: "cortex_serve_request_duration_seconds",
      help: "From a generation request's arrival to the end of its answer (chat and completions, failures included).",
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  attach(slots: SlotSource): void {
    this.#slots = slots;
  }

  requestStarted(): void {
    this.#inFlight++;
  }

  requestEnded(route: string, outcome: RequestOutcome, seconds: number): void {
    this.#inFlight--;
    this.#requests.inc({ route, outcome });
    if (GENERATION_ROUTES.has(route)) this.#latency.observe(seconds);
  }

  /** One finished generation; `waitedMs` is the time from the request's arrival to the engine's start. */
  generation(outcome: GenerationOutcome, waitedMs: number): void {
    const { timings } = outcome;
    this.#promptTokens.inc(timings.prompt_n);
    this.#predictedTokens.inc(timings.predicted_n);
    this.#promptSeconds.inc(timings.prompt_ms / SECONDS);
    this.#predictedSeconds.inc(timings.predicted_ms / SECONDS);
    if (timings.predicted_n > 0) this.#ttft.observe((waitedMs + outcome.queuedMs + timings.prompt_ms) / SECONDS);
    if (timings.predicted_n > 1) this.#tpot.observe(timings.predicted_ms / (timings.predicted_n - 1) / SECONDS);
  }

  /** The exposition and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}

/** The `outcome` label for an answered status, or a request whose client went away first. */
export function outcomeOf(status: number, aborted: boolean): RequestOutcome {
  if (aborted) return "cancelled";
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  return "success";
}
