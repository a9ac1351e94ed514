import { BOUNDS } from "../core/bounds.js";
import {
  booleanSetting,
  boundedSetting,
  choiceSetting,
  requiredSetting,
  SettingError,
  type SettingSource,
} from "../core/settings.js";
import { type BackendSettings, GPU_MODES } from "./backend.js";
import {
  parseBackendChoice,
  parseInstallPolicy,
  resolveEnvironment,
  resolveStrategy,
  type SelectionRequest,
} from "./select.js";

/** What setup needs, as the CLI's `setup` and the setup-model action both give it. */
export interface SetupSettings {
  /** A reference for store backends, the served name for openai. */
  readonly model: string;
  readonly selection: SelectionRequest;
  readonly settings: BackendSettings;
  /** The existing endpoint, for the openai backend. */
  readonly baseUrl?: string;
  /** Restart the backend once after the first load and time the second (warm) load. */
  readonly warmLoad: boolean;
}

const DEFAULT_READY_TIMEOUT_SECONDS = 600;

/**
 * Parses setup's settings from either shell: the same names, defaults and bounds, so the CLI and the action
 * cannot drift apart. `env` supplies the selection's environment defaults ($MODEL_DISTRIBUTION, $DEPLOYMENT_ENV).
 */
export function parseSetupSettings(source: SettingSource, env: NodeJS.ProcessEnv): SetupSettings {
  const backend = parseBackendChoice(source.value("backend") ?? "auto");
  const baseUrl = source.value("base-url");
  if (backend === "openai" && baseUrl === undefined) {
    throw new SettingError(
      `${source.label("base-url")} is required with backend openai (the existing endpoint's base URL)`,
    );
  }
  const version = source.value("version");
  const threads = boundedSetting(source, "threads", BOUNDS.threads);
  const contextSize = boundedSetting(source, "context-size", BOUNDS.contextSize);
  const readySeconds =
    boundedSetting(source, "ready-timeout", BOUNDS.readyTimeoutSeconds) ?? DEFAULT_READY_TIMEOUT_SECONDS;
  return {
    model: requiredSetting(source, "model"),
    selection: {
      backend,
      strategy: resolveStrategy(source.value("strategy"), env),
      environment: resolveEnvironment(source.value("environment"), env),
      install: parseInstallPolicy(source.value("install")),
    },
    settings: {
      gpu: choiceSetting(source, "gpu", GPU_MODES, "none"),
      port: boundedSetting(source, "port", BOUNDS.listenPort) ?? 0,
      readyTimeoutMs: Math.round(1000 * readySeconds),
      ...(version === undefined ? {} : { version }),
      ...(threads === undefined ? {} : { threads }),
      ...(contextSize === undefined ? {} : { contextSize }),
    },
    ...(baseUrl === undefined ? {} : { baseUrl }),
    warmLoad: booleanSetting(source, "warm-load", false),
  };
}
