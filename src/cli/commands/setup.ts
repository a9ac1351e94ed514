import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { type BackendContext, BackendError, type BackendHandle } from "../../backends/backend.js";
import { logTail } from "../../backends/process.js";
import { type SetupRequest, type SetupResult, setupBackend, stopBackend } from "../../backends/setup.js";
import { parseSetupSettings } from "../../backends/setup-request.js";
import { openTarget } from "../../copy/targets.js";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { CortexError } from "../../core/errors.js";
import { isAlive } from "../../core/process-alive.js";
import { formatReference, isPinned, referenceVersion } from "../../core/ref.js";
import type { Descriptor } from "../../core/target.js";
import { createProgress } from "../../pull/progress.js";
import { damagedBlobWarning, pull, pullFromStore } from "../../pull/pull.js";
import { ModelStore } from "../../store/model-store.js";
import { requireSignature } from "../../trust/evidence.js";
import { resolvePolicy, type VerificationRequest } from "../../trust/request.js";
import { type Command, flagSource, parseCommandArgs } from "../command.js";
import { storeOption } from "../option-values.js";
import { trustLookups, verificationOptions, verificationRequest, verificationUsage } from "../trust-flags.js";

const usage = `Usage: cortex-model setup --model <ref> [options]

Does what the setup-model action does, in the foreground: pulls the model into the store, chooses and starts
a backend on it, prints the endpoint, and serves until SIGINT or SIGTERM, then stops the backend and
everything it started. If setup ends any other way, even killed with SIGKILL, a watchdog stops them.

Options:
  --model <ref>          model reference (with --backend openai: the name the endpoint serves)
  --backend <name>       auto (default), embedded, ollama, docker, llama-server or openai
  --strategy <s>         for auto: hybrid, docker-only, ollama-only, embedded-only ($MODEL_DISTRIBUTION, else hybrid)
  --environment <e>      for auto: production, staging, enterprise, development ($DEPLOYMENT_ENV, else development)
  --install <policy>     auto (install what was named; hybrid uses what is present, then embedded), missing
                         (also install the preferred backend) or never (default auto)
  --store <dir>          store directory (default: $CORTEX_MODEL_STORE, else ~/.cache/cortex-model)
  --port <n>             port to serve on, ${boundsRange(BOUNDS.listenPort)}; 0 picks a free one (default 0)
  --version <v>          backend version to install (Ollama release, llama.cpp tag, node-llama-cpp 3.x)
  --threads <n>          CPU threads, ${boundsRange(BOUNDS.threads)} (default: the backend chooses; embedded measures)
  --context-size <n>     tokens of context per request, ${boundsRange(BOUNDS.contextSize)}
  --gpu <mode>           none (default), auto or cuda
  --ready-timeout <s>    seconds to wait for the model to load and answer, ${boundsRange(BOUNDS.readyTimeoutSeconds)}
                         (default 600)
  --warm-load            after the first load, restart the backend once and time the second (warm) load
  --base-url <url>       backend openai: the existing endpoint (its key from $OPENAI_API_KEY)
  --json                 print the endpoint as one line of JSON: baseUrl, modelId, digest, backend, pid,
                         threads, device (cpu, metal, cuda, vulkan), loadSeconds, warmLoadSeconds
${verificationUsage}
                       with any of these, a digest without a valid signature by a trusted signer is refused
                       before any blob is downloaded

Tools installed on demand (Ollama, llama.cpp, node-llama-cpp) go to $CORTEX_MODEL_TOOLS, else
~/.cache/cortex-model-tools.`;

/** Where installed backends are kept between runs. */
export const TOOLS_ENV = "CORTEX_MODEL_TOOLS";

function toolDir(env: NodeJS.ProcessEnv): string {
  return env[TOOLS_ENV] ?? path.join(homedir(), ".cache", "cortex-model-tools");
}

function parseSetupArgs(
  args: string[],
  env: NodeJS.ProcessEnv,
): { request: SetupRequest; store?: string | undefined; json: boolean; verification: VerificationRequest } {
  const { values } = parseCommandArgs(
    "setup",
    args,
    {
      model: { type: "string" },
      backend: { type: "string" },
      strategy: { type: "string" },
      environment: { type: "string" },
      install: { type: "string" },
      store: { type: "string" },
      port: { type: "string" },
      version: { type: "string" },
      threads: { type: "string" },
      "context-size": { type: "string" },
      gpu: { type: "string" },
      "ready-timeout": { type: "string" },
      "warm-load": { type: "boolean" },
      "base-url": { type: "string" },
      json: { type: "boolean", default: false },
      ...verificationOptions,
    },
    false,
  );
  const { "verify-key": _keys, "certificate-identity-regexp": _identities, ...settingFlags } = values;
  const { baseUrl, ...parsed } = parseSetupSettings(flagSource(settingFlags), env);
  const apiKey = env.OPENAI_API_KEY;
  return {
    request: {
      ...parsed,
      options: {
        ...(baseUrl === undefined ? {} : { baseUrl }),
        ...(apiKey ? { apiKey } : {}),
      },
      installOption: "--install missing",
    },
    ...(values.store === undefined ? {} : { store: storeOption(values.store) }),
    json: values.json === true,
    verification: verificationRequest(values),
  };
}

type Signal = "SIGINT" | "SIGTERM";

/** SIGINT and SIGTERM from now on: the first one received, and a way to stop listening. */
function watchSignals(): { received: Promise<Signal>; dispose(): void } {
  let dispose = () => {};
  const received = new Promise<Signal>((resolve) => {
    const onInt = () => resolve("SIGINT");
    const onTerm = () => resolve("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    dispose = () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  });
  return { received, dispose };
}

/**
 * Resolves "gone" when the serving process ends by itself (a backend that died must not look like it serves),
 * or with the signal that asks to stop, whichever comes first.
 */
async function serveUntil(pid: number | undefined, signal: Promise<Signal>): Promise<Signal | "gone"> {
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<"gone">((resolve) => {
    if (pid !== undefined) timer = setInterval(() => isAlive(pid) || resolve("gone"), 500);
  });
  try {
    return await Promise.race([signal, gone]);
  } finally {
    clearInterval(timer);
  }
}

function describeEndpoint(result: SetupResult, json: boolean): string {
  const { endpoint } = result;
  const fields = {
    baseUrl: endpoint.baseUrl,
    modelId: endpoint.modelId,
    digest: result.digest ?? null,
    backend: result.backend,
    pid: endpoint.pid ?? null,
    threads: endpoint.threads ?? null,
    device: endpoint.device ?? null,
    loadSeconds: result.loadSeconds,
    warmLoadSeconds: result.warmLoad?.measured ? result.warmLoad.seconds : null,
  };
  if (json) return `${JSON.stringify(fields)}\n`;
  return [
    endpoint.baseUrl,
    `  model: ${endpoint.modelId}`,
    ...(result.digest ? [`  digest: ${result.digest}`] : []),
    `  backend: ${result.backend}${endpoint.pid === undefined ? "" : ` (pid ${endpoint.pid})`}`,
    ...(endpoint.device ? [`  device: ${endpoint.device}`] : []),
    `  loaded in ${result.loadSeconds} s`,
    ...(result.warmLoad?.measured ? [`  warm load ${result.warmLoad.seconds} s`] : []),
    "",
  ].join("\n");
}

export const setup: Command = {
  name: "setup",
  summary: "pull a model, start a backend on it and serve in the foreground (what the setup-model action does)",
  usage,
  async run(args, io) {
    const { request, store: storeDir, json, verification } = parseSetupArgs(args, io.env);
    const trust = await resolvePolicy(verification, trustLookups(io));
    const log = (line: string) => io.stderr.write(`cortex-model setup: ${line}\n`);
    const context: BackendContext = {
      toolDir: toolDir(io.env),
      workDir: await mkdtemp(path.join(tmpdir(), "cortex-model-setup-")),
      env: io.env,
      log,
      warn: (line: string) => log(`warning: ${line}`),
      // A foreground command: the backend ends with it, even when it is killed with SIGKILL, and so does
      // its temporary work directory.
      lifetime: "caller",
      ownsWorkDir: true,
    };
    const signals = watchSignals();
    let handle: BackendHandle | undefined;
    let signalled: Signal | undefined;
    const interrupted = () => new CortexError(`interrupted by ${signalled} before the endpoint was ready`);
    // A signal while the model loads stops the backend at once; setup then fails on its exit, and returns.
    void signals.received.then((signal) => {
      signalled = signal;
      if (handle) void stopBackend(handle, context);
    });
    try {
      const result = await setupBackend(request, context, {
        async pull(reference) {
          const store = await ModelStore.open({ ...(storeDir ? { dir: storeDir } : {}), env: io.env });
          const label = formatReference(reference);
          const progress = createProgress(io.stderr, { label, tty: io.stderr.isTTY === true });
          const source = await openTarget(reference, { env: io.env });
          // Checked after resolving and before any blob moves; a model already in the store is checked too.
          if (trust) await requireSignature(source, await source.resolve(referenceVersion(reference)), trust);
          const onDamaged = (blob: Descriptor) => log(`warning: ${damagedBlobWarning(store, blob)}`);
          // What is already in the store is hashed beside the backend's load, not before it.
          const checks = { onDamaged, deferHashOfPresent: true };
          const pulled =
            (trust ? undefined : await pullFromStore(store, reference, checks)) ??
            (await pull(source, reference, store, { progress, ...checks }));
          if (!isPinned(reference)) {
            log(`warning: ${label} is not pinned to a digest; it resolved to ${pulled.digest}: ${pulled.reference}`);
          }
          return { store: store.root, digest: pulled.digest, pulled, cacheHit: false };
        },
        started(started) {
          handle = started;
          if (signalled) void stopBackend(started, context);
        },
      }).catch((error: unknown) => {
        throw signalled ? interrupted() : error;
      });
      if (signalled) throw interrupted();
      io.stdout.write(describeEndpoint(result, json));
      log("serving until SIGINT or SIGTERM");
      const outcome = await serveUntil(result.endpoint.pid, signals.received);
      if (outcome === "gone") {
        throw new BackendError(result.backend, `the server (pid ${result.endpoint.pid}) exited while serving`, {
          logTail: await logTail(result.handle.logFile),
        });
      }
      log(`${outcome}: stopping the ${result.backend} backend`);
      await stopBackend(result.handle, context);
      log(`${result.backend} backend stopped`);
      return 0;
    } catch (error) {
      if (error instanceof BackendError && error.logTail !== "") io.stderr.write(`${error.logTail}\n`);
      throw error;
    } finally {
      signals.dispose();
      if (handle) await stopBackend(handle, context);
      await rm(context.workDir, { recursive: true, force: true });
    }
  },
};
