import path from "node:path";
import { BOUNDS } from "../core/bounds.js";
import { describeError } from "../core/errors.js";
import { servedModelSettings } from "../core/model-settings.js";
import {
  booleanSetting,
  boundedListSetting,
  boundedSetting,
  type DeprecatedSpelling,
  listSetting,
  SettingError,
  type SettingSource,
  withDeprecatedSpellings,
} from "../core/settings.js";
import type { MetricName } from "./metric-catalog.js";
import { gateMarker } from "./report.js";
import type { ServedSideSpec } from "./served-side.js";
import { parseThreshold } from "./verdict.js";

/** The baseline a run names: a served side measured interleaved, or stored results in a file or the registry. */
export type BaselineSettings =
  | { readonly kind: "served"; readonly side: ServedSideSpec }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "ref"; readonly ref: string };

/** What a benchmark gate needs, as the CLI's `bench` and the bench-model action both give it. */
export interface BenchSettings {
  readonly candidate: ServedSideSpec;
  /** Absent when none was given (the action may then restore one from its cache). */
  readonly baseline?: BaselineSettings;
  /** Scenario YAML, absolute; the built-in scenario when absent. */
  readonly scenarioFile?: string;
  readonly runs?: number;
  readonly warmup?: number;
  readonly thresholdsPct: Readonly<Partial<Record<MetricName, number>>>;
  readonly warnOnly: boolean;
  readonly gateName: string;
}

const SIDES = ["", "baseline-"] as const;

function invert(value: string, oldLabel: string): string {
  if (["true", "True", "TRUE"].includes(value)) return "false";
  if (["false", "False", "FALSE"].includes(value)) return "true";
  throw new SettingError(`${oldLabel} must be true or false, got "${value}"`);
}

function millisecondsAsSeconds(value: string, oldLabel: string): string {
  const source = { value: () => value, label: () => oldLabel, warn: () => {} };
  return boundedListSetting(source, "ms", BOUNDS.loadMilliseconds)
    .map((ms) => String(ms / 1000))
    .join("\n");
}

/** Spellings bench took before the CLI and the action agreed on one vocabulary. */
const deprecated: readonly DeprecatedSpelling[] = [
  { old: "threshold", setting: "thresholds" },
  { old: "fail-on-regression", setting: "warn-only", convert: invert },
  ...SIDES.flatMap((prefix) => [
    { old: `${prefix}cold-load-ms`, setting: `${prefix}load-seconds`, convert: millisecondsAsSeconds },
    { old: `${prefix}warm-load-ms`, setting: `${prefix}warm-load-seconds`, convert: millisecondsAsSeconds },
  ]),
];

/** Names of the baselines to choose from, as this shell spells them, for the message when none or several are given. */
export function baselineChoices(source: SettingSource): string {
  const label = (name: string) => source.label(name);
  return `${label("baseline-base-url")} with ${label("baseline-model-id")} (interleaved A/B), ${label("baseline-file")} or ${label("baseline-ref")}`;
}

/** Load times in milliseconds from a list of seconds. */
function loadTimes(source: SettingSource, setting: string): number[] {
  return boundedListSetting(source, setting, BOUNDS.loadSeconds).map((s) => Math.round(s * 1e6) / 1e3);
}

/** One served side, or undefined when neither its base URL nor its served name is given. */
function servedSide(source: SettingSource, prefix: (typeof SIDES)[number]): ServedSideSpec | undefined {
  const label = (name: string) => source.label(`${prefix}${name}`);
  const text = (name: string) => source.value(`${prefix}${name}`);
  const baseUrl = text("base-url");
  // The baseline's old reference spelling (the action's baseline-model-ref); the CLI's --baseline-ref is the
  // registry baseline, never a side's reference.
  const model = servedModelSettings(source, prefix, prefix === "" ? ["ref", "model-ref"] : ["baseline-model-ref"]);
  if (baseUrl === undefined && model.id === undefined) {
    if (model.ref !== undefined) throw new SettingError(`${label("model")} needs ${label("base-url")}`);
    return undefined;
  }
  if (baseUrl === undefined || model.id === undefined) {
    throw new SettingError(`${label("base-url")} and ${label("model-id")} go together`);
  }
  const threads = boundedSetting(source, `${prefix}threads`, BOUNDS.threads);
  const pid = boundedSetting(source, `${prefix}pid`, BOUNDS.pid);
  const digest = text("digest");
  const backend = text("backend");
  return {
    baseUrl,
    model: model.id,
    ...(model.ref === undefined ? {} : { ref: model.ref }),
    ...(digest === undefined ? {} : { digest }),
    ...(backend === undefined ? {} : { backend }),
    ...(threads === undefined ? {} : { threads }),
    ...(pid === undefined ? {} : { pid }),
    coldLoadMs: loadTimes(source, `${prefix}load-seconds`),
    warmLoadMs: loadTimes(source, `${prefix}warm-load-seconds`),
  };
}

function baselineSettings(source: SettingSource, directory: string): BaselineSettings | undefined {
  const served = servedSide(source, "baseline-");
  const file = source.value("baseline-file");
  const ref = source.value("baseline-ref");
  const given = [served, file, ref].filter((x) => x !== undefined).length;
  if (given > 1) throw new SettingError(`give exactly one baseline: ${baselineChoices(source)}`);
  if (served) return { kind: "served", side: served };
  if (file !== undefined) return { kind: "file", path: path.resolve(directory, file) };
  if (ref !== undefined) return { kind: "ref", ref };
  return undefined;
}

function thresholds(source: SettingSource): Partial<Record<MetricName, number>> {
  return Object.fromEntries(
    listSetting(source, "thresholds").map((item) => {
      try {
        return parseThreshold(item);
      } catch (error) {
        throw new SettingError(`${source.label("thresholds")}: ${describeError(error)}`, { cause: error });
      }
    }),
  );
}

/**
 * Parses bench's settings from either shell: the same names, defaults, bounds and deprecated spellings, so the
 * CLI and the action cannot drift apart. Relative files are resolved against `directory` (the working
 * directory for the CLI, the workspace for the action).
 */
export function parseBenchSettings(given: SettingSource, directory: string): BenchSettings {
  const source = withDeprecatedSpellings(given, deprecated);
  const candidate = servedSide(source, "");
  if (candidate === undefined) {
    throw new SettingError(`${source.label("base-url")} and ${source.label("model-id")} are required`);
  }
  const gateName = source.value("gate-name") ?? "bench";
  try {
    gateMarker(gateName);
  } catch (error) {
    throw new SettingError(`${source.label("gate-name")}: ${describeError(error)}`, { cause: error });
  }
  const baseline = baselineSettings(source, directory);
  const scenario = source.value("scenario");
  const runs = boundedSetting(source, "runs", BOUNDS.runs);
  const warmup = boundedSetting(source, "warmup", BOUNDS.warmup);
  return {
    candidate,
    ...(baseline === undefined ? {} : { baseline }),
    ...(scenario === undefined ? {} : { scenarioFile: path.resolve(directory, scenario) }),
    ...(runs === undefined ? {} : { runs }),
    ...(warmup === undefined ? {} : { warmup }),
    thresholdsPct: thresholds(source),
    warnOnly: booleanSetting(source, "warn-only", false),
    gateName,
  };
}
