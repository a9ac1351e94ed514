import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  cgroupCpuQuota,
  chooseThreads,
  cpuBudget,
  cpuBudgetFrom,
  threadCandidates,
} from "../../../src/serve/threads.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function cgroupRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "cgroup-"));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, ".."), { recursive: true });
    await writeFile(join(root, name), text);
  }
  return root;
}

describe("thread candidates and choice", () => {
  it("tries powers of two up to the usable cores, and the core count itself", () => {
    expect(threadCandidates(1)).toEqual([1]);
    expect(threadCandidates(2)).toEqual([1, 2]);
    expect(threadCandidates(4)).toEqual([1, 2, 4]);
    expect(threadCandidates(6)).toEqual([1, 2, 4, 6]);
  });

  it("takes more threads only when they are clearly faster", () => {
    // Figures measured on a shared 2-core machine: 1 thread wins by far.
    expect(
      chooseThreads([
        { threads: 1, tokensPerSecond: 285 },
        { threads: 2, tokensPerSecond: 110 },
      ]),
    ).toBe(1);
    expect(
      chooseThreads([
        { threads: 1, tokensPerSecond: 100 },
        { threads: 2, tokensPerSecond: 105 },
      ]),
    ).toBe(1);
    expect(
      chooseThreads([
        { threads: 2, tokensPerSecond: 180 },
        { threads: 1, tokensPerSecond: 100 },
      ]),
    ).toBe(2);
    const trials = [
      { threads: 1, tokensPerSecond: 100 },
      { threads: 2, tokensPerSecond: 190 },
      { threads: 4, tokensPerSecond: 200 },
    ];
    expect(chooseThreads(trials)).toBe(2);
  });

  it("reads a cgroup v2 quota, v1 quota, or none", async () => {
    expect(await cgroupCpuQuota(await cgroupRoot({ "cpu.max": "150000 100000\n" }))).toBe(1.5);
    expect(await cgroupCpuQuota(await cgroupRoot({ "cpu.max": "max 100000\n" }))).toBeUndefined();
    const v1 = await cgroupRoot({ "cpu/cpu.cfs_quota_us": "300000", "cpu/cpu.cfs_period_us": "100000" });
    expect(await cgroupCpuQuota(v1)).toBe(3);
    expect(
      await cgroupCpuQuota(await cgroupRoot({ "cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000" })),
    ).toBeUndefined();
    expect(await cgroupCpuQuota(await cgroupRoot({}))).toBeUndefined();
  });

  it("never offers more cores than the machine has or fewer than one", async () => {
    const budget = await cpuBudget();
    expect(budget.cores).toBeGreaterThanOrEqual(1);
    expect(budget.cores).toBeLessThanOrEqual(budget.availableParallelism);
  });

  it("counts only Apple Silicon's performance cores, and everything else as before", () => {
    // macos-14 runners: an M1 with 3 cores, all performance; an M1 Pro-like 8P+2E machine; an M2 with 4P+4E.
    const mac = { os: "darwin", arch: "arm64" } as const;
    expect(cpuBudgetFrom({ ...mac, availableParallelism: 3, perflevel0PhysicalCpu: "3\n" }).cores).toBe(3);
    expect(cpuBudgetFrom({ ...mac, availableParallelism: 10, perflevel0PhysicalCpu: "8\n" })).toEqual({
      availableParallelism: 10,
      performanceCores: 8,
      cores: 8,
    });
    expect(
      threadCandidates(cpuBudgetFrom({ ...mac, availableParallelism: 8, perflevel0PhysicalCpu: "4" }).cores),
    ).toEqual([1, 2, 4]);
    // sysctl failed (no perflevels): all cores count.
    expect(cpuBudgetFrom({ ...mac, availableParallelism: 8 }).cores).toBe(8);
    expect(cpuBudgetFrom({ ...mac, availableParallelism: 8, perflevel0PhysicalCpu: "" }).cores).toBe(8);
    // Only Apple Silicon has the two kinds this reading describes.
    expect(
      cpuBudgetFrom({ os: "darwin", arch: "x64", availableParallelism: 4, perflevel0PhysicalCpu: "2" }).cores,
    ).toBe(4);
    expect(cpuBudgetFrom({ os: "linux", arch: "arm64", availableParallelism: 4, cgroupQuota: 2.5 })).toEqual({
      availableParallelism: 4,
      cgroupQuota: 2.5,
      cores: 2,
    });
    expect(cpuBudgetFrom({ os: "win32", arch: "x64", availableParallelism: 4, cgroupQuota: 0.5 }).cores).toBe(1);
  });
});
