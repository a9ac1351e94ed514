import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { groupMembers, watchdogsOf, within } from "../../helpers/process-group.js";
import { useTempDir } from "../../helpers/temp-dir.js";

// The watchdog as built (lib/, npm run build first), under a stand-in for a foreground command: a node script
// that starts a server-like process group (a leader and the leader's own child, as Ollama has runners) through
// spawnBackendProcess with the "caller" lifetime, prints the leader's pid, then does what its argument says.
const lib = path.resolve(import.meta.dirname, "../../../lib/backends/process.js");
const tempDir = useTempDir();

const leader = `
import { spawn } from "node:child_process";
spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
setInterval(() => {}, 1000);
`;

const command = (leaderFile: string, logFile: string) => `
import { spawnBackendProcess, stopProcessGroup } from ${JSON.stringify(pathToFileURL(lib).href)};
const spawned = await spawnBackendProcess({
  backend: "ollama",
  lifetime: "caller",
  command: process.execPath,
  args: [${JSON.stringify(leaderFile)}],
  logFile: ${JSON.stringify(logFile)},
});
console.log(spawned.pid);
const then = process.argv[2];
if (then === "exit") process.exit(0);
if (then === "stop") {
  await stopProcessGroup(spawned.pid);
  console.log("stopped");
}
setInterval(() => {}, 1000);
`;

interface Command {
  readonly child: ChildProcess;
  /** The server group's leader, once printed. */
  readonly leader: Promise<number>;
  readonly exited: Promise<number | null>;
  stdout(): string;
}

async function runCommand(then: "wait" | "exit" | "stop"): Promise<Command> {
  const dir = tempDir();
  await writeFile(path.join(dir, "leader.mjs"), leader);
  await writeFile(path.join(dir, "command.mjs"), command(path.join(dir, "leader.mjs"), path.join(dir, "server.log")));
  const child = spawn(process.execPath, [path.join(dir, "command.mjs"), then], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  const leaderPid = new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      const line = /^(\d+)\n/.exec(stdout);
      if (line) resolve(Number(line[1]));
    });
    child.once("exit", () => reject(new Error(`the command exited before starting its server: ${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, leader: leaderPid, exited, stdout: () => stdout };
}

/** Waits until the group has its leader and the leader's child: the whole server runs. */
async function wholeGroup(pid: number): Promise<void> {
  expect(await within(5_000, async () => (await groupMembers(pid)).length === 2)).toBeDefined();
}

describe("the watchdog of a server started with the caller lifetime", () => {
  it("a SIGKILL of the command stops the server's whole group, the leader's child included", async () => {
    const run = await runCommand("wait");
    const pid = await run.leader;
    await wholeGroup(pid);
    expect(await watchdogsOf(pid)).toHaveLength(1);
    run.child.kill("SIGKILL");
    await run.exited;
    expect(await within(5_000, async () => (await groupMembers(pid)).length === 0)).toBeDefined();
    expect(await within(2_000, async () => (await watchdogsOf(pid)).length === 0)).toBeDefined();
  });

  it("a command that exits without stopping its server (an uncaught error, a forgotten stop) takes it along", async () => {
    const run = await runCommand("exit");
    const pid = await run.leader;
    expect(await run.exited).toBe(0);
    expect(await within(5_000, async () => (await groupMembers(pid)).length === 0)).toBeDefined();
  });

  it("stopping the group in order ends its watchdog, so nothing is left to fire when the command ends", async () => {
    const run = await runCommand("stop");
    const pid = await run.leader;
    expect(await within(5_000, async () => run.stdout().endsWith("stopped\n"))).toBeDefined();
    expect(await groupMembers(pid)).toEqual([]);
    expect(await within(2_000, async () => (await watchdogsOf(pid)).length === 0)).toBeDefined();
    run.child.kill("SIGKILL");
    await run.exited;
  });
});
