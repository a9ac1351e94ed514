import { flagSource, parseCommandArgs } from "../../src/cli/command.js";
import type { SettingSource } from "../../src/core/settings.js";
import { actionInputs } from "../../src/github/inputs.js";

/**
 * The same settings as a command's flags and as action inputs (INPUT_* variables, as the runner sets them),
 * so a test can check that both shells parse them alike. `true` is a boolean flag given without a value.
 * Each shell's warnings are collected in `warnings`. The caller removes the INPUT_* variables afterwards
 * (`clearInputs`).
 */
export function bothShells(
  command: string,
  settings: Readonly<Record<string, string | true>>,
  booleans: readonly string[] = [],
): { cli: SettingSource; action: SettingSource; warnings: { cli: string[]; action: string[] } } {
  const args = Object.entries(settings).flatMap(([name, value]) =>
    value === true ? [`--${name}`] : [`--${name}=${value}`],
  );
  const options = Object.fromEntries(
    Object.keys(settings).map((name) => [
      name,
      booleans.includes(name) ? { type: "boolean" as const } : { type: "string" as const },
    ]),
  );
  const { values } = parseCommandArgs(command, args, options, false);
  for (const [name, value] of Object.entries(settings)) process.env[`INPUT_${name.toUpperCase()}`] = String(value);
  const warnings = { cli: [] as string[], action: [] as string[] };
  return {
    cli: flagSource(values, (message) => warnings.cli.push(message)),
    action: { ...actionInputs, warn: (message) => warnings.action.push(message) },
    warnings,
  };
}

export function clearInputs(): void {
  for (const variable of Object.keys(process.env)) if (variable.startsWith("INPUT_")) delete process.env[variable];
}
