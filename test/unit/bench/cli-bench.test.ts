import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CommandIO } from "../../../src/cli/command.js";
import { main } from "../../../src/cli/main.js";
import { useTempDir } from "../../helpers/temp-dir.js";

async function bench(args: string[], cwd = process.cwd()) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const err: string[] = [];
  stderr.on("data", (chunk) => err.push(String(chunk)));
  const io: CommandIO = { stdout, stderr, env: {}, cwd };
  const code = await main(["bench", ...args], io);
  return { code, stderr: err.join("") };
}

// Port 9 (discard) on loopback: nothing answers, so nothing leaves the machine.
const candidate = ["--base-url", "http://127.0.0.1:9/v1", "--model-id", "m"];
const served = ["--baseline-base-url", "http://127.0.0.1:9/v1", "--baseline-model-id", "m"];

describe("cortex-model bench arguments (exit 2, one line naming the cause)", () => {
  const temp = useTempDir();

  it("needs exactly one kind of baseline", async () => {
    const neither = await bench(candidate);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(
      /exactly one baseline: --baseline-base-url with --baseline-model-id \(interleaved A\/B\), --baseline-file or --baseline-ref/,
    );
    for (const extra of [
      ["--baseline-file", "x.json"],
      ["--baseline-ref", "127.0.0.1:9/ai/model:stable"],
    ]) {
      const both = await bench([...candidate, ...served, ...extra]);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/exactly one baseline/);
    }
    expect((await bench([...candidate, "--baseline-file", "x.json", "--baseline-ref", "oci:/x:stable"])).code).toBe(2);
  });

  it("names a bad threshold, run count or gate name", async () => {
    expect((await bench([...candidate, ...served, "--thresholds", "speed=5"])).stderr).toMatch(
      /threshold "speed=5" is not METRIC=PERCENT/,
    );
    expect((await bench([...candidate, ...served, "--runs", "many"])).stderr).toMatch(
      /--runs must be an integer from 1 to 10000, got "many"/,
    );
    expect((await bench([...candidate, ...served, "--gate-name", "a-->b"])).stderr).toMatch(/gate name/);
  });

  it("rejects a scenario file that breaks the schema before sending anything", async () => {
    const file = join(temp(), "s.yaml");
    await writeFile(file, "scenarios:\n  - name: x\n    prompts: [hi]\n    concurrency: 0\n    max_tokens: 4\n");
    const run = await bench([...candidate, ...served, "--scenario", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/s.yaml does not match the scenario schema: \/scenarios\/0\/concurrency/);
  });

  it("rejects a baseline file that is not a results document", async () => {
    const file = join(temp(), "b.json");
    await writeFile(file, JSON.stringify({ format: "something-else" }));
    const run = await bench([...candidate, "--baseline-file", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has format "something-else", expected cortex-model.bench-results.v1/);
  });
});
