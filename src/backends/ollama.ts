import { promises as fs } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { writeOllamaView } from "../ollama/store-view.js";
import {
  type Backend,
  BackendError,
  type BackendFactory,
  type BackendHandle,
  type Endpoint,
  type ModelRequest,
  type Probe,
  requireStoreModel,
} from "./backend.js";
import { ollamaLoadedDevice } from "./device.js";
import { bodyLine, request } from "./http-probe.js";
import {
  currentPlatform,
  ollamaAsset,
  type ReleaseAsset,
  type RunnerPlatform,
  UnsupportedPlatform,
} from "./platform.js";
import { choosePort } from "./port.js";
import {
  logTail,
  type SpawnedProcess,
  spawnBackendProcess,
  spawnLifetime,
  stopProcessGroup,
  waitUntil,
} from "./process.js";
import { findTool, installTool } from "./tool-install.js";

/**
 * Ollama: a pinned release from GitHub for the runner's platform, tool-cached whole with its libraries (the
 * CPU and GPU runners live beside the binary), `ollama serve` on our own port with OLLAMA_MODELS pointing at a store view of the pulled
 * model, so it serves our verified bytes and never pulls. OLLAMA_NOPRUNE keeps it from deleting view blobs.
 */

export const OLLAMA_DEFAULT_VERSION = "0.13.3";

function parseVersion(version: string): [number, number, number] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new BackendError("ollama", `version "${version}" is not an Ollama release number like 0.13.3`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function atLeast(version: [number, number, number], floor: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== floor[i]) return (version[i] as number) > (floor[i] as number);
  }
  return true;
}

/** The release archive for a version and platform; Ollama before 0.3.7 shipped bare binaries, not archives. */
export function ollamaRelease(
  version: string,
  platform: RunnerPlatform = currentPlatform(),
): ReleaseAsset | UnsupportedPlatform {
  const parsed = parseVersion(version);
  if (!atLeast(parsed, [0, 3, 7])) {
    throw new BackendError("ollama", `Ollama ${version} has no release archive; use 0.3.7 or later`);
  }
  return ollamaAsset(`v${parsed.join(".")}`, atLeast(parsed, [0, 14, 0]), platform);
}

/** The release for this runner, or a BackendError with the one line saying why there is none. */
function supportedRelease(version: string): ReleaseAsset {
  const release = ollamaRelease(version);
  if (release instanceof UnsupportedPlatform) throw new BackendError("ollama", release.reason);
  return release;
}

/** Installs a release (or finds it in the tool cache) and checks the archive's layout; returns bin/ollama. */
export async function installOllama(options: {
  toolDir: string;
  version: string;
  release: ReleaseAsset;
  /** The backend's environment: its proxy variables route the download. */
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<string> {
  const dir = await installTool({
    backend: "ollama",
    toolDir: options.toolDir,
    name: "ollama",
    version: options.version,
    arch: options.release.arch,
    url: options.release.url,
    format: options.release.format,
    env: options.env,
    ...(options.log ? { log: options.log } : {}),
    validate: async (unpacked) => {
      if (!(await fs.stat(path.join(unpacked, options.release.binary)).catch(() => undefined))) {
        throw new BackendError("ollama", `the archive ${options.release.url} has no ${options.release.binary}`);
      }
    },
  });
  return path.join(dir, options.release.binary);
}

/** The child environment: our port and models directory, no pruning of the view's blobs. */
export function ollamaEnv(base: NodeJS.ProcessEnv, port: number, modelsDir: string, contextSize?: number) {
  return {
    ...base,
    OLLAMA_HOST: `127.0.0.1:${port}`,
    OLLAMA_MODELS: modelsDir,
    OLLAMA_NOPRUNE: "1",
    ...(contextSize !== undefined ? { OLLAMA_CONTEXT_LENGTH: String(contextSize) } : {}),
  };
}

export interface OllamaReadyOptions {
  readonly origin: string;
  readonly modelId: string;
  readonly timeoutMs: number;
  readonly process?: SpawnedProcess;
  readonly threads?: number;
  readonly contextSize?: number;
}

/**
 * Ready = GET /api/version answers, then /api/generate without a prompt has loaded the model (Ollama loads
 * lazily; keep_alive holds it in memory for the job). Failures carry the server's log tail.
 */
export async function waitForOllama(options: OllamaReadyOptions): Promise<void> {
  const started = Date.now();
  const common = {
    backend: "ollama" as const,
    timeoutMs: options.timeoutMs,
    ...(options.process ? { process: options.process } : {}),
  };
  await waitUntil(
    async () =>
      (await request(`${options.origin}/api/version`, { timeoutMs: 2_000 })).status === 200 ? true : undefined,
    { ...common, what: "GET /api/version to answer 200" },
  );
  const remaining = Math.max(1_000, options.timeoutMs - (Date.now() - started));
  const load = request(`${options.origin}/api/generate`, {
    json: {
      model: options.modelId,
      keep_alive: "30m",
      options: {
        ...(options.threads !== undefined ? { num_thread: options.threads } : {}),
        ...(options.contextSize !== undefined ? { num_ctx: options.contextSize } : {}),
      },
    },
    timeoutMs: remaining,
  });
  let answer: Awaited<typeof load>;
  try {
    answer = await (options.process
      ? Promise.race([load, options.process.exited.then((s) => Promise.reject(new Error(`the server exited (${s})`)))])
      : load);
  } catch (error) {
    throw new BackendError("ollama", `could not load ${options.modelId}: ${(error as Error).message}`, {
      cause: error,
      logTail: await logTail(options.process?.logFile),
    });
  }
  if (answer.status !== 200) {
    throw new BackendError(
      "ollama",
      `loading ${options.modelId} failed: HTTP ${answer.status} ${bodyLine(answer.body)}`,
      {
        logTail: await logTail(options.process?.logFile),
      },
    );
  }
}

export const createOllamaBackend: BackendFactory = (settings, context): Backend => {
  const version = settings.version ?? OLLAMA_DEFAULT_VERSION;
  let binary: string | undefined;

  const cached = async () => {
    const release = supportedRelease(version);
    const dir = await findTool(context.toolDir, "ollama", version, release.arch);
    return dir ? path.join(dir, release.binary) : undefined;
  };

  return {
    name: "ollama",
    source: "store",
    async probe(): Promise<Probe> {
      try {
        if (await cached()) return { availability: "installed", detail: `Ollama ${version} in the tool cache` };
        return { availability: "installable", detail: `Ollama ${version} can be downloaded` };
      } catch (error) {
        return { availability: "unavailable", detail: (error as Error).message };
      }
    },
    async prepare() {
      binary = await installOllama({
        toolDir: context.toolDir,
        version,
        release: supportedRelease(version),
        env: context.env,
        log: context.log,
      });
      const check = await execa(binary, ["--version"], { reject: false, all: true, timeout: 30_000 });
      context.log(`Ollama ${version}: ${(check.all ?? "").trim().split("\n").at(-1) ?? ""}`);
    },
    async start(request: ModelRequest) {
      const model = requireStoreModel("ollama", request);
      const ollama = binary ?? (await cached());
      if (!ollama) throw new BackendError("ollama", "start() before prepare(): Ollama is not installed");
      const view = await writeOllamaView({
        store: model.store,
        pulled: model.pulled,
        reference: model.reference,
        modelsDir: path.join(context.workDir, "ollama-models"),
      });
      const port = await choosePort("ollama", settings.port);
      const spawned = await spawnBackendProcess({
        backend: "ollama",
        command: ollama,
        args: ["serve"],
        logFile: path.join(context.workDir, "ollama.log"),
        ...spawnLifetime(context),
        env: ollamaEnv(context.env, port, view.modelsDir, settings.contextSize),
      });
      const origin = `http://127.0.0.1:${port}`;
      const handle: BackendHandle = {
        backend: "ollama",
        pid: spawned.pid,
        logFile: spawned.logFile,
        extra: { modelsDir: view.modelsDir, origin },
      };
      return {
        handle,
        async ready(): Promise<Endpoint> {
          await waitForOllama({
            origin,
            modelId: view.modelId,
            timeoutMs: settings.readyTimeoutMs,
            process: spawned,
            ...(settings.threads !== undefined ? { threads: settings.threads } : {}),
            ...(settings.contextSize !== undefined ? { contextSize: settings.contextSize } : {}),
          });
          const device = await ollamaLoadedDevice(origin, view.modelId, currentPlatform(), spawned.logFile);
          return {
            baseUrl: `${origin}/v1`,
            modelId: view.modelId,
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
