import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    expect(missing.stderr).toBe("cortex-model serve: serve: --model <path.gguf> is required\n");
    const threads = await runServe(["--model", "x.gguf", "--threads", "two"]);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain('--threads must be an integer of at least 1, got "two"');
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
