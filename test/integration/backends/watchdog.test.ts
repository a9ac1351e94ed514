import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { groupMembers, watchdogsOf, within } from "../../helpers/process-group.js";
import { useTempDir } from "../../helpers/temp-dir.js";

// The watchdog as built (lib/, npm run build first), under a stand-in for a foreground command: a node script
// that starts a server-like process group (a leader and the leader's own child, as Ollama has runners) through
// spawnBackendProcess with the "caller" lifetime, prints the leader's pid, then does what its argument says.
const lib = path.resolve(import.meta.dirname, "../../../lib/backends/process.js");
const tempDir = useTempDir();
const commands: ChildProcess[] = [];

// A test that fails midway must not leave its command running (and, through it, its server).
afterEach(() => {
  for (const child of commands.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const leader = `
import { spawn } from "node:child_process";
spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
setInterval(() => {}, 1000);
`;

const command = (leaderFile: string, logFile: string) => `
import { spawnBackendProcess, stopProcessGroup } from ${JSON.stringify(pathToFileURL(lib).href)};
// Runs until killed, like a command serving in the foreground: the server and watchdog handles are unref'd.
setInterval(() => {}, 1000);
const then = process.argv[2];
const spawned = await spawnBackendProcess({
  backend: "ollama",
  lifetime: "caller",
  command: process.execPath,
  args: then === "status" ? ["-e", "process.exit(3)"] : [${JSON.stringify(leaderFile)}],
  logFile: ${JSON.stringify(logFile)},
});
console.log(spawned.pid);
if (then === "status") console.log(\`status \${await spawned.exited}\`);
if (then === "exit") process.exit(0);
if (then === "stop") {
  await stopProcessGroup(spawned.pid);
  console.log("stopped");
}
`;

interface Command {
  readonly child: ChildProcess;
  /** The server group's leader, once printed. */
  readonly leader: Promise<number>;
  readonly exited: Promise<number | null>;
  stdout(): string;
}

async function runCommand(then: "wait" | "exit" | "stop" | "status"): Promise<Command> {
  const dir = tempDir();
  await writeFile(path.join(dir, "leader.mjs"), leader);
  await writeFile(path.join(dir, "command.mjs"), command(path.join(dir, "leader.mjs"), path.join(dir, "server.log")));
  const child = spawn(process.execPath, [path.join(dir, "command.mjs"), then], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  commands.push(child);
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
  expect(await within(20_000, async () => (await groupMembers(pid)).length === 2)).toBeDefined();
}

describe("the watchdog of a server started with the caller lifetime", () => {
  it("a SIGKILL of the command stops the server's whole group, the leader's child included", async () => {
    const run = await runCommand("wait");
    const pid = await run.leader;
    await wholeGroup(pid);
    expect(await watchdogsOf(pid)).toHaveLength(1);
    run.child.kill("SIGKILL");
    await run.exited;
    expect(await within(8_000, async () => (await groupMembers(pid)).length === 0)).toBeDefined();
    expect(await within(8_000, async () => (await watchdogsOf(pid)).length === 0)).toBeDefined();
  });

  it("a command that exits without stopping its server (an uncaught error, a forgotten stop) takes it along", async () => {
    const run = await runCommand("exit");
    const pid = await run.leader;
    expect(await run.exited).toBe(0);
    expect(await within(8_000, async () => (await groupMembers(pid)).length === 0)).toBeDefined();
  });

  it("stopping the group in order ends its watchdog, so nothing is left to fire when the command ends", async () => {
    const run = await runCommand("stop");
    const pid = await run.leader;
    expect(await within(15_000, async () => run.stdout().endsWith("stopped\n"))).toBeDefined();
    expect(await groupMembers(pid)).toEqual([]);
    expect(await within(8_000, async () => (await watchdogsOf(pid)).length === 0)).toBeDefined();
  });

  it("a server that exits at once, while its watchdog starts, reports its exit status, and its watchdog ends", async () => {
    const run = await runCommand("status");
    const pid = await run.leader;
    expect(await within(10_000, async () => run.stdout().endsWith("status 3\n"))).toBeDefined();
    expect(await within(8_000, async () => (await watchdogsOf(pid)).length === 0)).toBeDefined();
  });
});
