import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BackendError } from "../../../src/backends/backend.js";
import type { StopPlan } from "../../../src/backends/platform.js";
import {
  logTail,
  spawnBackendProcess,
  stopByPlan,
  stopProcessGroup,
  waitUntil,
} from "../../../src/backends/process.js";
import { isAlive } from "../../../src/core/process-alive.js";
import { processesMentioning } from "../../helpers/process-group.js";
import { useTempDir } from "../../helpers/temp-dir.js";

// Real small scripts standing in for backend processes that misbehave: fault tests of the supervision, not
// mocks of any backend.
const tempDir = useTempDir();

async function script(name: string, source: string) {
  const dir = tempDir();
  const file = path.join(dir, name);
  await writeFile(file, source);
  return spawnBackendProcess({
    backend: "embedded",
    lifetime: "detached",
    command: process.execPath,
    args: [file],
    logFile: path.join(dir, `${name}.log`),
  });
}

describe("backend process supervision", () => {
  it("a process that dies while loading fails the wait at once, with its last words in the message and the tail", async () => {
    const child = await script(
      "dies.mjs",
      'console.log("loading model");\nconsole.error("error: out of memory");\nprocess.exit(3);\n',
    );
    const error = await waitUntil(async () => undefined, {
      backend: "embedded",
      process: child,
      timeoutMs: 30_000,
      what: "the model to load",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toBe(
      "embedded backend: the server exited (code 3) while waiting for the model to load: error: out of memory",
    );
    expect((error as BackendError).logTail).toBe("loading model\nerror: out of memory");
  });

  it("a process that never becomes ready times out with its log tail, and stopping it leaves no process", async () => {
    const child = await script("hangs.mjs", 'console.log("still loading");\nsetInterval(() => {}, 1000);\n');
    const error = await waitUntil(async () => undefined, {
      backend: "embedded",
      process: child,
      timeoutMs: 3_000,
      what: "GET /health",
    }).catch((e: unknown) => e);
    expect((error as BackendError).message).toBe("embedded backend: not ready after 3 s: waiting for GET /health");
    expect((error as BackendError).logTail).toBe("still loading");
    expect(isAlive(child.pid)).toBe(true);
    await stopProcessGroup(child.pid);
    expect(isAlive(child.pid)).toBe(false);
  });

  it("escalates to SIGKILL for a process group that ignores SIGTERM, children included", async () => {
    const child = await script(
      "stubborn.mjs",
      [
        'import { spawn } from "node:child_process";',
        'process.on("SIGTERM", () => {});',
        'const grandchild = spawn(process.execPath, ["-e", "process.on(\'SIGTERM\', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });',
        "console.log(grandchild.pid);",
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const grandchild = await waitUntil(async () => Number((await logTail(child.logFile)) || undefined) || undefined, {
      backend: "embedded",
      process: child,
      timeoutMs: 10_000,
      what: "the grandchild",
    });
    await stopProcessGroup(child.pid, 300);
    expect(isAlive(child.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  // Windows' plan (taskkill over the tree) through the same code, with kill standing in for taskkill: a command
  // that succeeds is the request, one that fails was refused (taskkill without /F on a console program).
  it("a tree plan asks by command and waits for the root; a refused ask goes straight to the forced one", async () => {
    const polite = await script("polite.mjs", "setInterval(() => {}, 1000);\n");
    const command = (args: string[]) => ({ kind: "command" as const, command: "kill", args });
    const asked: StopPlan = {
      scope: "tree",
      ask: command(["-TERM", String(polite.pid)]),
      force: { kind: "command", command: "false", args: [] },
    };
    await stopByPlan(polite.pid, asked, 60_000);
    expect(await polite.exited).toBe("SIGTERM");

    const stubborn = await script("deaf.mjs", 'process.on("SIGTERM", () => {});\nsetInterval(() => {}, 1000);\n');
    const refused: StopPlan = {
      scope: "tree",
      ask: { kind: "command", command: "false", args: [] },
      force: command(["-KILL", String(stubborn.pid)]),
    };
    // A grace longer than the test's timeout: only skipping it lets this finish.
    await stopByPlan(stubborn.pid, refused, 600_000);
    expect(await stubborn.exited).toBe("SIGKILL");
    expect(isAlive(stubborn.pid)).toBe(false);
  });

  it("stopping a group that has already ended is a no-op", async () => {
    const child = await script("quick.mjs", "");
    await child.exited;
    await stopProcessGroup(child.pid);
    expect(isAlive(child.pid)).toBe(false);
  });

  it("a server whose watchdog cannot start is stopped, and the start fails naming why", async () => {
    // Run from the sources, the watchdog's program (watchdog-main.js, built into lib/) is not there: its
    // node exits before it is armed, as it would in a build or bundle that lost the file.
    const dir = tempDir();
    const file = path.join(dir, "server.mjs");
    await writeFile(file, "setInterval(() => {}, 1000);\n");
    const error = await spawnBackendProcess({
      backend: "embedded",
      lifetime: "caller",
      command: process.execPath,
      args: [file],
      logFile: path.join(dir, "server.log"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toBe(
      "embedded backend: could not start the watchdog that stops the server with this process",
    );
    expect(String((error as BackendError).cause)).toMatch(/watchdog-main\.js exited \(code 1\) before it was armed/);
    expect(await processesMentioning(dir)).toEqual([]);
  });
});
