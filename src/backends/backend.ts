import type { Device } from "../core/device.js";
import { CortexError } from "../core/errors.js";
import type { Reference } from "../core/ref.js";
import { type FilesView, filesViewDir, writeFilesView } from "../pull/files-view.js";
import type { PullResult } from "../pull/pull.js";
import type { ModelStore } from "../store/model-store.js";
import type { ServeEntry } from "./embedded-runtime.js";

/**
 * One interface for every program that serves a model over an OpenAI-compatible API on a runner.
 *
 * Life cycle, each step a separate call so the caller can time them and fall back between backends:
 *   probe()  what is already here, without side effects (feeds the pure selection in select.ts);
 *   prepare() installs what is missing (idempotent; a tool cache makes the second call cheap);
 *   start()  launches the server (or reaches the running one) and hands it the model from our store;
 *   ready()  on the started backend: waits until the model is loaded and answers, within a timeout;
 *   stop()   ends it: no process may be left behind (process group, SIGTERM, then SIGKILL).
 *
 * stop() takes a serialisable handle instead of living on the started object because the action's post step
 * is another process: it only has what the main step saved in GITHUB_STATE.
 */

export const BACKEND_NAMES = ["embedded", "ollama", "docker", "llama-server", "openai"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/** The `gpu` input: none = CPU only; auto = use one when present; cuda = require a CUDA build. */
export const GPU_MODES = ["none", "auto", "cuda"] as const;
export type GpuMode = (typeof GPU_MODES)[number];

/**
 * What probe() finds. `running`: serving already (an existing daemon, a configured endpoint); `installed`:
 * the program is here; `installable`: prepare() can fetch it on this OS/arch; `unavailable`: it cannot run here.
 */
export type Availability = "running" | "installed" | "installable" | "unavailable";

export interface Probe {
  readonly availability: Availability;
  /** Why, in a few words, for the selection's one log line ("docker model version failed", ...). */
  readonly detail: string;
}

/** Everything a backend may need from its surroundings; none of it is GitHub-specific. */
export interface BackendContext {
  /** Where downloaded tools are cached between runs (the runner's tool cache in Actions). */
  readonly toolDir: string;
  /** This run's scratch directory: logs, ready files, store views. Kept until the post step. */
  readonly workDir: string;
  /** Environment for child processes and for reading settings. */
  readonly env: NodeJS.ProcessEnv;
  /** Progress lines for a person. */
  readonly log: (line: string) => void;
  /** What the person should look into (the action makes it a warning annotation); `log` when absent. */
  readonly warn?: (line: string) => void;
  /**
   * How long a server started for this run may live. "caller": no longer than this process; a watchdog stops
   * its process group once this process is gone, even killed by SIGKILL (a foreground command). "detached":
   * until stopped through its handle, so it outlives this process (the action's main step; the post step
   * stops it).
   */
  readonly lifetime: BackendLifetime;
  /**
   * workDir was made for this run alone (a temporary directory): with the "caller" lifetime, the watchdog that
   * stops the server once this process is gone removes it too, so a SIGKILL leaves nothing behind.
   */
  readonly ownsWorkDir?: boolean;
}

export type BackendLifetime = "caller" | "detached";

/** Settings shared by every backend; each uses what applies to it and ignores the rest. */
export interface BackendSettings {
  /** Backend version to install (an Ollama release, a llama.cpp build tag, a node-llama-cpp version). */
  readonly version?: string;
  readonly gpu: GpuMode;
  /** Port to listen on; 0 picks a free one. Backends with a fixed port (docker) ignore it. */
  readonly port: number;
  /** Tokens of context per request; undefined = the backend's default. */
  readonly contextSize?: number;
  /** CPU threads; undefined = chosen by the backend (embedded measures it). */
  readonly threads?: number;
  /** How long ready() waits for the model to load and answer. */
  readonly readyTimeoutMs: number;
}

/** A model pulled and verified in our store, as backends that serve files receive it. */
export interface StoreModel {
  readonly kind: "store";
  readonly store: ModelStore;
  /** The reference pinned to the pulled digest. */
  readonly reference: Reference & { readonly digest: string };
  readonly pulled: PullResult;
  /** The name clients send as "model", unless the backend imposes its own (ready() reports the one to use). */
  readonly modelId: string;
}

/** A model an existing endpoint already serves (openai): nothing is pulled, only its name is known. */
export interface EndpointModel {
  readonly kind: "endpoint";
  readonly modelId: string;
}

export type ModelRequest = StoreModel | EndpointModel;

/** The store model a file-serving backend needs; a BackendError when it was handed only a name. */
export function requireStoreModel(backend: BackendName, model: ModelRequest): StoreModel {
  if (model.kind !== "store") {
    throw new BackendError(backend, `needs a model pulled into the store, got only the name "${model.modelId}"`);
  }
  return model;
}

/** The model's files under this run's work directory, at the paths its artifact names them (shards, mmproj). */
export function storeModelFiles(model: StoreModel, context: Pick<BackendContext, "workDir">): Promise<FilesView> {
  return writeFilesView({ store: model.store, pulled: model.pulled, dir: filesViewDir(context.workDir, model.pulled) });
}

/**
 * What the post step needs to stop a backend, saved as JSON in the action's state. Backends put their own
 * extra facts (a model name to unload, a view directory to remove) in `extra`.
 */
export interface BackendHandle {
  readonly backend: BackendName;
  /** Leader of the process group we started; undefined when we started no process (openai, docker). */
  readonly pid?: number;
  /** The backend's combined stdout/stderr, for the log tail in errors and in the post step. */
  readonly logFile?: string;
  readonly extra?: Readonly<Record<string, string>>;
}

/** A backend that answers: what the action outputs. */
export interface Endpoint {
  /** OpenAI-compatible base URL, ending in /v1 (or DMR's /engines/v1). */
  readonly baseUrl: string;
  /** The name to send as "model". */
  readonly modelId: string;
  /** The process serving the model, for memory and CPU figures; undefined when it is not ours to see. */
  readonly pid?: number;
  /** CPU threads the backend uses, when it says. */
  readonly threads?: number;
  /** The device the model really runs on, when the backend says (not the `gpu` setting that asked). */
  readonly device?: Device;
  /** Secret to send as a bearer token (openai); never logged. */
  readonly apiKey?: string;
}

export interface StartedBackend {
  readonly handle: BackendHandle;
  /**
   * Waits until the model is loaded and the endpoint answers. Throws BackendError with the log tail when the
   * process dies, or when settings.readyTimeoutMs passes (the caller then stops the handle).
   */
  ready(): Promise<Endpoint>;
}

export interface Backend {
  readonly name: BackendName;
  /** "store": serves the model's files, pulled first; "endpoint": serves models of its own, nothing is pulled. */
  readonly source: ModelRequest["kind"];
  probe(): Promise<Probe>;
  prepare(): Promise<void>;
  start(model: ModelRequest): Promise<StartedBackend>;
  /** Stops what start() began; safe to call twice, and on a handle whose process has already exited. */
  stop(handle: BackendHandle): Promise<void>;
}

/** Creates a backend for one run; the selection and the action look backends up by name in a registry map. */
export type BackendFactory = (settings: BackendSettings, context: BackendContext, options: BackendOptions) => Backend;

/** Inputs that only some backends read. */
export interface BackendOptions {
  /** openai: the existing endpoint's base URL. */
  readonly baseUrl?: string;
  /** openai: the key to send; masked by the caller before it gets here. */
  readonly apiKey?: string;
  /** embedded: where `cortex-model serve` is (default: the CLI beside this module, for runs from lib/). */
  readonly serveEntry?: ServeEntry;
}

/**
 * A backend failed to install, start, load or answer. The message names the backend and the cause; `logTail`
 * holds the last lines the backend wrote, so a reader sees its own words (the action prints them in a folded
 * group).
 */
export class BackendError extends CortexError {
  constructor(
    readonly backend: BackendName,
    message: string,
    options: { cause?: unknown; logTail?: string } = {},
  ) {
    super(`${backend} backend: ${message}`, { cause: options.cause });
    this.logTail = options.logTail ?? "";
  }

  readonly logTail: string;

  /** The same failure with another log tail: the log read again once the process has ended says more. */
  withLogTail(logTail: string): BackendError {
    const fresher = new BackendError(this.backend, "", { cause: this.cause, logTail });
    fresher.message = this.message;
    return fresher;
  }
}
