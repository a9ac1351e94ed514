import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  logTail,
  parseSetupSettings,
  setupBackend,
  stopBackend
} from "./chunk-OWZ3B3AP.mjs";
import "./chunk-L3XLIXFP.mjs";
import "./chunk-2CD7PZP6.mjs";
import "./chunk-SX5TNDA4.mjs";
import {
  defaultStore,
  pullModel,
  savePendingModel
} from "./chunk-AK2PBOA6.mjs";
import "./chunk-RRZJHVOH.mjs";
import {
  BackendError
} from "./chunk-MZH6KYWL.mjs";
import "./chunk-35M3XGW2.mjs";
import "./chunk-APVQ7LTG.mjs";
import "./chunk-W2CUV2YZ.mjs";
import "./chunk-3ILZPGYX.mjs";
import {
  verificationRequestInput
} from "./chunk-FYDH7VJB.mjs";
import "./chunk-B3WLYY5J.mjs";
import {
  SetupModel,
  actionInputs,
  booleanInput,
  credentialInputs,
  endGroup,
  info,
  runAction,
  runnerState,
  secretInput,
  setOutputs,
  startGroup,
  warning
} from "./chunk-OKSVDTLS.mjs";
import "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-SBSIPN6N.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// actions/setup-model/main.ts
import path2 from "node:path";
import { fileURLToPath } from "node:url";

// src/github/setup-model.ts
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
var INSTALL_OPTION = `${SetupModel.inputs.install}: missing`;
function getInputs(env = process.env, serveEntry) {
  const { inputs } = SetupModel;
  const { baseUrl, ...parsed } = parseSetupSettings(actionInputs, env);
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  const apiKey = secretInput(inputs.apiKey);
  return {
    ...parsed,
    options: {
      ...baseUrl === void 0 ? {} : { baseUrl },
      ...apiKey === void 0 ? {} : { apiKey },
      ...serveEntry === void 0 ? {} : { serveEntry }
    },
    pull: {
      store: defaultStore(env),
      cache: booleanInput(inputs.cache, true),
      ...credentials ? { credentials } : {},
      verification: verificationRequestInput()
    }
  };
}
__name(getInputs, "getInputs");
async function backendContext(env) {
  const temp = env.RUNNER_TEMP ?? tmpdir();
  await mkdir(temp, { recursive: true });
  return {
    toolDir: env.RUNNER_TOOL_CACHE ?? path.join(temp, "tool-cache"),
    workDir: await mkdtemp(path.join(temp, "cortex-setup-model-")),
    env,
    log: /* @__PURE__ */ __name((line) => info(line), "log"),
    warn: /* @__PURE__ */ __name((line) => warning(line), "warn"),
    // The main step ends while the backend serves the job's later steps; the post step stops it.
    lifetime: "detached"
  };
}
__name(backendContext, "backendContext");
function setupModel(inputs, context, state = runnerState) {
  return setupBackend({ ...inputs, installOption: INSTALL_OPTION }, context, {
    async pull(model) {
      const pulled = await pullModel({ ...inputs.pull, model }, { save: "defer", deferHashOfPresent: true });
      if (pulled.pendingSave) state.set(SetupModel.state.pendingSave, JSON.stringify(pulled.pendingSave));
      return pulled;
    },
    started: /* @__PURE__ */ __name((handle) => state.set(SetupModel.state.handle, JSON.stringify(handle)), "started")
  });
}
__name(setupModel, "setupModel");
function showLogTail(error) {
  if (!(error instanceof BackendError) || error.logTail === "") return;
  startGroup(`${error.backend} log (last lines)`);
  info(error.logTail);
  endGroup();
}
__name(showLogTail, "showLogTail");
async function setupModelStep(serveEntry) {
  const inputs = getInputs(process.env, serveEntry);
  const context = await backendContext(process.env);
  let result;
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
    [names.device]: endpoint.device ?? ""
  });
  info(
    `${result.backend} serves ${endpoint.modelId} at ${endpoint.baseUrl}${result.digest ? ` (${result.digest})` : ""}: pulled and prepared in ${result.pullSeconds} s (${result.cacheHit ? "cache hit" : "cache miss"}), loaded in ${result.loadSeconds} s` + (result.warmLoad?.measured ? ` (warm: ${result.warmLoad.seconds} s)` : "") + (endpoint.threads === void 0 ? "" : `, ${endpoint.threads} threads`) + (endpoint.device === void 0 ? "" : ` on ${endpoint.device}`)
  );
  if (result.warmLoad?.measured === false) info(`Warm load not measured: ${result.warmLoad.reason}.`);
}
__name(setupModelStep, "setupModelStep");
async function setupModelPost(state = runnerState) {
  const handleJson = state.get(SetupModel.state.handle);
  if (handleJson !== void 0) {
    const handle = JSON.parse(handleJson);
    await stopBackend(handle, await backendContext(process.env));
    const tail = await logTail(handle.logFile);
    if (tail !== "") {
      startGroup(`${handle.backend} log (last lines)`);
      info(tail);
      endGroup();
    }
    info(`${handle.backend} backend stopped`);
  }
  const pending = state.get(SetupModel.state.pendingSave);
  if (pending !== void 0) await savePendingModel(JSON.parse(pending));
}
__name(setupModelPost, "setupModelPost");
function run(serveEntry) {
  return runAction(
    () => setupModelStep(serveEntry),
    () => setupModelPost()
  );
}
__name(run, "run");

// actions/setup-model/main.ts
var here = path2.dirname(fileURLToPath(import.meta.url));
await run({ file: path2.join(here, "setup-model-serve.mjs"), args: [], bundled: true });
