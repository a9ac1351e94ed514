import { readdir, readFile } from "node:fs/promises";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * What is left of a process tree, read from /proc (Linux): the checks that a backend left nothing behind.
 * Zombies do not count: they hold no port and no memory, only a pid until init reaps them.
 */

interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly pgrp: number;
  readonly cmdline: string;
}

async function processes(): Promise<ProcStat[]> {
  const found: ProcStat[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ").trim();
      found.push({ pid: Number(entry), state: state as string, pgrp: Number(pgrp), cmdline });
    } catch {
      // Ended while we looked.
    }
  }
  return found.filter((process) => process.state !== "Z");
}

/** Living processes of the process group `pgid`. */
export async function groupMembers(pgid: number): Promise<number[]> {
  return (await processes()).filter((process) => process.pgrp === pgid).map((process) => process.pid);
}

/** Living processes whose command line mentions `text` (a test's own directory): what must be gone at the end. */
export async function processesMentioning(text: string): Promise<number[]> {
  return (await processes()).filter((process) => process.cmdline.includes(text)).map((process) => process.pid);
}

/** Living watchdogs (lib/backends/watchdog-main.js) of the process group `pgid`. */
export async function watchdogsOf(pgid: number): Promise<number[]> {
  return (await processes())
    .filter((process) => new RegExp(`watchdog-main\\.js ${pgid}(?: \\S+)?$`).test(process.cmdline))
    .map((process) => process.pid);
}

/** Polls `done` every `intervalMs`; the milliseconds it took, or undefined when `timeoutMs` passed first. */
export async function within(
  timeoutMs: number,
  done: () => Promise<boolean>,
  intervalMs = 50,
): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await done()) return Date.now() - started;
    await sleep(intervalMs);
  }
  return undefined;
}

/** The children of `pid` now (of any of its threads): cheap enough to poll every few milliseconds. */
export async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  try {
    for (const task of await readdir(`/proc/${pid}/task`)) {
      const text = await readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "");
      children.push(...text.split(" ").filter(Boolean).map(Number));
    }
  } catch {
    // The process has ended.
  }
  return children;
}

/** True when something can listen on `port` of 127.0.0.1 right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
