import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { CLI } from "../helpers/cli.js";
import { childrenOf, groupMembers, portFree, within } from "../helpers/process-group.js";
import { runServe } from "../helpers/serve-process.js";

// Startup faults of `cortex-model serve`: each ends the process with a one-line reason and the right code.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cortex-serve-cli-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cortex-model serve startup errors", () => {
  it("asks for a model and checks numbers (exit 2)", async () => {
    const missing = await runServe([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("cortex-model serve: --model <path.gguf> is required\n");
    const threads = await runServe(["--model", "x.gguf", "--threads", "two"]);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain('--threads must be an integer from 1 to 1024, got "two"');
  });

  it("names a model file that is missing or not a GGUF (exit 2)", async () => {
    const absent = join(dir, "absent.gguf");
    const missing = await runServe(["--model", absent]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `cortex-model serve: cannot read model file ${absent}: ENOENT: no such file or directory, open '${absent}'\n`,
    );
    const text = join(dir, "notes.gguf");
    await writeFile(text, "just some text\n");
    const wrong = await runServe(["--model", text]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${text} is not a GGUF file`);
  });

  it("names a port that is already taken (exit 1)", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const model = join(dir, "header-only.gguf");
      await writeFile(model, "GGUF");
      const taken = await runServe(["--model", model, "--port", String(port)]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("reports a GGUF that llama.cpp cannot load, and leaves no listener behind (exit 1)", async () => {
    const model = join(dir, "broken.gguf");
    await writeFile(model, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 0xff)]));
    const broken = await runServe(["--model", model, "--port", "0", "--threads", "1"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`cannot load model ${model}`);
  });
});

describe("cortex-model serve killed with SIGKILL", () => {
  // Run in a process group of its own, as the backends run it, so that the group holds whatever it spawned.
  async function startDetached(name: string) {
    const { path } = await synthesizeKnownAnswer({
      path: join(dir, `${name}.gguf`),
      answers: [{ prompt: "Hi", answer: "Hello there" }],
    });
    const readyFile = join(dir, `${name}.ready.json`);
    const child = spawn(
      process.execPath,
      [CLI, "serve", "--model", path, "--port", "0", "--threads", "1", "--ready-file", readyFile],
      { detached: true, stdio: "ignore" },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return { pid: child.pid as number, readyFile, exited };
  }

  it("while loading: node-llama-cpp's binary test child ends by itself once its IPC channel closes", async () => {
    const serve = await startDetached("loading");
    // The one process serve spawns: node-llama-cpp tests its binary in a child (for a few hundred ms) before
    // loading.
    expect(await within(30_000, async () => (await childrenOf(serve.pid)).length > 0, 5)).toBeDefined();
    process.kill(serve.pid, "SIGKILL");
    await serve.exited;
    expect(await within(8_000, async () => (await groupMembers(serve.pid)).length === 0)).toBeDefined();
  });

  it("while serving: it has no child, so nothing is left and the port is free", async () => {
    const serve = await startDetached("serving");
    expect(
      await within(60_000, async () => (await readFile(serve.readyFile, "utf8").catch(() => "")).endsWith("\n")),
    ).toBeDefined();
    const { url } = JSON.parse(await readFile(serve.readyFile, "utf8")) as { url: string };
    expect(await groupMembers(serve.pid)).toEqual([serve.pid]);
    process.kill(serve.pid, "SIGKILL");
    await serve.exited;
    expect(await groupMembers(serve.pid)).toEqual([]);
    expect(await portFree(Number(new URL(url).port))).toBe(true);
  });
});
