import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessSampler, readTreeUsage } from "../../../src/bench/process-sampler.js";

const allocatedMiB = 48;

// The grandchild allocates and touches the memory, then burns CPU: the figures must come from the whole
// tree, not only from the process whose id the sampler was given.
const grandchild = `
console.log("started");
setTimeout(() => {
  globalThis.kept = Buffer.alloc(${allocatedMiB} * 2 ** 20, 1);
  // Burn 0.4 s of CPU time, not wall time: the machine is shared, and wall time would promise less.
  const start = process.cpuUsage();
  while (true) {
    const used = process.cpuUsage(start);
    if (used.user + used.system > 400000) break;
  }
  console.log("allocated");
}, 300);
setInterval(() => {}, 1000);
`;
const parent = `
const { spawn } = require("node:child_process");
spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: ["ignore", "inherit", "inherit"] });
setInterval(() => {}, 1000);
`;

function lines(child: ChildProcess, wanted: string): Promise<void> {
  return new Promise((resolve) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes(wanted)) resolve();
    });
  });
}

let tree: ChildProcess | undefined;

afterEach(async () => {
  const running = tree;
  tree = undefined;
  if (running?.pid === undefined) return;
  const exited = once(running, "exit");
  // The whole process group, so the grandchild goes too.
  process.kill(-running.pid, "SIGKILL");
  await exited;
});

describe("ProcessSampler on a real process tree", () => {
  it("sees the grandchild's allocation in the peak and its busy loop in the CPU seconds", async () => {
    tree = spawn(process.execPath, ["-e", parent], { stdio: ["ignore", "pipe", "inherit"], detached: true });
    const pid = tree.pid as number;
    const started = lines(tree, "started");
    const allocated = lines(tree, "allocated");
    await started;

    const before = await readTreeUsage(pid);
    expect(before.processes).toBe(2);
    const sampler = new ProcessSampler(pid, 20);
    await sampler.start();
    await allocated;
    const window = await sampler.stop();

    // Most, not all, of the allocation: the rest of the tree may give memory back to the system meanwhile.
    // A sampler that missed the grandchild would see almost none of it.
    expect(window.peakRssBytes - before.rssBytes).toBeGreaterThan(allocatedMiB * 0.75 * 2 ** 20);
    // The loop burnt 0.4 CPU seconds (/proc counts in 10 ms ticks); the tree was otherwise nearly idle.
    expect(window.cpuSeconds).toBeGreaterThanOrEqual(0.38);
    expect(window.cpuSeconds).toBeLessThan(2);
  });

  it("reads nothing for a process that does not exist", async () => {
    const gone = await readTreeUsage(2 ** 22 + 12345);
    expect(gone).toEqual({ rssBytes: 0, cpuSeconds: 0, processes: 0 });
  });
});
