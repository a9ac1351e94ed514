import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Ties a backend's process group to the life of this process, for foreground commands: without it a SIGKILL
 * of the command (the OOM killer, a CI step killed hard, kill -9) would leave the server holding its port and
 * memory forever, since it runs in a process group of its own.
 *
 * A watchdog process holds the read end of a pipe whose only write end is in this process. The kernel closes
 * that end when this process ends, however it ends, so the watchdog reads end-of-file at once, without
 * polling, and stops the group. It runs in a session of its own so that whatever is sent to this process's
 * group (a terminal's Ctrl-C, a kill of the whole group) cannot take it down before it has done its job.
 */

// Joined rather than a URL literal so that bundlers do not try to inline it: actions run detached backends
// and never start a watchdog.
const program = [path.dirname(fileURLToPath(import.meta.url)), "watchdog-main.js"].join(path.sep);

const watchdogs = new Map<number, ChildProcess>();

const ARM_TIMEOUT_MS = 30_000;

/**
 * Starts the watchdog of the group led by `pgid`; once it has stopped the group it removes `removeWhenGone`
 * (the run's temporary work directory) when given. The process is created before this returns (no await in
 * between), so the span in which a SIGKILL of this process would leave the group untied is as short as it can
 * be. The promise resolves once the watchdog says it is armed, and rejects when it could not be started or
 * died first (its program missing, say): a server that only looks tied must not be left to chance.
 */
export function tieGroup(pgid: number, removeWhenGone?: string): Promise<void> {
  const child = spawn(process.execPath, [program, String(pgid), ...(removeWhenGone ? [removeWhenGone] : [])], {
    detached: true,
    stdio: ["pipe", "pipe", "ignore"],
  });
  return new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.off("exit", exited);
      reject(error);
    };
    const exited = (code: number | null, signal: string | null) =>
      fail(new Error(`the watchdog ${program} exited (${signal ?? `code ${code}`}) before it was armed`));
    // Generous: it is a node start, which takes seconds only on a machine loaded far beyond its cores.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`the watchdog ${program} was not armed after ${ARM_TIMEOUT_MS / 1000} s`));
    }, ARM_TIMEOUT_MS);
    child.once("error", fail);
    child.once("exit", exited);
    child.stdout?.once("data", () => {
      clearTimeout(timer);
      child.off("exit", exited);
      child.stdout?.destroy();
      // Neither the watchdog nor its pipe may keep this process from exiting: its exit is what they wait for.
      child.unref();
      (child.stdin as Socket).unref();
      watchdogs.set(pgid, child);
      resolve();
    });
  });
}

/**
 * Ends the watchdog of a group that was stopped (or ended by itself): left running, it would stop whatever
 * group later gets the same id once this process exits.
 */
export function releaseGroup(pgid: number): void {
  const child = watchdogs.get(pgid);
  if (!child) return;
  watchdogs.delete(pgid);
  child.kill("SIGKILL");
}
