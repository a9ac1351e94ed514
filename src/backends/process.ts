import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { isAlive } from "../core/process-alive.js";
import { type BackendContext, BackendError, type BackendLifetime, type BackendName } from "./backend.js";
import { currentPlatform, type RunnerPlatform, type StopPlan, type StopRequest, stopPlan } from "./platform.js";
import { releaseGroup, tieGroup } from "./watchdog.js";

/**
 * Supervision of a backend server process, shared by every backend that starts one. The process runs detached
 * (its own process group on POSIX, its own console on Windows), with stdout and stderr appended to a log file,
 * so it outlives the action's main step, and so stopping it also ends whatever it spawned (Ollama's runner,
 * llama.cpp's workers): see stopPlan. With the "caller" lifetime a watchdog (watchdog.ts) stops it when this
 * process ends without stopping it.
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
      // Windows: a console of its own, unseen, so the runner's Ctrl-C does not reach it (as setsid does on POSIX).
      windowsHide: true,
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
            const pid = child.pid as number;
            if (!running(pid, stopPlan(pid, currentPlatform()))) releaseGroup(pid);
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

/** Whether anything the plan would stop is still running: a member of the group, or the tree's root. */
function running(pid: number, plan: StopPlan): boolean {
  return plan.scope === "group" ? groupAlive(pid) : isAlive(pid);
}

/** Sends a stop request; false when it was refused (taskkill without /F on a console program). */
async function deliver(pid: number, request: StopRequest): Promise<boolean> {
  if (request.kind === "signal") {
    signalGroup(pid, request.signal);
    return true;
  }
  return (await execa(request.command, [...request.args], { reject: false })).exitCode === 0;
}

async function waitGone(pid: number, plan: StopPlan, ms: number): Promise<void> {
  for (let waited = 0; waited < ms && running(pid, plan); waited += 50) await sleep(50);
}

/**
 * Stops a backend's processes by its platform's plan (see stopPlan): asked to end, forced after `graceMs`.
 * Resolves once nothing of it is left. Safe on processes that have already ended.
 */
export async function stopProcessGroup(
  pid: number,
  graceMs = 10_000,
  platform: RunnerPlatform = currentPlatform(),
): Promise<void> {
  return stopByPlan(pid, stopPlan(pid, platform), graceMs);
}

/** The one code path every platform's plan takes; exported so the Windows plan's shape runs in tests here. */
export async function stopByPlan(pid: number, plan: StopPlan, graceMs: number): Promise<void> {
  try {
    if (!running(pid, plan)) return;
    if (await deliver(pid, plan.ask)) await waitGone(pid, plan, graceMs);
    if (!running(pid, plan)) return;
    await deliver(pid, plan.force);
    await waitGone(pid, plan, 5_000);
  } finally {
    releaseGroup(pid);
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
    if (status !== undefined) throw await exitedError(status, options);
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

async function exitedError(status: number | string, options: WaitOptions): Promise<BackendError> {
  const tail = await logTail(options.process?.logFile);
  return new BackendError(
    options.backend,
    `the server exited (${typeof status === "number" ? `code ${status}` : status}) while waiting for ${options.what}${lastLine(tail)}`,
    { logTail: tail },
  );
}

/** The log's last line as the cause in a one-line message: usually the server's own reason for failing. */
function lastLine(tail: string): string {
  const line = tail.split("\n").findLast((text) => text.trim() !== "");
  return line === undefined ? "" : `: ${line.trim()}`;
}
