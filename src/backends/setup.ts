import path from "node:path";
import type { Digest } from "../core/digest.js";
import { describeError, UsageError } from "../core/errors.js";
import { parseReference, pinReference, type Reference } from "../core/ref.js";
import type { PullResult } from "../pull/pull.js";
import { ModelStore } from "../store/model-store.js";
import {
  type Backend,
  type BackendContext,
  BackendError,
  type BackendHandle,
  type BackendName,
  type BackendOptions,
  type BackendSettings,
  type Endpoint,
  type ModelRequest,
} from "./backend.js";
import { logTail } from "./process.js";
import { BACKENDS } from "./registry.js";
import { describeChoice, type Probes, preferenceOrder, type SelectionRequest, selectBackends } from "./select.js";
import { measureWarmLoad } from "./warm-load.js";

/**
 * From a model reference to a running endpoint: pull (through whatever the caller provides: the action
 * restores from the Actions cache first), choose and prepare a backend meanwhile, start it on the model and
 * wait until it answers. The setup-model action and `cortex-model setup` are thin shells over this and
 * stopBackend().
 */

export interface SetupRequest {
  /** A reference for store backends; the served name for openai. */
  readonly model: string;
  readonly selection: SelectionRequest;
  readonly settings: BackendSettings;
  readonly options: BackendOptions;
  /** How the caller's user asks for installs ("install: missing", "--install missing"), for the hint. */
  readonly installOption: string;
  /** After the first load, restart the backend once and time the second (warm) load. */
  readonly warmLoad?: boolean;
}

/** The model in a store, however it got there. */
export interface StoredModel {
  /** The store's directory. */
  readonly store: string;
  readonly digest: Digest;
  readonly pulled: PullResult;
  readonly cacheHit: boolean;
}

export interface SetupHooks {
  /** Brings the model into a store; started at once, while the backend is chosen and prepared. */
  pull(reference: Reference): Promise<StoredModel>;
  /** A backend was started: whoever stops it later (the post step, a signal handler) needs this handle. */
  started(handle: BackendHandle): void;
}

export interface SetupResult {
  readonly backend: BackendName;
  readonly endpoint: Endpoint;
  readonly handle: BackendHandle;
  readonly digest?: string;
  readonly cacheHit: boolean;
  /** From start() to ready(): the backend's own load. */
  readonly loadSeconds: number;
  /** The same span for a restart right after, when asked for (see measureWarmLoad). */
  readonly warmLoad?:
    | { readonly measured: true; readonly seconds: number }
    | { readonly measured: false; readonly reason: string };
  /** Our part before start(): resolve, cache restore, pull, and backend preparation running alongside. */
  readonly pullSeconds: number;
  readonly prepareSeconds: number;
}

/** The name clients send: the repository's last part (or the layout directory's name), with its tag. */
export function modelIdFor(ref: Reference): string {
  const base = ref.kind === "registry" ? (ref.repository.split("/").pop() as string) : path.basename(ref.path);
  return ref.tag === undefined ? base : `${base}:${ref.tag}`;
}

function createBackend(name: BackendName, request: SetupRequest, context: BackendContext): Backend {
  const factory = BACKENDS[name];
  if (!factory) throw new BackendError(name, "is not part of this build");
  return factory(request.settings, context, request.options);
}

/** Probes the backends the request may use; a name missing from the registry stays out (probes as absent). */
async function probeAll(request: SetupRequest, context: BackendContext): Promise<Probes> {
  const names = preferenceOrder(request.selection).filter((name) => BACKENDS[name] !== undefined);
  const entries = await Promise.all(
    names.map(async (name) => [name, await createBackend(name, request, context).probe()] as const),
  );
  return Object.fromEntries(entries);
}

/** Prepares the candidates in order until one succeeds; logs the one line saying what was chosen and why. */
async function choose(request: SetupRequest, context: BackendContext): Promise<Backend> {
  const selection = selectBackends(request.selection, await probeAll(request, context), request.installOption);
  const failures: { backend: BackendName; message: string }[] = [];
  for (const [i, name] of selection.candidates.entries()) {
    const backend = createBackend(name, request, context);
    try {
      await backend.prepare();
      context.log(describeChoice(selection, name, failures));
      return backend;
    } catch (error) {
      if (i === selection.candidates.length - 1) throw error;
      failures.push({ backend: name, message: describeError(error) });
    }
  }
  throw new BackendError("embedded", "no backend candidate to try");
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100;
}

/**
 * A failure after start() with the backend's log as it is once the process is stopped: what it wrote while
 * dying, or while being stopped, comes after the tail read when the failure was noticed.
 */
async function withFinalLog(error: unknown, handle: BackendHandle): Promise<unknown> {
  if (!(error instanceof BackendError) || handle.logFile === undefined) return error;
  const tail = await logTail(handle.logFile);
  return error.withLogTail(tail === "" ? `(${handle.backend} wrote nothing to ${handle.logFile})` : tail);
}

/** A model whose weights no backend here can serve (safetensors, DDUF): it can be pulled and promoted, not served. */
export class UnservableModelError extends UsageError {}

function requireServableWeights(pulled: PullResult): void {
  if (pulled.weights === "gguf") return;
  const what = pulled.weights === "unknown" ? "weights of a format it does not name" : `${pulled.weights} weights`;
  throw new UnservableModelError(
    `no backend here serves this format: ${pulled.reference} holds ${what}; embedded, llama-server, Ollama and Docker Model Runner (llama.cpp) here serve GGUF models (pull, promote and revert work on any format)`,
  );
}

export async function setupBackend(
  request: SetupRequest,
  context: BackendContext,
  hooks: SetupHooks,
): Promise<SetupResult> {
  const started = performance.now();
  // The backend's kind decides whether anything is pulled; an explicit openai never parses the model input.
  const pulling: Promise<StoredModel> | undefined =
    request.selection.backend === "openai" ? undefined : hooks.pull(parseReference(request.model));
  // Settle the pull even if choosing fails first, so its rejection is never left unhandled.
  pulling?.catch(() => {});
  const backend = await choose(request, context);
  const prepareSeconds = seconds(started);
  const pulled = backend.source === "store" ? await pulling : undefined;
  if (pulled) requireServableWeights(pulled.pulled);
  const pullSeconds = seconds(started);
  const model: ModelRequest = pulled
    ? {
        kind: "store",
        store: await ModelStore.open({ dir: pulled.store }),
        reference: pinReference(parseReference(request.model), pulled.digest),
        pulled: pulled.pulled,
        modelId: modelIdFor(parseReference(request.model)),
      }
    : { kind: "endpoint", modelId: request.model };
  const loadStarted = performance.now();
  let running = await backend.start(model);
  hooks.started(running.handle);
  let endpoint: Endpoint;
  try {
    endpoint = await running.ready();
  } catch (error) {
    await backend.stop(running.handle);
    throw await withFinalLog(error, running.handle);
  }
  const loadSeconds = seconds(loadStarted);
  let warmLoad: SetupResult["warmLoad"];
  if (request.warmLoad) {
    const warm = await measureWarmLoad(backend, running, model);
    if (warm.measured) {
      ({ started: running, endpoint } = warm);
      hooks.started(running.handle);
      warmLoad = { measured: true, seconds: Math.round(warm.ms / 10) / 100 };
    } else {
      warmLoad = { measured: false, reason: warm.reason };
    }
  }
  return {
    backend: backend.name,
    endpoint,
    handle: running.handle,
    ...(pulled ? { digest: pulled.digest } : {}),
    cacheHit: pulled?.cacheHit ?? false,
    loadSeconds,
    ...(warmLoad ? { warmLoad } : {}),
    pullSeconds,
    prepareSeconds,
  };
}

/** Stops what a handle names, from any process (the action's post step has only the saved handle). */
export async function stopBackend(handle: BackendHandle, context: BackendContext): Promise<void> {
  const factory = BACKENDS[handle.backend];
  if (factory) await factory({ gpu: "none", port: 0, readyTimeoutMs: 0 }, context, {}).stop(handle);
}
