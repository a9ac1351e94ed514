/**
 * Peak resident memory and CPU seconds of a backend's process tree, read from Linux /proc at an interval.
 * A backend may fork workers (Ollama runners, llama-server children), so the tree is found afresh at
 * every sample by scanning every process's parent id.
 */
import { readdir, readFile } from "node:fs/promises";

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every Linux ABI Node runs on. */
const clockTicksPerSecond = 100;

interface ProcessStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  readonly ticks: number;
}

/**
 * Fields after the command name, which is in parentheses and may itself hold spaces and parentheses, so
 * the parse starts after the last ")". Field 4 is ppid, 14 to 17 are utime, stime, cutime, cstime.
 */
export function parseStat(pid: number, text: string): ProcessStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(" ");
  const field = (n: number) => Number(fields[n - 3]);
  const ticks = field(14) + field(15) + field(16) + field(17);
  if (!Number.isFinite(ticks)) return undefined;
  return { pid, ppid: field(4), ticks };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    // The process exited between listing and reading: it simply is no longer part of the tree.
    return undefined;
  }
}

async function allStats(): Promise<ProcessStat[]> {
  const entries = await readdir("/proc");
  const stats = await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const text = await readText(`/proc/${name}/stat`);
        return text === undefined ? undefined : parseStat(Number(name), text);
      }),
  );
  return stats.filter((s): s is ProcessStat => s !== undefined);
}

function descendantsAndSelf(root: number, stats: readonly ProcessStat[]): ProcessStat[] {
  const children = new Map<number, ProcessStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const tree: ProcessStat[] = [];
  const queue = stats.filter((s) => s.pid === root);
  while (queue.length > 0) {
    const next = queue.shift() as ProcessStat;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readText(`/proc/${pid}/status`);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  return match ? Number(match[1]) * 1024 : 0;
}

export interface TreeUsage {
  readonly rssBytes: number;
  /** CPU seconds including reaped children (cutime, cstime), so short-lived workers are not lost. */
  readonly cpuSeconds: number;
  readonly processes: number;
}

/** One reading of the tree rooted at `pid`; zero processes when it is gone. */
export async function readTreeUsage(pid: number): Promise<TreeUsage> {
  const tree = descendantsAndSelf(pid, await allStats());
  const rss = await Promise.all(tree.map((p) => residentBytes(p.pid)));
  return {
    rssBytes: rss.reduce((a, b) => a + b, 0),
    cpuSeconds: tree.reduce((sum, p) => sum + p.ticks, 0) / clockTicksPerSecond,
    processes: tree.length,
  };
}

export interface UsageWindow {
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

/**
 * Samples one process tree while a window is open: `start()` then `stop()` gives the peak resident memory
 * seen and the CPU seconds spent in between. A sample is also taken at both ends, so a window shorter
 * than the interval still has a reading.
 */
export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;
  private startCpu = 0;
  private inFlight: Promise<void> | undefined;
  /** A failed background reading, reported by stop() rather than lost as an unhandled rejection. */
  private failure: unknown;

  constructor(
    readonly pid: number,
    readonly intervalMs = 50,
  ) {}

  private async sample(): Promise<TreeUsage> {
    const usage = await readTreeUsage(this.pid);
    this.peak = Math.max(this.peak, usage.rssBytes);
    return usage;
  }

  async start(): Promise<void> {
    if (this.timer) throw new Error("ProcessSampler window already open");
    this.peak = 0;
    this.failure = undefined;
    this.startCpu = (await this.sample()).cpuSeconds;
    this.timer = setInterval(() => {
      // A tick that finds the previous reading unfinished (a slow /proc walk) is skipped, not queued.
      if (this.inFlight) return;
      this.inFlight = this.sample().then(
        () => {
          this.inFlight = undefined;
        },
        (error: unknown) => {
          this.failure ??= error;
          this.inFlight = undefined;
        },
      );
    }, this.intervalMs);
  }

  async stop(): Promise<UsageWindow> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
    const end = await this.sample();
    return { peakRssBytes: this.peak, cpuSeconds: Math.max(0, end.cpuSeconds - this.startCpu) };
  }
}
