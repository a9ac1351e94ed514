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

/**
 * `--port -1` as `--port=-1`: parseArgs calls a value that starts with a dash "ambiguous", and the person
 * should hear that -1 is out of range instead.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const takesValue = new Set<string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (option.short) takesValue.add(`-${option.short}`);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg.startsWith("--") ? arg : `--${shortName(arg, options)}`}=${next}`);
      i++;
    } else if (arg === "--") {
      joined.push(...args.slice(i));
      break;
    } else joined.push(arg);
  }
  return joined;
}

function shortName(flag: string, options: Options): string {
  return Object.entries(options).find(([, option]) => `-${option.short}` === flag)?.[0] ?? flag.slice(1);
}

/** Edit distance counting a swap of neighbours as one edit (a typo's usual shape), for suggesting an option. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known option closest to an unknown one, when it is close enough to be a typo. */
export function closestOption(unknown: string, known: readonly string[]): string | undefined {
  const name = unknown.replace(/^-+/, "").split("=")[0] as string;
  let best: { option: string; distance: number } | undefined;
  for (const option of known) {
    const distance = option.startsWith(name) && name.length >= 3 ? 0 : editDistance(name, option);
    if (best === undefined || distance < best.distance) best = { option, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.option : undefined;
}

/**
 * node:util parseArgs, with its errors turned into one-line UsageErrors naming the command: an unknown
 * option gets the likeliest meant one instead of Node's advice about positionals starting with '-'.
 */
export function parseCommandArgs<T extends Options>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
      const meant = closestOption(unknown, Object.keys(options));
      const hint = meant ? `; did you mean --${meant}?` : `; run cortex-model ${command} --help for the options`;
      // No cause: Node's text would follow the message, advising on positionals that start with '-'.
      throw new UsageError(`unknown option ${unknown}${hint}`);
    }
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** Writes one JSON document on one line: the machine-readable contract of `--json`. */
export function writeJson(io: CommandIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
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

/**
 * Parsed flags as a setting source: a setting is read from the flag of the same name (a repeated flag's values
 * joined by newlines, as list settings split them); warnings go to `warn`, such as the command's stderr.
 */
export function flagSource(
  values: Readonly<Record<string, string | readonly string[] | boolean | undefined>>,
  warn: (message: string) => void = (message) => process.stderr.write(`cortex-model: warning: ${message}\n`),
): SettingSource {
  return {
    value(name) {
      const value = values[name];
      const text = Array.isArray(value) ? value.join("\n") : value === undefined ? "" : String(value);
      return text === "" ? undefined : text;
    },
    label: (name) => `--${name}`,
    warn,
  };
}

/** Warnings of a command, one line each on its stderr. */
export function commandWarnings(command: string, io: Pick<CommandIO, "stderr">): (message: string) => void {
  return (message) => io.stderr.write(`cortex-model ${command}: warning: ${message}\n`);
}
