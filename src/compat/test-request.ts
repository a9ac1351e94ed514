import path from "node:path";
import { BOUNDS } from "../core/bounds.js";
import { servedModelSettings } from "../core/model-settings.js";
import {
  boundedSetting,
  requiredSetting,
  SettingError,
  type SettingSource,
  withDeprecatedSpellings,
} from "../core/settings.js";
import { parseFailOn } from "./results.js";

/** What a compatibility run needs, as the CLI's `test` and the test-model action both give it. */
export interface TestSettings {
  /** The suite file as given (messages name it so); relative to the directory the settings were parsed for. */
  readonly suite: string;
  readonly baseUrl: string;
  /** The model name sent in requests (`model-id`). */
  readonly model: string;
  /** The model reference (`model`), recorded in results and used to attach them. */
  readonly reference?: string;
  /** The manifest digest recorded in results and baselines. */
  readonly digest?: string;
  /** The backend name recorded in results. */
  readonly backend?: string;
  /** Golden outputs for matches-baseline, absolute. */
  readonly baseline?: string;
  /** A second endpoint to run the suite against, listing the answers that differ. */
  readonly compare?: { readonly baseUrl: string; readonly model: string };
  /** The pass rate needed; the suite's own threshold when absent. */
  readonly threshold?: number;
  readonly concurrency: number;
  /** JUnit XML to write, absolute. */
  readonly junit?: string;
}

/**
 * Parses test's settings from either shell: the same names, defaults and bounds. Relative files are resolved
 * against `directory` (the working directory for the CLI, the workspace for the action).
 */
export function parseTestSettings(given: SettingSource, directory: string): TestSettings {
  const source = withDeprecatedSpellings(given, [{ old: "compare-model", setting: "compare-model-id" }]);
  const file = (setting: string) => {
    const value = source.value(setting);
    return value === undefined ? undefined : path.resolve(directory, value);
  };
  const failOn = source.value("fail-on");
  const threshold = failOn === undefined ? undefined : parseFailOn(failOn);
  if (failOn !== undefined && threshold === undefined) {
    throw new SettingError(
      `${source.label("fail-on")} must be "any" or a pass rate from 0 to 1 (or 0% to 100%), got "${failOn}"`,
    );
  }
  const { id, ref } = servedModelSettings(source, "", ["ref", "model-ref"]);
  const model = id ?? requiredSetting(source, "model-id");
  const compareBaseUrl = source.value("compare-base-url");
  const compareModel = source.value("compare-model-id");
  if (compareModel !== undefined && compareBaseUrl === undefined) {
    throw new SettingError(`${source.label("compare-model-id")} needs ${source.label("compare-base-url")}`);
  }
  const digest = source.value("digest");
  const backend = source.value("backend");
  const baseline = file("baseline");
  const junit = file("junit");
  return {
    suite: requiredSetting(source, "suite"),
    baseUrl: requiredSetting(source, "base-url"),
    model,
    ...(ref === undefined ? {} : { reference: ref }),
    ...(digest === undefined ? {} : { digest }),
    ...(backend === undefined ? {} : { backend }),
    ...(baseline === undefined ? {} : { baseline }),
    ...(compareBaseUrl === undefined ? {} : { compare: { baseUrl: compareBaseUrl, model: compareModel ?? model } }),
    ...(threshold === undefined ? {} : { threshold }),
    concurrency: boundedSetting(source, "concurrency", BOUNDS.suiteConcurrency) ?? 1,
    ...(junit === undefined ? {} : { junit }),
  };
}
