import * as core from "@actions/core";
import type { Bounds } from "../core/bounds.js";
import { UsageError } from "../core/errors.js";
import { boundedSetting, type SettingSource } from "../core/settings.js";

/** An action input that is missing or does not parse; the message names the input and what it expects. */
export class InputError extends UsageError {}

/** A trimmed input, or undefined when it is empty or not given. */
export function optionalInput(name: string): string | undefined {
  const value = core.getInput(name);
  return value === "" ? undefined : value;
}

export function requiredInput(name: string): string {
  const value = optionalInput(name);
  if (value === undefined) throw new InputError(`input "${name}" is required and was not given`);
  return value;
}

const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);

/** A YAML 1.2 core-schema boolean, as core.getBooleanInput reads it, with a default for an empty input. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new InputError(`input "${name}" must be true or false, got "${value}"`);
}

/** Items separated by newlines or commas, trimmed, empty items dropped. */
export function listInput(name: string): string[] {
  return (optionalInput(name) ?? "")
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** A number input within `bounds` (the CLI's option of the same meaning has the same ones); undefined when empty. */
export function optionalNumberInput(name: string, bounds: Bounds): number | undefined {
  return boundedSetting(actionInputs, name, bounds);
}

/** As optionalNumberInput, with `fallback` for an empty input. */
export function numberInput(name: string, bounds: Bounds, fallback: number): number {
  return optionalNumberInput(name, bounds) ?? fallback;
}

/** An input holding a password, token or API key: masked in the log before anything can print it. */
export function secretInput(name: string): string | undefined {
  const value = optionalInput(name);
  if (value !== undefined) maskSecret(value);
  return value;
}

/**
 * Registers a secret with the runner's log masker. The runner masks line by line, so a multi-line secret
 * (a key file) is also registered one line at a time.
 */
export function maskSecret(value: string): void {
  if (value === "") return;
  core.setSecret(value);
  const lines = value.split(/\r?\n/).map((line) => line.trim());
  if (lines.length > 1) {
    for (const line of lines) if (line !== "") core.setSecret(line);
  }
}

/** Action inputs as a setting source: a setting is read from the input of the same name. */
export const actionInputs: SettingSource = {
  value: optionalInput,
  label: (name) => `input "${name}"`,
  warn: (message) => core.warning(message),
};
