import path from "node:path";
import type { SetupRequest } from "../backends/setup.js";
import { parseSetupSettings } from "../backends/setup-request.js";
import { BOUNDS, type Bounds } from "../core/bounds.js";
import type { Digest } from "../core/digest.js";
import type { Reference } from "../core/ref.js";
import { booleanSetting, boundedSetting, requiredSetting, SettingError, type SettingSource } from "../core/settings.js";
import { parsePinnedSource } from "../promote/endpoints.js";
import { parseResultKinds, type Requirement } from "../promote/policy.js";

/** What a release needs, as the CLI's `release` and the release-model action both give it. */
export interface ReleaseSettings {
  readonly source: Reference & { readonly digest: Digest };
  readonly channel: string;
  readonly toRepo?: string;
  readonly require: readonly Requirement[];
  /** The suite file, absolute. */
  readonly checkSuite?: string;
  readonly checkBench: boolean;
  /** The bench scenario file, absolute. */
  readonly benchScenario?: string;
  readonly benchRuns?: number;
  /** A shell command, or an http(s) URL polled for health. */
  readonly postCheck?: string;
  readonly postCheckTimeoutMs: number;
  readonly lockWaitMs: number;
  readonly dryRun: boolean;
  readonly reason?: string;
  /** How to serve the idle colour, when a pre-switch check serves it; `options` are the shell's to fill. */
  readonly serving?: Omit<SetupRequest, "model" | "options" | "installOption">;
}

/**
 * Parses release's settings from either shell. The serving settings are setup's, parsed by setup's own
 * parser, so both commands take the same names, defaults and bounds. Relative files are resolved against
 * `directory` (the working directory for the CLI, the workspace for the action).
 */
export function parseReleaseSettings(
  source: SettingSource,
  directory: string,
  env: NodeJS.ProcessEnv,
): ReleaseSettings {
  const model = requiredSetting(source, "model");
  const channel = requiredSetting(source, "channel");
  const file = (setting: string) => {
    const value = source.value(setting);
    return value === undefined ? undefined : path.resolve(directory, value);
  };
  const checkSuite = file("check-suite");
  const checkBench = booleanSetting(source, "check-bench", false);
  const benchScenario = file("bench-scenario");
  const benchRuns = boundedSetting(source, "bench-runs", BOUNDS.runs);
  const postCheck = source.value("post-check");
  const toRepo = source.value("to-repo");
  const reason = source.value("reason");
  const seconds = (setting: string, fallback: number, bounds: Bounds) =>
    1000 * (boundedSetting(source, setting, bounds) ?? fallback);
  let serving: ReleaseSettings["serving"];
  if (checkSuite !== undefined || checkBench) {
    if (source.value("backend")?.trim().toLowerCase() === "openai") {
      throw new SettingError(
        `${source.label("backend")} cannot be openai: a release serves the digest it pulls back by tag`,
      );
    }
    const { selection, settings } = parseSetupSettings(source, env);
    serving = { selection, settings };
  }
  return {
    source: parsePinnedSource(model),
    channel,
    ...(toRepo === undefined ? {} : { toRepo }),
    require: parseResultKinds((source.value("require") ?? "").split(/[\n,]/)),
    ...(checkSuite === undefined ? {} : { checkSuite }),
    checkBench,
    ...(benchScenario === undefined ? {} : { benchScenario }),
    ...(benchRuns === undefined ? {} : { benchRuns }),
    ...(postCheck === undefined ? {} : { postCheck }),
    postCheckTimeoutMs: seconds("post-check-timeout", 120, BOUNDS.checkTimeoutSeconds),
    lockWaitMs: seconds("lock-wait", 900, BOUNDS.lockWaitSeconds),
    dryRun: booleanSetting(source, "dry-run", false),
    ...(reason === undefined ? {} : { reason }),
    ...(serving ? { serving } : {}),
  };
}
