import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Device, isDevice } from "../core/device.js";
import { fileExists } from "../store/files.js";
import {
  type Backend,
  type BackendContext,
  type BackendHandle,
  type BackendOptions,
  type BackendSettings,
  type Endpoint,
  type ModelRequest,
  type Probe,
  requireStoreModel,
  type StartedBackend,
  type StoreModel,
  storeModelFiles,
} from "./backend.js";
import {
  locateServeRuntime,
  nodeLlamaCppVersion,
  nodeLlamaCppVersionProblem,
  type ResolveOptions,
  resolveServeCommand,
  type ServeCommand,
  type ServeEntry,
} from "./embedded-runtime.js";
import { spawnBackendProcess, spawnLifetime, stopProcessGroup, waitUntil } from "./process.js";

/**
 * llama.cpp through node-llama-cpp, behind our own OpenAI-compatible server (`cortex-model serve`) run as a
 * detached child process on the GGUF in the store. Present wherever node runs: the backend of last resort.
 */

/** What `serve --ready-file` writes once the model is loaded and the port is listening. */
interface ReadyFile {
  readonly url: string;
  readonly pid: number;
  readonly model: string;
  readonly threads: number;
  readonly device?: Device;
}

function parseReady(text: string): ReadyFile | undefined {
  // serve writes the file in one call ending in a newline; anything shorter is a partial read.
  if (!text.endsWith("\n")) return undefined;
  const ready = JSON.parse(text) as Partial<ReadyFile>;
  if (typeof ready.url !== "string" || typeof ready.pid !== "number" || typeof ready.model !== "string") {
    return undefined;
  }
  return {
    url: ready.url,
    pid: ready.pid,
    model: ready.model,
    threads: Number(ready.threads),
    ...(isDevice(ready.device) ? { device: ready.device } : {}),
  };
}

export function serveArgs(
  model: StoreModel,
  settings: BackendSettings,
  readyFile: string,
  modelFile: string = model.pulled.model,
): string[] {
  return [
    "--model",
    modelFile,
    "--model-id",
    model.modelId,
    "--host",
    "127.0.0.1",
    "--port",
    String(settings.port),
    "--gpu",
    settings.gpu,
    "--ready-file",
    readyFile,
    // setupBackend hashes the store's files beside the load for every backend: once is enough.
    "--no-verify",
    ...(settings.threads === undefined ? [] : ["--threads", String(settings.threads)]),
    ...(settings.contextSize === undefined ? [] : ["--context-size", String(settings.contextSize)]),
  ];
}

/** The CLI beside this module (lib/backends/ -> bin/), for runs from the built package or the repository. */
export function cliServeEntry(): ServeEntry {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return { file: [here, "..", "..", "bin", "cortex-model.js"].join(path.sep), args: ["serve"], bundled: false };
}

export function createEmbeddedBackend(
  settings: BackendSettings,
  context: BackendContext,
  options: BackendOptions = {},
): Backend {
  const entry = options.serveEntry ?? cliServeEntry();
  // Validated when used rather than here: with backend auto a version meant for another backend must not stop
  // the selection, only make embedded unusable.
  const runtime = (): ResolveOptions => ({
    entry,
    toolDir: context.toolDir,
    gpu: settings.gpu,
    version: nodeLlamaCppVersion(settings.version),
    env: context.env,
    log: context.log,
  });
  let command: ServeCommand | undefined;
  const prepare = async () => {
    command ??= await resolveServeCommand(runtime());
    return command;
  };
  return {
    name: "embedded",
    source: "store",
    async probe(): Promise<Probe> {
      const problem = settings.version === undefined ? undefined : nodeLlamaCppVersionProblem(settings.version);
      if (problem) return { availability: "unavailable", detail: problem };
      const options = runtime();
      const location = await locateServeRuntime(options);
      const version = `node-llama-cpp ${options.version}`;
      switch (location.kind) {
        case "local":
          return { availability: "installed", detail: `${version} beside serve` };
        case "cached":
          return { availability: "installed", detail: `${version} in the tool cache` };
        case "missing":
          return { availability: "installable", detail: `${version} can be installed from npm` };
        case "absent":
          return { availability: "unavailable", detail: `${version} is not installed next to ${entry.file}` };
      }
    },
    async prepare() {
      await prepare();
    },
    async start(request: ModelRequest): Promise<StartedBackend> {
      const model = requireStoreModel("embedded", request);
      const serve = await prepare();
      const readyFile = path.join(context.workDir, "embedded.ready.json");
      const logFile = path.join(context.workDir, "embedded.log");
      await rm(readyFile, { force: true });
      const files = await storeModelFiles(model, context);
      if (files.mmproj) {
        context.log(`embedded serves text only: the model's multimodal projector ${files.mmproj} is not loaded`);
      }
      const spawned = await spawnBackendProcess({
        backend: "embedded",
        command: process.execPath,
        args: [serve.file, ...serve.args, ...serveArgs(model, settings, readyFile, files.model)],
        logFile,
        ...spawnLifetime(context),
        env: context.env,
      });
      const handle: BackendHandle = { backend: "embedded", pid: spawned.pid, logFile };
      return {
        handle,
        async ready(): Promise<Endpoint> {
          const ready = await waitUntil(
            async () => ((await fileExists(readyFile)) ? parseReady(await readFile(readyFile, "utf8")) : undefined),
            {
              backend: "embedded",
              process: spawned,
              timeoutMs: settings.readyTimeoutMs,
              what: "the model to load and serve",
            },
          );
          return {
            baseUrl: ready.url,
            modelId: ready.model,
            pid: ready.pid,
            ...(Number.isInteger(ready.threads) ? { threads: ready.threads } : {}),
            ...(ready.device ? { device: ready.device } : {}),
          };
        },
      };
    },
    async stop(handle: BackendHandle) {
      if (handle.pid !== undefined) await stopProcessGroup(handle.pid);
    },
  };
}
