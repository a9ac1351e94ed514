import { type ParseArgsConfig, parseArgs } from "node:util";
import { CortexError, describeError, UsageError } from "../core/errors.js";
import type { SettingSource } from "../core/settings.js";

/** Where a command writes; tests pass their own to read what a person would see. */
export interface CommandIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `cortex-model help`. */
  readonly summary: string;
  /** Usage text shown by `cortex-model <name> --help` and after a usage error. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** A command as the CLI lists it: its name, and its module loaded only when it runs. */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<Command>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, with its errors turned into UsageError naming the command. */
export function parseCommandArgs<T extends Options>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes one JSON document on its own line: the machine-readable contract of `--json`. */
export function writeJson(io: CommandIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs a command's body, turning a thrown error into its one-line reason and exit code; shared by the CLI and
 * single-command bundles (setup-model's serve runtime).
 */
export async function runCommand(name: string, io: CommandIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    io.stderr.write(`cortex-model ${name}: ${describeError(error)}\n`);
    if (io.env.CORTEX_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return error instanceof CortexError ? error.exitCode : 1;
  }
}

/** Parsed flags as a setting source: a setting is read from the flag of the same name. */
export function flagSource(values: Readonly<Record<string, string | boolean | undefined>>): SettingSource {
  return {
    value(name) {
      const value = values[name];
      return value === undefined || value === "" ? undefined : String(value);
    },
    label: (name) => `--${name}`,
  };
}
