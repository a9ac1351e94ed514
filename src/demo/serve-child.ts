import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { stopProcessGroup } from "../backends/process.js";
import { tieGroup } from "../backends/watchdog.js";
import { EnvironmentError } from "../core/errors.js";

export interface ServeChildOptions {
  readonly model: string;
  readonly modelId: string;
  /** Where the child writes `{url, pid, model, threads}` once it serves. */
  readonly readyFile: string;
  readonly threads?: number;
  readonly timeoutMs?: number;
}

export interface ServeChild {
  /** OpenAI-compatible base URL, ending in /v1. */
  readonly baseUrl: string;
  readonly pid: number;
  readonly modelId: string;
  /** Milliseconds from spawning the process to its ready file: the cold load the benchmark records. */
  readonly coldLoadMs: number;
  stop(): Promise<void>;
}

const bin = fileURLToPath(new URL("../../bin/cortex-model.js", import.meta.url));

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join("\n");
}

/**
 * Runs the embedded backend as `cortex-model serve` in a child process on a free loopback port, so each
 * model has its own process tree whose memory and CPU the benchmark can sample. The child leads a process
 * group tied to this process (watchdog.ts): the demo is a foreground command, and its servers must not
 * outlive it however it ends, SIGKILL included.
 */
export async function startServeChild(options: ServeChildOptions): Promise<ServeChild> {
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      "serve",
      "--model",
      options.model,
      "--model-id",
      options.modelId,
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--threads",
      String(options.threads ?? 1),
      "--ready-file",
      options.readyFile,
    ],
    { detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  const tied = child.pid === undefined ? undefined : tieGroup(child.pid);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exitCode = code;
      resolve();
    }),
  );
  // Also once the child has exited: what it started may be left in its group, and the watchdog is released.
  const stop = async () => {
    await stopProcessGroup(child.pid as number);
    await exited;
  };
  await tied?.catch(async (error: unknown) => {
    await stop();
    throw new EnvironmentError(`serving ${options.modelId}: could not start the watchdog of its process group`, {
      cause: error,
    });
  });
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new EnvironmentError(`serving ${options.modelId} failed: exit ${exitCode}\n${tail(stderr)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new EnvironmentError(`serving ${options.modelId}: not ready in time\n${tail(stderr)}`);
    }
    const text = await readFile(options.readyFile, "utf8").catch(() => "");
    if (text.endsWith("\n")) {
      const ready = JSON.parse(text) as { url: string; pid: number };
      return {
        baseUrl: ready.url,
        pid: ready.pid,
        modelId: options.modelId,
        coldLoadMs: performance.now() - started,
        stop,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
