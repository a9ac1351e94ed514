import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";

/**
 * Runs an action the way the GitHub runner does: `node <runs.main>` with INPUT_* variables (defaults from
 * action.yml applied), the file-command files GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY, GITHUB_ENV
 * and GITHUB_PATH, then, when action.yml declares `runs.post`, the post step with STATE_* from the main
 * step's saved state (post-if defaults to always(), as on the runner).
 */

export interface Annotation {
  readonly level: "error" | "warning" | "notice";
  readonly message: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface StepResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summary: string;
  readonly annotations: Annotation[];
  /** Values registered with `::add-mask::`. */
  readonly masks: string[];
}

/** Directories a runner provides; pass the same ones to a second run to keep a tool cache or workspace. */
export interface RunnerDirs {
  /** Holds the others; remove it when done. */
  readonly root: string;
  readonly temp: string;
  readonly toolCache: string;
  readonly workspace: string;
}

export interface RunActionOptions {
  /** Input values by their action.yml names. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Further environment (the cache service's variables, GITHUB_API_URL, ...). */
  readonly env?: Readonly<Record<string, string>>;
  readonly dirs?: RunnerDirs;
  readonly timeoutMs?: number;
  /** Runs after the main step and before the post step: where a later step of the job would use what main set up. */
  readonly betweenSteps?: (main: StepResult) => Promise<void>;
}

export interface ActionRun {
  readonly main: StepResult;
  readonly post?: StepResult;
  readonly dirs: RunnerDirs;
}

interface ActionDefinition {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  runs: { using: string; main: string; post?: string };
}

/** The runner's variable name for an input: upper-case, spaces to underscores, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

export async function runBundledAction(actionDir: string, options: RunActionOptions = {}): Promise<ActionRun> {
  const definition = parse(await readFile(path.join(actionDir, "action.yml"), "utf8")) as ActionDefinition;
  if (!/^node\d+$/.test(definition.runs.using)) {
    throw new Error(`${actionDir} is not a JavaScript action (runs.using: ${definition.runs.using})`);
  }
  const dirs = options.dirs ?? (await makeRunnerDirs());
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(definition.inputs ?? {})) {
    if (spec.default !== undefined) inputs[inputVariable(name)] = String(spec.default);
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) inputs[inputVariable(name)] = value;
  const base = { ...inheritedEnv(), ...runnerEnv(dirs), ...options.env, ...inputs };

  const main = await runStep(path.join(actionDir, definition.runs.main), base, dirs, options.timeoutMs);
  if (!definition.runs.post) return { main, dirs };
  // The post step runs whatever happens between the steps, as post-if: always() does on the runner.
  const between = options.betweenSteps?.(main).then(
    () => undefined,
    (error: unknown) => error,
  );
  const betweenError = await between;
  const stateEnv = Object.fromEntries(Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value]));
  const post = await runStep(
    path.join(actionDir, definition.runs.post),
    { ...base, ...stateEnv },
    dirs,
    options.timeoutMs,
  );
  if (betweenError !== undefined) throw betweenError;
  return { main, post, dirs };
}

/**
 * An action directory whose entry runs the compiled sources in lib/ (`npm run build`) instead of the committed
 * bundle: the same action.yml and the same runner protocol, for code the bundle does not have yet. `module`
 * is the lib/ file whose `run()` is the action's entry point; its serve runtime is then the CLI in bin/.
 */
export async function actionFromLib(actionDir: string, module: string, into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  await copyFile(path.join(actionDir, "action.yml"), path.join(into, "action.yml"));
  const definition = parse(await readFile(path.join(into, "action.yml"), "utf8")) as ActionDefinition;
  const entry = `import { run } from ${JSON.stringify(pathToFileURL(module).href)};\nawait run();\n`;
  for (const file of new Set([definition.runs.main, definition.runs.post ?? definition.runs.main])) {
    const dir = path.dirname(path.join(into, file));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "package.json"), '{"type": "module"}\n');
    await writeFile(path.join(into, file), entry);
  }
  return into;
}

export async function makeRunnerDirs(): Promise<RunnerDirs> {
  const root = await mkdtemp(path.join(tmpdir(), "runner-"));
  const dirs = {
    root,
    temp: path.join(root, "temp"),
    toolCache: path.join(root, "tool-cache"),
    workspace: path.join(root, "work", "repo", "repo"),
  };
  for (const dir of [dirs.temp, dirs.toolCache, dirs.workspace]) await mkdir(dir, { recursive: true });
  return dirs;
}

/** The parent's environment without anything a runner would set, so a run sees only what this helper gives it. */
function inheritedEnv(): Record<string, string> {
  const runnerPrefixes = /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !runnerPrefixes.test(entry[0]),
    ),
  );
}

function runnerEnv(dirs: RunnerDirs): Record<string, string> {
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
  };
}

async function runStep(
  entry: string,
  env: Record<string, string>,
  dirs: RunnerDirs,
  timeoutMs = 120_000,
): Promise<StepResult> {
  const commandDir = await mkdtemp(path.join(dirs.temp, "_runner_file_commands-"));
  const files = {
    GITHUB_OUTPUT: path.join(commandDir, "set_output"),
    GITHUB_STATE: path.join(commandDir, "save_state"),
    GITHUB_STEP_SUMMARY: path.join(commandDir, "step_summary"),
    GITHUB_ENV: path.join(commandDir, "set_env"),
    GITHUB_PATH: path.join(commandDir, "add_path"),
  };
  for (const file of Object.values(files)) await writeFile(file, "");
  const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        [entry],
        { cwd: dirs.workspace, env: { ...env, ...files }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error && typeof error.code === "number" ? error.code : error ? 1 : 0;
          resolve({ exitCode: code, stdout, stderr });
        },
      );
    },
  );
  const workflowCommands = parseWorkflowCommands(stdout);
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(await readFile(files.GITHUB_OUTPUT, "utf8")),
    state: parseFileCommands(await readFile(files.GITHUB_STATE, "utf8")),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, "utf8"),
    ...workflowCommands,
  };
}

/** The runner's key-value file format: `name=value` lines, or `name<<DELIMITER`, value lines, `DELIMITER`. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "") continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    const equals = line.indexOf("=");
    if (heredoc && (equals < 0 || equals > line.indexOf("<<"))) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) throw new Error(`file command ${name}: no closing delimiter ${delimiter}`);
      values[name] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (equals > 0) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`file command line not understood: ${line}`);
    }
  }
  return values;
}

function unescapeData(value: string): string {
  return value.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replaceAll("%3A", ":").replaceAll("%2C", ",");
}

/** `::error file=a,line=1,title=t::message` annotations and `::add-mask::value` lines from a step's stdout. */
export function parseWorkflowCommands(stdout: string): { annotations: Annotation[]; masks: string[] } {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::(error|warning|notice|add-mask)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command, rawProperties, data] = match as unknown as [string, string, string | undefined, string];
    if (command === "add-mask") {
      masks.push(unescapeData(data));
      continue;
    }
    const properties: Record<string, string> = {};
    for (const pair of rawProperties ? rawProperties.split(",") : []) {
      const equals = pair.indexOf("=");
      if (equals > 0) properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1));
    }
    annotations.push({ level: command as Annotation["level"], message: unescapeData(data), properties });
  }
  return { annotations, masks };
}
