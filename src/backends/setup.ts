import path from "node:path";
import type { Digest } from "../core/digest.js";
import { CortexError, describeError, UsageError } from "../core/errors.js";
import { formatReference, parseReference, pinReference, type Reference } from "../core/ref.js";
import type { Descriptor } from "../core/target.js";
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
  type StartedBackend,
  type StoreModel,
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
  let pulled = backend.source === "store" ? await pulling : undefined;
  if (pulled) requireServableWeights(pulled.pulled);
  const pullSeconds = seconds(started);
  const modelFor = async (stored: StoredModel | undefined): Promise<ModelRequest> =>
    stored
      ? {
          kind: "store",
          store: await ModelStore.open({ dir: stored.store }),
          reference: pinReference(parseReference(request.model), stored.digest),
          pulled: stored.pulled,
          modelId: modelIdFor(parseReference(request.model)),
        }
      : { kind: "endpoint", modelId: request.model };
  let model = await modelFor(pulled);
  let loadStarted = performance.now();
  let loaded = await startVerified(backend, model, hooks);
  if (loaded.damaged && model.kind === "store" && pulled) {
    pulled = await fetchDamagedAgain(loaded.damaged, model, pulled, { context, hooks });
    model = await modelFor(pulled);
    loadStarted = performance.now();
    loaded = await startVerified(backend, model, hooks);
  }
  if (loaded.damaged) {
    throw new DamagedModelError(
      `${loaded.damaged.map((d) => d.digest).join(", ")} changed in the store ${pulled?.store} while the model loaded`,
    );
  }
  let { running, endpoint } = loaded;
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

/**
 * Bytes that changed in the store since they were verified: the backend was stopped before anyone was told it
 * is ready, and the damaged files (already removed) are fetched again from where the model came from (the
 * action's cache, the registry) for a new start.
 */
async function fetchDamagedAgain(
  damagedFiles: readonly Descriptor[],
  model: StoreModel,
  pulled: StoredModel,
  { context, hooks }: { context: BackendContext; hooks: SetupHooks },
): Promise<StoredModel> {
  const damaged = damagedFiles.map((d) => d.digest).join(", ");
  const where = `${formatReference(model.reference)} in the store ${pulled.store}`;
  (context.warn ?? context.log)(`${damaged} of ${where} did not match its digest: removed, fetching it again`);
  try {
    return await hooks.pull(model.reference);
  } catch (error) {
    throw new DamagedModelError(
      `${damaged} of ${where} does not match its digest and could not be fetched again: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/** A model file in the store does not hold the bytes its digest names, and could not be fetched again. */
export class DamagedModelError extends CortexError {}

/** The blobs of a pulled model a backend may read: its config and every layer. */
function servedBlobs(model: StoreModel): Descriptor[] {
  return [model.pulled.manifest.config, ...model.pulled.manifest.layers];
}

/**
 * Starts the backend on the model and waits until it is ready while the store's files of the model are checked
 * alongside: a file whose sealed stamp says it is unchanged since this user hashed it is trusted, any other is
 * hashed (the load reads it from disk too, so this costs a second core, not time). A mismatch stops the backend
 * before anyone is told it is ready; the damaged files are removed from the store and returned.
 */
async function startVerified(backend: Backend, model: ModelRequest, hooks: SetupHooks): Promise<Loaded> {
  const checking = model.kind === "store" ? model.store.verifyBlobs(servedBlobs(model)) : Promise.resolve([]);
  // Settled even when the start fails first, so its rejection is never left unhandled.
  checking.catch(() => {});
  const running = await backend.start(model);
  hooks.started(running.handle);
  const readying = running.ready();
  readying.catch(() => {});
  let damaged: Descriptor[];
  try {
    // Even a load that fails first waits for the hash: damaged bytes explain a failed load, and are repaired.
    damaged = await checking;
  } catch (error) {
    await backend.stop(running.handle);
    throw error;
  }
  if (damaged.length > 0) {
    // Stopped at once: a backend loading damaged bytes may never become ready.
    await backend.stop(running.handle);
    return { running, damaged };
  }
  try {
    return { running, endpoint: await readying };
  } catch (error) {
    await backend.stop(running.handle);
    throw await withFinalLog(error, running.handle);
  }
}

type Loaded =
  | { readonly running: StartedBackend; readonly endpoint: Endpoint; readonly damaged?: undefined }
  | { readonly running: StartedBackend; readonly endpoint?: undefined; readonly damaged: readonly Descriptor[] };

/** Stops what a handle names, from any process (the action's post step has only the saved handle). */
export async function stopBackend(handle: BackendHandle, context: BackendContext): Promise<void> {
  const factory = BACKENDS[handle.backend];
  if (factory) await factory({ gpu: "none", port: 0, readyTimeoutMs: 0 }, context, {}).stop(handle);
}
