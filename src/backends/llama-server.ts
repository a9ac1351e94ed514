import path from "node:path";
import {
  type Backend,
  BackendError,
  type BackendFactory,
  type BackendHandle,
  type BackendSettings,
  type Endpoint,
  type ModelRequest,
  type Probe,
  requireStoreModel,
  storeModelFiles,
} from "./backend.js";
import { llamaCppLogDevice, logHead } from "./device.js";
import { request } from "./http-probe.js";
import {
  currentPlatform,
  libraryPathEnv,
  llamaServerAsset,
  type ReleaseAsset,
  type RunnerPlatform,
  UnsupportedPlatform,
} from "./platform.js";
import { choosePort } from "./port.js";
import { type SpawnedProcess, spawnBackendProcess, spawnLifetime, stopProcessGroup, waitUntil } from "./process.js";
import { findFile, findTool, installTool } from "./tool-install.js";

/**
 * llama.cpp's own `llama-server`, from a pinned build of ggml-org/llama.cpp's GitHub releases (the CPU build
 * for the runner's platform; Metal on Apple Silicon), tool-cached, run on the model's files view: hard links
 * to our store named as the artifact names them, so shards find each other and the projector is passed with
 * --mmproj.
 */

export const LLAMA_SERVER_DEFAULT_TAG = "b6987";

export function llamaServerRelease(
  tag: string,
  platform: RunnerPlatform = currentPlatform(),
): ReleaseAsset | UnsupportedPlatform {
  return llamaServerAsset(tag, platform);
}

/** The release for this runner, or a BackendError with the one line saying why there is none. */
function supportedRelease(tag: string): ReleaseAsset {
  const release = llamaServerRelease(tag);
  if (release instanceof UnsupportedPlatform) throw new BackendError("llama-server", release.reason);
  return release;
}

/**
 * The server's argv: the model file (further shards are found beside it by name), the multimodal projector
 * when the model has one, our host and port, the chat template from the GGUF (--jinja).
 */
export function llamaServerArgs(
  model: string,
  port: number,
  modelId: string,
  settings: Pick<BackendSettings, "contextSize" | "threads">,
  mmproj?: string,
): string[] {
  return [
    "-m",
    model,
    ...(mmproj !== undefined ? ["--mmproj", mmproj] : []),
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--alias",
    modelId,
    ...(settings.contextSize !== undefined ? ["-c", String(settings.contextSize)] : []),
    ...(settings.threads !== undefined ? ["-t", String(settings.threads)] : []),
    "--jinja",
  ];
}

/** Installs the build (or finds it cached); returns the llama-server executable, wherever the zip nests it. */
export async function installLlamaServer(options: {
  toolDir: string;
  tag: string;
  release: ReleaseAsset;
  /** The backend's environment: its proxy variables route the download. */
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<string> {
  const dir = await installTool({
    backend: "llama-server",
    toolDir: options.toolDir,
    name: "llama-server",
    version: options.tag,
    arch: options.release.arch,
    url: options.release.url,
    format: options.release.format,
    env: options.env,
    ...(options.log ? { log: options.log } : {}),
    validate: async (unpacked) => {
      if (!(await findFile(unpacked, options.release.binary))) {
        throw new BackendError("llama-server", `the archive ${options.release.url} has no ${options.release.binary}`);
      }
    },
  });
  return (await findFile(dir, options.release.binary)) as string;
}

/** Ready = GET /health answers 200 (it answers 503 while the model loads). */
export async function waitForLlamaServer(origin: string, timeoutMs: number, spawned?: SpawnedProcess): Promise<void> {
  await waitUntil(
    async () => ((await request(`${origin}/health`, { timeoutMs: 2_000 })).status === 200 ? true : undefined),
    { backend: "llama-server", timeoutMs, what: "GET /health to answer 200", ...(spawned ? { process: spawned } : {}) },
  );
}

export const createLlamaServerBackend: BackendFactory = (settings, context): Backend => {
  const tag = settings.version ?? LLAMA_SERVER_DEFAULT_TAG;
  let binary: string | undefined;
  const cachedBinary = async () => {
    const release = supportedRelease(tag);
    const dir = await findTool(context.toolDir, "llama-server", tag, release.arch);
    return dir ? findFile(dir, release.binary) : undefined;
  };
  return {
    name: "llama-server",
    source: "store",
    async probe(): Promise<Probe> {
      const release = llamaServerRelease(tag);
      if (release instanceof UnsupportedPlatform) return { availability: "unavailable", detail: release.reason };
      return (await cachedBinary())
        ? { availability: "installed", detail: `llama.cpp ${tag} in the tool cache` }
        : { availability: "installable", detail: `llama.cpp ${tag} can be downloaded` };
    },
    async prepare() {
      binary = await installLlamaServer({
        toolDir: context.toolDir,
        tag,
        release: supportedRelease(tag),
        env: context.env,
        log: context.log,
      });
    },
    async start(request: ModelRequest) {
      const model = requireStoreModel("llama-server", request);
      const server = binary ?? (await cachedBinary());
      if (!server) throw new BackendError("llama-server", "start() before prepare(): llama-server is not installed");
      const port = await choosePort("llama-server", settings.port);
      const files = await storeModelFiles(model, context);
      const libDir = path.dirname(server);
      const spawned = await spawnBackendProcess({
        backend: "llama-server",
        command: server,
        args: llamaServerArgs(files.model, port, model.modelId, settings, files.mmproj),
        logFile: path.join(context.workDir, "llama-server.log"),
        ...spawnLifetime(context),
        // The release's shared libraries sit beside the binary.
        env: { ...context.env, ...libraryPathEnv(libDir, currentPlatform(), context.env) },
        cwd: libDir,
      });
      const origin = `http://127.0.0.1:${port}`;
      const handle: BackendHandle = {
        backend: "llama-server",
        pid: spawned.pid,
        logFile: spawned.logFile,
        extra: { origin },
      };
      return {
        handle,
        async ready(): Promise<Endpoint> {
          await waitForLlamaServer(origin, settings.readyTimeoutMs, spawned);
          const device = llamaCppLogDevice(await logHead(spawned.logFile));
          return {
            baseUrl: `${origin}/v1`,
            modelId: model.modelId,
            pid: spawned.pid,
            ...(settings.threads !== undefined ? { threads: settings.threads } : {}),
            ...(device ? { device } : {}),
          };
        },
      };
    },
    async stop(handle: BackendHandle) {
      if (handle.pid !== undefined) await stopProcessGroup(handle.pid);
    },
  };
};
