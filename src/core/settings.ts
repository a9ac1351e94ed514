import { type Bounds, describeBounds, parseDecimal, withinBounds } from "./bounds.js";
import { UsageError } from "./errors.js";

/**
 * Where an operation's settings come from: CLI flags or action inputs. The operation's request is parsed once
 * from a source; each shell only says how to look a setting up and how a person names it.
 */
export interface SettingSource {
  /** The value given for a setting (by its kebab-case name), or undefined when it was not given or is empty. */
  value(setting: string): string | undefined;
  /** How the person wrote or would write the setting, for messages: `setup: --port` or `input "port"`. */
  label(setting: string): string;
}

/** A setting whose value can never work; the message names the setting as the person wrote it. */
export class SettingError extends UsageError {}

export function requiredSetting(source: SettingSource, setting: string): string {
  const value = source.value(setting);
  if (value === undefined) throw new SettingError(`${source.label(setting)} is required`);
  return value;
}

/**
 * A number within `bounds` (one of BOUNDS, so both shells and every command share the range), or undefined
 * when not given. Only decimal spellings count: `0x10`, `1e3` and `Infinity` are refused, quoted as given.
 */
export function boundedSetting(source: SettingSource, setting: string, bounds: Bounds): number | undefined {
  const value = source.value(setting);
  if (value === undefined) return undefined;
  const number = parseDecimal(value);
  if (!withinBounds(number, bounds)) {
    throw new SettingError(`${source.label(setting)} must be ${describeBounds(bounds)}, got "${value}"`);
  }
  return number;
}

const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);

/** A YAML 1.2 core-schema boolean (as the runner's getBooleanInput reads it), with a default. */
export function booleanSetting(source: SettingSource, setting: string, fallback: boolean): boolean {
  const value = source.value(setting);
  if (value === undefined) return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new SettingError(`${source.label(setting)} must be true or false, got "${value}"`);
}

/** One of a fixed set of words, or the fallback when not given. */
export function choiceSetting<T extends string>(
  source: SettingSource,
  setting: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = source.value(setting);
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new SettingError(`${source.label(setting)} must be one of ${choices.join(", ")}, got "${value}"`);
}
