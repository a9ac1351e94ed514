import { GPU_MODES, type GpuMode } from "../backends/backend.js";
import { parseBackendChoice, parseInstallPolicy, resolveEnvironment, resolveStrategy } from "../backends/select.js";
import type { SetupRequest } from "../backends/setup.js";
import { UsageError } from "../core/errors.js";
import { parsePositiveInt } from "./sizes.js";

/** The flags that say how a command serves a model from the store, as setup takes them. */
export const servingOptions = {
  backend: { type: "string", default: "auto" },
  strategy: { type: "string" },
  environment: { type: "string" },
  install: { type: "string" },
  store: { type: "string" },
  version: { type: "string" },
  threads: { type: "string" },
  "context-size": { type: "string" },
  gpu: { type: "string", default: "none" },
  "ready-timeout": { type: "string", default: "600" },
} as const;

export const servingUsage = `Serving (as setup takes them):
  --backend <name>       auto (default), embedded, ollama, docker or llama-server
  --strategy <s>         for auto: hybrid, docker-only, ollama-only, embedded-only
  --environment <e>      for auto: production, staging, enterprise, development
  --install <policy>     auto, missing or never (default auto)
  --store <dir>          store directory (default: $CORTEX_MODEL_STORE, else ~/.cache/cortex-model)
  --version <v>          backend version to install
  --threads <n>          CPU threads (default: the backend chooses; embedded measures)
  --context-size <n>     tokens of context per request
  --gpu <mode>           none (default), auto or cuda
  --ready-timeout <s>    seconds to wait for the model to load and answer (default 600)`;

type ServingValues = { [K in keyof typeof servingOptions]?: string | undefined };

/** How to serve, for a model given per call; a backend that serves no pulled model is refused. */
export function servingRequest(
  command: string,
  values: ServingValues,
  env: NodeJS.ProcessEnv,
): Omit<SetupRequest, "model"> {
  const backend = parseBackendChoice(values.backend ?? "auto");
  if (backend === "openai") {
    throw new UsageError(`${command}: --backend openai serves an existing endpoint, not a digest pulled by tag`);
  }
  const gpu = values.gpu ?? "none";
  if (!(GPU_MODES as readonly string[]).includes(gpu)) {
    throw new UsageError(`${command}: --gpu must be one of ${GPU_MODES.join(", ")}, got "${gpu}"`);
  }
  const readyTimeout = Number(values["ready-timeout"] ?? "600");
  if (!Number.isFinite(readyTimeout) || readyTimeout <= 0) {
    throw new UsageError(`${command}: --ready-timeout must be a number of seconds above 0`);
  }
  return {
    selection: {
      backend,
      strategy: resolveStrategy(values.strategy, env),
      environment: resolveEnvironment(values.environment, env),
      install: parseInstallPolicy(values.install),
    },
    settings: {
      gpu: gpu as GpuMode,
      port: 0,
      readyTimeoutMs: readyTimeout * 1000,
      ...(values.version === undefined ? {} : { version: values.version }),
      ...(values.threads === undefined ? {} : { threads: parsePositiveInt(values.threads, "--threads") }),
      ...(values["context-size"] === undefined
        ? {}
        : { contextSize: parsePositiveInt(values["context-size"], "--context-size") }),
    },
    options: {},
    installOption: "--install missing",
  };
}
