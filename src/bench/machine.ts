/** Describes the machine a benchmark ran on, so results from different runners are never compared blindly. */
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import type { Device } from "../core/device.js";

export interface MachineDescription {
  readonly cpuModel: string;
  /** Logical CPUs the OS reports, and those this process may really use (cgroup limits, affinity). */
  readonly logicalCpus: number;
  readonly availableParallelism: number;
  readonly memoryBytes: number;
  /** GPU models found through the NVIDIA driver's /proc entries; empty when none. */
  readonly gpus: readonly string[];
  /**
   * The device the served model really ran on (cpu, metal, cuda, vulkan), as the server says in /models: a
   * GPU in `gpus` says nothing about whether the backend used it. Absent when the server does not say.
   */
  readonly device?: Device;
  readonly os: string;
  readonly node: string;
}

async function cpuModel(): Promise<string> {
  try {
    const cpuinfo = await readFile("/proc/cpuinfo", "utf8");
    const match =
      cpuinfo.match(/^model name\s*:\s*(.+)$/m) ?? cpuinfo.match(/^(?:Hardware|Processor|cpu model)\s*:\s*(.+)$/m);
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: os.cpus() still names the processor.
  }
  return os.cpus()[0]?.model.trim() ?? "unknown";
}

async function nvidiaGpus(): Promise<string[]> {
  const root = "/proc/driver/nvidia/gpus";
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  const models = await Promise.all(
    entries.map(async (entry) => {
      const info = await readFile(`${root}/${entry}/information`, "utf8").catch(() => "");
      return info.match(/^Model:\s*(.+)$/m)?.[1]?.trim() ?? `NVIDIA GPU ${entry}`;
    }),
  );
  return models;
}

export async function describeMachine(device?: Device): Promise<MachineDescription> {
  return {
    cpuModel: await cpuModel(),
    logicalCpus: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    gpus: await nvidiaGpus(),
    ...(device === undefined ? {} : { device }),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}
