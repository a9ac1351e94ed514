import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import { type BackendContext, BackendError, type BackendHandle, type BackendOptions } from "../backends/backend.js";
import type { ServeEntry } from "../backends/embedded-runtime.js";
import { logTail } from "../backends/process.js";
import { type SetupResult, setupBackend, stopBackend } from "../backends/setup.js";
import { parseSetupSettings, type SetupSettings } from "../backends/setup-request.js";
import { SetupModel } from "./constants.js";
import { actionInputs, booleanInput, secretInput } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { defaultStore, type PendingSave, type PullModelInputs, pullModel, savePendingModel } from "./pull-model.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { runnerState, type StateProvider } from "./state.js";
import { verificationRequestInput } from "./trust-inputs.js";

/**
 * The setup-model action: one step that leaves a running OpenAI-compatible endpoint serving exactly the
 * requested model digest. The backend is prepared while the model is pulled (both are mostly waiting on the
 * network); the model comes from the Actions cache when it can, and the cache save is left to the post step
 * so the endpoint is up without waiting for an upload. The post step stops the backend and saves.
 */

export interface SetupModelInputs extends Omit<SetupSettings, "baseUrl"> {
  readonly options: BackendOptions;
  readonly pull: Omit<PullModelInputs, "model">;
}

/** How the log line and errors tell a workflow author to allow installs. */
const INSTALL_OPTION = `${SetupModel.inputs.install}: missing`;

export function getInputs(env: NodeJS.ProcessEnv = process.env, serveEntry?: ServeEntry): SetupModelInputs {
  const { inputs } = SetupModel;
  const { baseUrl, ...parsed } = parseSetupSettings(actionInputs, env);
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  const apiKey = secretInput(inputs.apiKey);
  return {
    ...parsed,
    options: {
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(serveEntry === undefined ? {} : { serveEntry }),
    },
    pull: {
      store: defaultStore(env),
      cache: booleanInput(inputs.cache, true),
      ...(credentials ? { credentials } : {}),
      verification: verificationRequestInput(),
    },
  };
}

export async function backendContext(env: NodeJS.ProcessEnv): Promise<BackendContext> {
  const temp = env.RUNNER_TEMP ?? tmpdir();
  await mkdir(temp, { recursive: true });
  return {
    toolDir: env.RUNNER_TOOL_CACHE ?? path.join(temp, "tool-cache"),
    workDir: await mkdtemp(path.join(temp, "cortex-setup-model-")),
    env,
    log: (line) => core.info(line),
    warn: (line) => core.warning(line),
    // The main step ends while the backend serves the job's later steps; the post step stops it.
    lifetime: "detached",
  };
}

/** The core setup with the Actions cache in the pull and the handle and pending cache save in the step's state. */
export function setupModel(
  inputs: SetupModelInputs,
  context: BackendContext,
  state: StateProvider = runnerState,
): Promise<SetupResult> {
  return setupBackend({ ...inputs, installOption: INSTALL_OPTION }, context, {
    async pull(model) {
      // The save waits for the post step, after setup has hashed beside the load what the pull did not.
      const pulled = await pullModel({ ...inputs.pull, model }, { save: "defer", deferHashOfPresent: true });
      if (pulled.pendingSave) state.set(SetupModel.state.pendingSave, JSON.stringify(pulled.pendingSave));
      return pulled;
    },
    started: (handle) => state.set(SetupModel.state.handle, JSON.stringify(handle)),
  });
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
  let result: SetupResult;
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
    [names.warmLoadSeconds]: result.warmLoad?.measured ? result.warmLoad.seconds : "",
    [names.cacheHit]: result.cacheHit,
    [names.pid]: endpoint.pid ?? "",
    [names.threads]: endpoint.threads ?? "",
    [names.device]: endpoint.device ?? "",
  });
  core.info(
    `${result.backend} serves ${endpoint.modelId} at ${endpoint.baseUrl}${result.digest ? ` (${result.digest})` : ""}: ` +
      `pulled and prepared in ${result.pullSeconds} s (${result.cacheHit ? "cache hit" : "cache miss"}), loaded in ${result.loadSeconds} s` +
      (result.warmLoad?.measured ? ` (warm: ${result.warmLoad.seconds} s)` : "") +
      (endpoint.threads === undefined ? "" : `, ${endpoint.threads} threads`) +
      (endpoint.device === undefined ? "" : ` on ${endpoint.device}`),
  );
  if (result.warmLoad?.measured === false) core.info(`Warm load not measured: ${result.warmLoad.reason}.`);
}

/** Stops the backend, shows the end of its log, and saves the cache entry the main step left for later. */
export async function setupModelPost(state: StateProvider = runnerState): Promise<void> {
  const handleJson = state.get(SetupModel.state.handle);
  if (handleJson !== undefined) {
    const handle = JSON.parse(handleJson) as BackendHandle;
    await stopBackend(handle, await backendContext(process.env));
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
