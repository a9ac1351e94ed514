import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

export interface ServeProcess {
  /** OpenAI-compatible base URL (`…/v1`). */
  readonly baseUrl: string;
  /** `http://host:port`, for `/health` and `/tokenize`. */
  readonly origin: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The ready line printed on stdout. */
  readonly readyLine: string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnServe(args: readonly string[]) {
  const child = spawn(process.execPath, [join(root, "bin", "cortex-model.js"), "serve", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/** Runs `cortex-model serve` built in lib/ and waits until its ready file appears (or it exits). */
export async function startServe(
  args: readonly string[],
  readyFile: string,
  timeoutMs = 120_000,
): Promise<ServeProcess> {
  const { child, exited, out, err } = spawnServe([...args, "--ready-file", readyFile]);
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) throw new Error(`serve exited with ${exitCode} before it was ready:\n${err()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`serve was not ready after ${timeoutMs} ms:\n${err()}`);
    }
    const text = await readFile(readyFile, "utf8").catch(() => "");
    // The ready line follows the file; wait for both so tests can read it.
    if (text.endsWith("\n") && out().includes("\n")) {
      const ready = JSON.parse(text) as { url: string; pid: number };
      return {
        baseUrl: ready.url,
        origin: ready.url.replace(/\/v1$/, ""),
        pid: ready.pid,
        child,
        readyLine: out().split("\n")[0] ?? "",
        stderr: err,
        stop: async () => {
          child.kill("SIGTERM");
          return exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `cortex-model serve` expecting it to end by itself (a usage or startup error). */
export async function runServe(args: readonly string[]): Promise<ServeRun> {
  const { exited, out, err } = spawnServe(args);
  const code = await exited;
  return { code, stdout: out(), stderr: err() };
}
