import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { isAlive } from "../core/process-alive.js";
import { type BackendContext, BackendError, type BackendLifetime, type BackendName } from "./backend.js";
import { currentPlatform, stopStrategy, treeKillCommand } from "./platform.js";
import { releaseGroup, tieGroup } from "./watchdog.js";

/**
 * Supervision of a backend server process, shared by every backend that starts one. The process runs detached
 * in its own process group, with stdout and stderr appended to a log file, so it outlives the action's main
 * step, and so stopping the group also ends whatever it spawned (Ollama's runner, llama.cpp's workers). With
 * the "caller" lifetime a watchdog (watchdog.ts) stops the group when this process ends without stopping it.
 */

export interface SpawnedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** The exit code or signal once ended, else undefined. */
  exitStatus(): number | string | undefined;
}

export interface SpawnOptions {
  readonly backend: BackendName;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly lifetime: BackendLifetime;
  /** With the "caller" lifetime: a directory the watchdog removes after stopping the group. */
  readonly removeWhenGone?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** The lifetime options of a server started for this context (see BackendContext.ownsWorkDir). */
export function spawnLifetime(
  context: Pick<BackendContext, "lifetime" | "workDir" | "ownsWorkDir">,
): Pick<SpawnOptions, "lifetime" | "removeWhenGone"> {
  const remove = context.lifetime === "caller" && context.ownsWorkDir === true;
  return { lifetime: context.lifetime, ...(remove ? { removeWhenGone: context.workDir } : {}) };
}

export async function spawnBackendProcess(options: SpawnOptions): Promise<SpawnedProcess> {
  const fd = openSync(options.logFile, "a");
  try {
    const child = spawn(options.command, [...options.args], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    // Tied before anything is awaited: the server exists from here on.
    const tied =
      options.lifetime === "caller" && child.pid !== undefined
        ? tieGroup(child.pid, options.removeWhenGone)
        : undefined;
    // Awaited below; handled now so that a failure before then is not an unhandled rejection.
    tied?.catch(() => {});
    // Listened to before anything is awaited too: a server that fails at once may exit during the waits below.
    let status: number | string | undefined;
    const exited = new Promise<number | string>((resolve) =>
      child.once("exit", (code, signal) => {
        status = code ?? signal ?? "unknown";
        resolve(status);
        // A group that has ended by itself needs its watchdog no more; one whose leader alone died still does.
        void tied?.then(
          () => {
            if (!groupAlive(child.pid as number)) releaseGroup(child.pid as number);
          },
          () => {},
        );
      }),
    );
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid as number));
      child.once("error", reject);
    }).catch((error: unknown) => {
      throw new BackendError(options.backend, `could not run ${options.command}`, { cause: error });
    });
    await tied?.catch(async (error: unknown) => {
      await stopProcessGroup(spawned);
      throw new BackendError(options.backend, "could not start the watchdog that stops the server with this process", {
        cause: error,
      });
    });
    // The action's main step must be able to end while the server keeps running.
    child.unref();
    return { pid: spawned, logFile: options.logFile, exited, exitStatus: () => status };
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` lines of a log file (at most the last 64 KiB read); "" when there is none. */
export async function logTail(file: string | undefined, lines = 40): Promise<string> {
  if (!file) return "";
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, "r");
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  } finally {
    await handle?.close();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already; the leader alone may still be around when it was not a group leader.
    try {
      process.kill(pid, signal);
    } catch {}
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return isAlive(pid);
  }
}

/**
 * Stops a process group: SIGTERM so the server can finish and clean up, SIGKILL to the whole group after
 * `graceMs`. Resolves once nothing of the group is left. Safe on a group that has already ended.
 */
export async function stopProcessGroup(pid: number, graceMs = 10_000): Promise<void> {
  if (stopStrategy(currentPlatform()) === "tree-kill") return stopTree(pid, graceMs);
  try {
    if (!groupAlive(pid)) return;
    signalGroup(pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (!groupAlive(pid)) return;
      await sleep(50);
    }
    signalGroup(pid, "SIGKILL");
    for (let waited = 0; waited < 5_000 && groupAlive(pid); waited += 50) await sleep(50);
  } finally {
    releaseGroup(pid);
  }
}

/** Windows has no process groups or POSIX signals: the tree is ended from its root with taskkill. */
async function stopTree(pid: number, graceMs: number): Promise<void> {
  for (const force of [false, true]) {
    if (!isAlive(pid)) return;
    const [command, args] = treeKillCommand(pid, force);
    await execa(command, args, { reject: false });
    for (let waited = 0; waited < graceMs && isAlive(pid); waited += 50) await sleep(50);
  }
}

export interface WaitOptions {
  readonly backend: BackendName;
  readonly process?: SpawnedProcess;
  readonly timeoutMs: number;
  /** What we wait for, for the timeout message ("GET /health to answer 200"). */
  readonly what: string;
  readonly intervalMs?: number;
}

/**
 * Polls `check` until it returns a value. Fails early, with the log tail, when the process ends; fails with
 * the log tail when the timeout passes. `check` returns undefined for "not yet" and may throw for "not yet"
 * too (connection refused while the server starts); it throws a BackendError for what waiting cannot fix.
 */
export async function waitUntil<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const status = options.process?.exitStatus();
    if (status !== undefined) {
      const tail = await logTail(options.process?.logFile);
      throw new BackendError(
        options.backend,
        `the server exited (${typeof status === "number" ? `code ${status}` : status}) while waiting for ${options.what}${lastLine(tail)}`,
        { logTail: tail },
      );
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof BackendError) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new BackendError(
        options.backend,
        `not ready after ${Number((options.timeoutMs / 1000).toFixed(3))} s: waiting for ${options.what}`,
        {
          cause: lastError,
          logTail: await logTail(options.process?.logFile),
        },
      );
    }
    await Promise.race([sleep(options.intervalMs ?? 100), options.process?.exited]);
  }
}

/** The log's last line as the cause in a one-line message: usually the server's own reason for failing. */
function lastLine(tail: string): string {
  const line = tail.split("\n").findLast((text) => text.trim() !== "");
  return line === undefined ? "" : `: ${line.trim()}`;
}
