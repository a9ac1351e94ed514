import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import {
  type Backend,
  type BackendContext,
  BackendError,
  type BackendHandle,
  type BackendName,
  type BackendOptions,
  type BackendSettings,
  type Endpoint,
  GPU_MODES,
  type GpuMode,
  type ModelRequest,
} from "../backends/backend.js";
import type { ServeEntry } from "../backends/embedded-runtime.js";
import { logTail } from "../backends/process.js";
import { BACKENDS } from "../backends/registry.js";
import {
  type BackendChoice,
  describeChoice,
  type Probes,
  parseBackendChoice,
  resolveEnvironment,
  resolveStrategy,
  type SelectionRequest,
  selectBackends,
} from "../backends/select.js";
import { measureWarmLoad } from "../backends/warm-load.js";
import { describeError } from "../errors.js";
import { parseReference, pinReference, type Reference } from "../ref.js";
import { ModelStore } from "../store/model-store.js";
import { SetupModel } from "./constants.js";
import { booleanInput, InputError, numberInput, optionalInput, requiredInput, secretInput } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import {
  credentialsInput,
  defaultStore,
  type PendingSave,
  type PullModelInputs,
  type PullModelOutputs,
  pullModel,
  savePendingModel,
} from "./pull-model.js";
import { runAction } from "./run.js";
import { runnerState, type StateProvider } from "./state.js";

/**
 * The setup-model action: one step that leaves a running OpenAI-compatible endpoint serving exactly the
 * requested model digest. The backend is prepared while the model is pulled (both are mostly waiting on the
 * network); the model comes from the Actions cache when it can, and the cache save is left to the post step
 * so the endpoint is up without waiting for an upload. The post step stops the backend and saves.
 */

export interface SetupModelInputs {
  /** The model input as given: a reference for store backends, the served name for openai. */
  readonly model: string;
  readonly selection: SelectionRequest;
  readonly settings: BackendSettings;
  readonly options: BackendOptions;
  readonly pull: Omit<PullModelInputs, "model">;
  /** Restart the backend once after the first load and time the second (warm) load. */
  readonly warmLoad: boolean;
}

export interface SetupModelResult {
  readonly backend: BackendName;
  readonly endpoint: Endpoint;
  readonly digest?: string;
  readonly cacheHit: boolean;
  /** From start() to ready(): the backend's own load. */
  readonly loadSeconds: number;
  /** The same span for a restart right after (warm-load input); undefined when not asked or not measurable. */
  readonly warmLoadSeconds?: number;
  /** Our part before start(): resolve, cache restore, pull, and backend preparation running alongside. */
  readonly pullSeconds: number;
  readonly prepareSeconds: number;
}

const DEFAULT_READY_TIMEOUT_SECONDS = 600;

function gpuInput(name: string): GpuMode {
  const value = optionalInput(name) ?? "none";
  if ((GPU_MODES as readonly string[]).includes(value)) return value as GpuMode;
  throw new InputError(`input "${name}" must be one of ${GPU_MODES.join(", ")}, got "${value}"`);
}

function optionalInteger(name: string, min: number, max: number): number | undefined {
  return optionalInput(name) === undefined ? undefined : numberInput(name, { fallback: 0, min, max, integer: true });
}

export function getInputs(env: NodeJS.ProcessEnv = process.env, serveEntry?: ServeEntry): SetupModelInputs {
  const { inputs } = SetupModel;
  const backend: BackendChoice = parseBackendChoice(optionalInput(inputs.backend) ?? "auto");
  const credentials = credentialsInput(inputs.registryUsername, inputs.registryPassword);
  const apiKey = secretInput(inputs.apiKey);
  const baseUrl = optionalInput(inputs.baseUrl);
  if (backend === "openai" && baseUrl === undefined) {
    throw new InputError(`backend "openai" needs input "${inputs.baseUrl}" (the existing endpoint's base URL)`);
  }
  const version = optionalInput(inputs.version);
  const contextSize = optionalInteger(inputs.contextSize, 1, 1 << 24);
  const threads = optionalInteger(inputs.threads, 1, 1024);
  return {
    model: requiredInput(inputs.model),
    selection: {
      backend,
      strategy: resolveStrategy(optionalInput(inputs.strategy), env),
      environment: resolveEnvironment(optionalInput(inputs.environment), env),
    },
    settings: {
      gpu: gpuInput(inputs.gpu),
      port: numberInput(inputs.port, { fallback: 0, min: 0, max: 65535, integer: true }),
      readyTimeoutMs:
        1000 * numberInput(inputs.readyTimeout, { fallback: DEFAULT_READY_TIMEOUT_SECONDS, min: 1, integer: true }),
      ...(version === undefined ? {} : { version }),
      ...(contextSize === undefined ? {} : { contextSize }),
      ...(threads === undefined ? {} : { threads }),
    },
    options: {
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(serveEntry === undefined ? {} : { serveEntry }),
    },
    pull: {
      store: defaultStore(env),
      cache: booleanInput(inputs.cache, true),
      ...(credentials ? { credentials } : {}),
    },
    warmLoad: booleanInput(inputs.warmLoad, false),
  };
}

/** The name clients send: the repository's last part (or the layout directory's name), with its tag. */
export function modelIdFor(ref: Reference): string {
  const base = ref.kind === "registry" ? (ref.repository.split("/").pop() as string) : path.basename(ref.path);
  return ref.tag === undefined ? base : `${base}:${ref.tag}`;
}

export async function backendContext(env: NodeJS.ProcessEnv): Promise<BackendContext> {
  const temp = env.RUNNER_TEMP ?? tmpdir();
  await mkdir(temp, { recursive: true });
  return {
    toolDir: env.RUNNER_TOOL_CACHE ?? path.join(temp, "tool-cache"),
    workDir: await mkdtemp(path.join(temp, "cortex-setup-model-")),
    env,
    log: (line) => core.info(line),
  };
}

function createBackend(name: BackendName, inputs: SetupModelInputs, context: BackendContext): Backend {
  const factory = BACKENDS[name];
  if (!factory) throw new BackendError(name, "is not part of this build");
  return factory(inputs.settings, context, inputs.options);
}

async function probeAll(inputs: SetupModelInputs, context: BackendContext): Promise<Probes> {
  if (inputs.selection.backend !== "auto") return {};
  const entries = await Promise.all(
    Object.keys(BACKENDS).map(async (name) => {
      const backend = createBackend(name as BackendName, inputs, context);
      return [name, await backend.probe()] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Prepares the candidates in order until one succeeds; logs the one line saying what was chosen and why. */
async function choose(inputs: SetupModelInputs, context: BackendContext): Promise<Backend> {
  const selection = selectBackends(inputs.selection, await probeAll(inputs, context));
  const failures: { backend: BackendName; message: string }[] = [];
  for (const [i, name] of selection.candidates.entries()) {
    const backend = createBackend(name, inputs, context);
    try {
      await backend.prepare();
      core.info(describeChoice(selection, name, failures));
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

export async function setupModel(
  inputs: SetupModelInputs,
  context: BackendContext,
  state: StateProvider = runnerState,
): Promise<SetupModelResult> {
  const started = performance.now();
  // The backend's kind decides whether anything is pulled; an explicit openai never parses the model input.
  const endpointOnly = inputs.selection.backend === "openai";
  const pulling: Promise<PullModelOutputs> | undefined = endpointOnly
    ? undefined
    : pullModel({ ...inputs.pull, model: parseReference(inputs.model) }, { save: "defer" });
  // Settle the pull even if choosing fails first, so its rejection is never left unhandled.
  pulling?.catch(() => {});
  const backend = await choose(inputs, context);
  const prepareSeconds = seconds(started);
  const pulled = backend.source === "store" ? await pulling : undefined;
  const pullSeconds = seconds(started);
  if (pulled?.pendingSave) state.set(SetupModel.state.pendingSave, JSON.stringify(pulled.pendingSave));
  const request: ModelRequest = pulled
    ? {
        kind: "store",
        store: await ModelStore.open({ dir: pulled.store }),
        reference: pinReference(parseReference(inputs.model), pulled.digest),
        pulled: pulled.pulled,
        modelId: modelIdFor(parseReference(inputs.model)),
      }
    : { kind: "endpoint", modelId: inputs.model };
  const loadStarted = performance.now();
  let running = await backend.start(request);
  state.set(SetupModel.state.handle, JSON.stringify(running.handle));
  let endpoint: Endpoint;
  try {
    endpoint = await running.ready();
  } catch (error) {
    await backend.stop(running.handle);
    throw error;
  }
  const loadSeconds = seconds(loadStarted);
  let warmLoadSeconds: number | undefined;
  if (inputs.warmLoad) {
    const warm = await measureWarmLoad(backend, running, request);
    if (warm.measured) {
      ({ started: running, endpoint } = warm);
      state.set(SetupModel.state.handle, JSON.stringify(running.handle));
      warmLoadSeconds = Math.round(warm.ms / 10) / 100;
    } else {
      core.info(`Warm load not measured: ${warm.reason}.`);
    }
  }
  return {
    backend: backend.name,
    endpoint,
    ...(pulled ? { digest: pulled.digest } : {}),
    cacheHit: pulled?.cacheHit ?? false,
    loadSeconds,
    ...(warmLoadSeconds === undefined ? {} : { warmLoadSeconds }),
    pullSeconds,
    prepareSeconds,
  };
}

/** A backend's own words after a failure, folded so the error line stays on top. */
function showLogTail(error: unknown): void {
  if (!(error instanceof BackendError) || error.logTail === "") return;
  core.startGroup(`${error.backend} log (last lines)`);
  core.info(error.logTail);
  core.endGroup();
}

export async function setupModelStep(serveEntry?: ServeEntry): Promise<void> {
  const inputs = getInputs(process.env, serveEntry);
  const context = await backendContext(process.env);
  let result: SetupModelResult;
  try {
    result = await setupModel(inputs, context);
  } catch (error) {
    showLogTail(error);
    throw error;
  }
  const { outputs: names } = SetupModel;
  const { endpoint } = result;
  setOutputs({
    [names.baseUrl]: endpoint.baseUrl,
    [names.modelId]: endpoint.modelId,
    [names.digest]: result.digest ?? "",
    [names.backend]: result.backend,
    [names.loadSeconds]: result.loadSeconds,
    [names.warmLoadSeconds]: result.warmLoadSeconds ?? "",
    [names.cacheHit]: result.cacheHit,
    [names.pid]: endpoint.pid ?? "",
    [names.threads]: endpoint.threads ?? "",
  });
  core.info(
    `${result.backend} serves ${endpoint.modelId} at ${endpoint.baseUrl}${result.digest ? ` (${result.digest})` : ""}: ` +
      `pulled and prepared in ${result.pullSeconds} s (${result.cacheHit ? "cache hit" : "cache miss"}), loaded in ${result.loadSeconds} s` +
      (result.warmLoadSeconds === undefined ? "" : ` (warm: ${result.warmLoadSeconds} s)`) +
      (endpoint.threads === undefined ? "" : `, ${endpoint.threads} threads`),
  );
}

/** Stops the backend, shows the end of its log, and saves the cache entry the main step left for later. */
export async function setupModelPost(state: StateProvider = runnerState): Promise<void> {
  const handleJson = state.get(SetupModel.state.handle);
  if (handleJson !== undefined) {
    const handle = JSON.parse(handleJson) as BackendHandle;
    const context = await backendContext(process.env);
    const settings: BackendSettings = { gpu: "none", port: 0, readyTimeoutMs: 0 };
    const factory = BACKENDS[handle.backend];
    if (factory) await factory(settings, context, {}).stop(handle);
    const tail = await logTail(handle.logFile);
    if (tail !== "") {
      core.startGroup(`${handle.backend} log (last lines)`);
      core.info(tail);
      core.endGroup();
    }
    core.info(`${handle.backend} backend stopped`);
  }
  const pending = state.get(SetupModel.state.pendingSave);
  if (pending !== undefined) await savePendingModel(JSON.parse(pending) as PendingSave);
}

/** The action's entry point; `serveEntry` is the bundled serve runtime beside the action's dist. */
export function run(serveEntry?: ServeEntry): Promise<void> {
  return runAction(
    () => setupModelStep(serveEntry),
    () => setupModelPost(),
  );
}
