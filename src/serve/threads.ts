import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * How many CPU threads llama.cpp should use. Its evaluation threads spin at a barrier after every step,
 * so more threads than cores that are really free is catastrophic: on a shared 2-core machine the
 * library's default of 4 threads ran 70 times slower than 1 thread (BENCHMARKS.md has the figures).
 * The default is therefore measured, not assumed: each candidate up to the usable core count decodes a
 * few tokens, and the fastest wins, preferring fewer threads unless more are clearly faster.
 */

export interface CpuBudget {
  /** os.availableParallelism(): CPUs this process may be scheduled on (affinity included). */
  readonly availableParallelism: number;
  /** CPUs granted by a cgroup CPU quota (cpu.max or cfs_quota_us / cfs_period_us), when one is set. */
  readonly cgroupQuota?: number;
  /** Apple Silicon's performance cores (`sysctl hw.perflevel0.physicalcpu`), when the machine has two kinds. */
  readonly performanceCores?: number;
  /** Cores usable by our threads: the smallest of these, rounded down, at least 1. */
  readonly cores: number;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return undefined;
  }
}

/** CPUs allowed by the cgroup (v2 `cpu.max`, else v1 `cpu.cfs_quota_us`); undefined when unlimited or unknown. */
export async function cgroupCpuQuota(root = "/sys/fs/cgroup"): Promise<number | undefined> {
  const max = await readText(`${root}/cpu.max`);
  if (max !== undefined) {
    const [quota, period] = max.split(/\s+/);
    if (quota === undefined || quota === "max") return undefined;
    const value = Number(quota) / Number(period ?? 100_000);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  }
  const quota = Number(await readText(`${root}/cpu/cpu.cfs_quota_us`));
  const period = Number(await readText(`${root}/cpu/cpu.cfs_period_us`));
  if (!Number.isFinite(quota) || quota <= 0 || !Number.isFinite(period) || period <= 0) return undefined;
  return quota / period;
}

/** What the budget is decided from, read from the machine by cpuBudget() and given directly in tests. */
export interface CpuReadings {
  readonly os: NodeJS.Platform;
  readonly arch: string;
  readonly availableParallelism: number;
  readonly cgroupQuota?: number;
  /** `sysctl -n hw.perflevel0.physicalcpu`'s output on macOS; undefined where it was not read or failed. */
  readonly perflevel0PhysicalCpu?: string;
}

/**
 * The cores our threads may use. A fractional cgroup quota is rounded down: a thread that only gets part of a
 * core stalls all the others at llama.cpp's barrier, as does a thread on one of Apple Silicon's efficiency
 * cores, several times slower than the performance cores its siblings run on. So on darwin-arm64 only the
 * performance cores count (perflevel0 is the fastest level; a machine with one kind reports all its cores).
 */
export function cpuBudgetFrom(readings: CpuReadings): CpuBudget {
  const performance = Number(readings.perflevel0PhysicalCpu?.trim());
  const performanceCores =
    readings.os === "darwin" && readings.arch === "arm64" && Number.isInteger(performance) && performance > 0
      ? performance
      : undefined;
  const cores = Math.max(
    1,
    Math.floor(
      Math.min(
        readings.availableParallelism,
        readings.cgroupQuota ?? Number.POSITIVE_INFINITY,
        performanceCores ?? Number.POSITIVE_INFINITY,
      ),
    ),
  );
  return {
    availableParallelism: readings.availableParallelism,
    ...(readings.cgroupQuota === undefined ? {} : { cgroupQuota: readings.cgroupQuota }),
    ...(performanceCores === undefined ? {} : { performanceCores }),
    cores,
  };
}

async function perflevel0PhysicalCpu(): Promise<string | undefined> {
  try {
    return (await execFileAsync("sysctl", ["-n", "hw.perflevel0.physicalcpu"], { timeout: 5_000 })).stdout;
  } catch {
    // An Intel Mac, or a macOS before perflevels: every core counts alike.
    return undefined;
  }
}

export async function cpuBudget(): Promise<CpuBudget> {
  const cgroupQuota = process.platform === "linux" ? await cgroupCpuQuota() : undefined;
  const perflevel0 = process.platform === "darwin" ? await perflevel0PhysicalCpu() : undefined;
  return cpuBudgetFrom({
    os: process.platform,
    arch: process.arch,
    availableParallelism: availableParallelism(),
    ...(cgroupQuota === undefined ? {} : { cgroupQuota }),
    ...(perflevel0 === undefined ? {} : { perflevel0PhysicalCpu: perflevel0 }),
  });
}

/** 1, 2, 4, ... up to the usable cores, and the core count itself. */
export function threadCandidates(cores: number): number[] {
  const candidates: number[] = [];
  for (let threads = 1; threads < cores; threads *= 2) candidates.push(threads);
  candidates.push(Math.max(1, cores));
  return candidates;
}

export interface ThreadTrial {
  readonly threads: number;
  /** Best decode rate seen over the trial's rounds. */
  readonly tokensPerSecond: number;
}

/** More threads must beat fewer by this factor to be chosen: noise should not buy contention. */
export const MORE_THREADS_MARGIN = 1.1;

/** The fastest candidate, where a larger count wins only by a clear margin over the best smaller one. */
export function chooseThreads(trials: readonly ThreadTrial[]): number {
  const ordered = [...trials].sort((a, b) => a.threads - b.threads);
  let best = ordered[0];
  if (!best) throw new Error("chooseThreads needs at least one trial");
  for (const trial of ordered.slice(1)) {
    if (trial.tokensPerSecond > best.tokensPerSecond * MORE_THREADS_MARGIN) best = trial;
  }
  return best.threads;
}
