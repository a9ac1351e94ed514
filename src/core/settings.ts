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
  /** Tells the person something that does not stop the operation: a deprecated spelling, once per spelling. */
  warn(message: string): void;
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

/**
 * One of a fixed set of words, or the fallback when not given. `renamed` maps old words still taken to the
 * word they are now, with a warning naming it.
 */
export function choiceSetting<T extends string>(
  source: SettingSource,
  setting: string,
  choices: readonly T[],
  fallback: T,
  renamed: Readonly<Record<string, T>> = {},
): T {
  const value = source.value(setting);
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const now = Object.hasOwn(renamed, value) ? renamed[value] : undefined;
  if (now !== undefined) {
    source.warn(`${source.label(setting)} "${value}" is deprecated; use "${now}"`);
    return now;
  }
  throw new SettingError(`${source.label(setting)} must be one of ${choices.join(", ")}, got "${value}"`);
}

/** Items separated by newlines or commas (a repeated CLI flag arrives joined by newlines), trimmed, empties dropped. */
export function listSetting(source: SettingSource, setting: string): string[] {
  return (source.value(setting) ?? "")
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Every item of a list setting within `bounds`; the message names the setting and quotes the item. */
export function boundedListSetting(source: SettingSource, setting: string, bounds: Bounds): number[] {
  return listSetting(source, setting).map(
    (item) => boundedSetting({ ...source, value: () => item }, setting, bounds) as number,
  );
}

/** A setting and its deprecated spelling both given, with different values. */
export function spellingsDisagree(
  source: SettingSource,
  given: { readonly setting: string; readonly value: string },
  old: { readonly setting: string; readonly value: string },
): SettingError {
  const label = source.label(given.setting);
  return new SettingError(
    `${label} ("${given.value}") and its deprecated spelling ${source.label(old.setting)} ("${old.value}") disagree; give only ${label}`,
  );
}

/**
 * An old spelling of a setting that still works: its value is read as the new setting's, a warning names the
 * new spelling, and both given with different values is an error. `convert` turns an old value into the new
 * setting's terms (milliseconds into seconds, `fail-on-regression: false` into `warn-only: true`); it throws a
 * SettingError naming `oldLabel` for a value it cannot read.
 */
export interface DeprecatedSpelling {
  readonly old: string;
  readonly setting: string;
  readonly convert?: (value: string, oldLabel: string) => string;
}

/**
 * The source with deprecated spellings folded into the settings they now are: one mechanism for every
 * operation's request, so an old workflow or command line keeps working and hears the new spelling once.
 */
export function withDeprecatedSpellings(
  source: SettingSource,
  spellings: readonly DeprecatedSpelling[],
): SettingSource {
  const warned = new Set<string>();
  /** The old spelling's value in the new setting's terms, warning once; undefined when it was not given. */
  const oldValue = (spelling: DeprecatedSpelling): string | undefined => {
    const given = source.value(spelling.old);
    if (given === undefined) return undefined;
    const oldLabel = source.label(spelling.old);
    const converted = spelling.convert ? spelling.convert(given, oldLabel) : given;
    if (!warned.has(spelling.old)) {
      warned.add(spelling.old);
      const label = source.label(spelling.setting);
      const as = converted === given ? "" : ` (${oldLabel} "${given}" is ${label} "${converted}")`;
      source.warn(`${oldLabel} is deprecated; use ${label}${as}`);
    }
    return converted;
  };
  return {
    label: (setting) => source.label(setting),
    warn: (message) => source.warn(message),
    value(setting) {
      let value = source.value(setting);
      for (const spelling of spellings.filter((s) => s.setting === setting)) {
        const old = oldValue(spelling);
        if (old === undefined) continue;
        if (value !== undefined && value !== old) {
          throw spellingsDisagree(
            source,
            { setting, value },
            { setting: spelling.old, value: source.value(spelling.old) as string },
          );
        }
        value = old;
      }
      return value;
    },
  };
}
