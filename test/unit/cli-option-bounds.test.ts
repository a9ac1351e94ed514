import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

/*
 * Every numeric option refuses a value outside its range with exit 2 and one line that names the option,
 * the range and what was given, before anything is created, pulled or served. Negative values reach the
 * range check instead of parseArgs' "ambiguous".
 */

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "cortex-option-bounds-"));
  env = { CORTEX_MODEL_STORE: path.join(dir, "store"), DOCKER_CONFIG: path.join(dir, "docker") };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const REF = "127.0.0.1:5999/bounds/model:v1";
const BENCH = ["bench", "--base-url", "http://127.0.0.1:1/v1", "--model-id", "m", "--baseline-file", "b.json"];
const TEST = ["test", "--suite", "s.yaml", "--base-url", "http://127.0.0.1:1/v1", "--model-id", "m"];
const SETUP = ["setup", "--model", REF];
const SERVE = ["serve", "--model", "x.gguf"];
const SYNTH = ["synth", "--size", "3MB", "-o", "x.gguf"];
const range = {
  partSize: "a size from 1 MiB to 1 GiB (as 16MiB, 8M or 1048576)",
  connections: "an integer from 1 to 64",
  port: "an integer from 0 to 65535",
  threads: "an integer from 1 to 1024",
  contextSize: "an integer from 1 to 16777216",
};

describe("numeric options out of range", () => {
  it.each([
    [["pull", REF, "--part-size", "1"], `--part-size must be ${range.partSize}, got "1"`],
    [["pull", REF, "--part-size", "-5"], `--part-size must be ${range.partSize}, got "-5"`],
    [["pull", REF, "--part-size=2GiB"], `--part-size must be ${range.partSize}, got "2GiB"`],
    [["pull", REF, "--concurrency", "0"], `--concurrency must be ${range.connections}, got "0"`],
    [["pull", REF, "--concurrency", "-3"], `--concurrency must be ${range.connections}, got "-3"`],
    [["pull", REF, "--concurrency", "65"], `--concurrency must be ${range.connections}, got "65"`],
    [[...SETUP, "--port", "-1"], `--port must be ${range.port}, got "-1"`],
    [[...SETUP, "--port", "99999"], `--port must be ${range.port}, got "99999"`],
    [[...SETUP, "--threads", "0"], `--threads must be ${range.threads}, got "0"`],
    [[...SETUP, "--context-size", "1.5"], `--context-size must be ${range.contextSize}, got "1.5"`],
    [[...SETUP, "--ready-timeout", "0"], `--ready-timeout must be a number from 0.001 to 86400, got "0"`],
    [[...SERVE, "--port", "70000"], `--port must be ${range.port}, got "70000"`],
    [[...SERVE, "--threads", "-2"], `--threads must be ${range.threads}, got "-2"`],
    [[...SERVE, "--parallel", "0"], `--parallel must be an integer from 1 to 256, got "0"`],
    [[...SERVE, "--context-size", "0x10"], `--context-size must be ${range.contextSize}, got "0x10"`],
    [[...BENCH, "--runs", "0"], `--runs must be an integer from 1 to 10000, got "0"`],
    [[...BENCH, "--warmup", "-1"], `--warmup must be an integer from 0 to 10000, got "-1"`],
    [[...BENCH, "--pid", "0"], `--pid must be an integer from 1 to 4194304, got "0"`],
    [[...BENCH, "--threads", "2000"], `--threads must be ${range.threads}, got "2000"`],
    [[...BENCH, "--cold-load-ms", "-4"], `--cold-load-ms must be a number from 0 to 86400000, got "-4"`],
    [[...TEST, "--concurrency", "0"], `--concurrency must be an integer from 1 to 256, got "0"`],
    [[...SYNTH, "--seed", "-1"], `--seed must be an integer from 0 to 4294967295, got "-1"`],
    [[...SYNTH, "--context-length", "0"], `--context-length must be an integer from 1 to 2147483647, got "0"`],
    [
      ["package", "x.gguf", "--to", `oci:${path.join(tmpdir(), "cortex-bounds-never")}`, "--context-size", "0"],
      `--context-size must be ${range.contextSize}, got "0"`,
    ],
    [["revert", "127.0.0.1:5999/r:stable", "--steps", "0"], `--steps must be an integer from 1 to 10000, got "0"`],
  ])("%j", async (args, message) => {
    const result = await runCliInProcess(args, env, dir);
    expect(result.stderr).toBe(`cortex-model ${args[0]}: ${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
  });

  it("creates nothing before refusing", async () => {
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("registry ports and store directories", () => {
  it.each([
    ["127.0.0.1:0/bounds/model", "127.0.0.1:0"],
    ["127.0.0.1:99999/bounds/model", "127.0.0.1:99999"],
  ])("pull %s names the port and its range", async (ref, host) => {
    const result = await runCliInProcess(["pull", ref], env, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `cortex-model pull: invalid reference "${ref}": the port of registry host "${host}" must be an integer from 1 to 65535 without leading zeros\n`,
    );
  });

  it.each([["pull", REF], ["verify"], ["inspect", REF], ["setup", "--model", REF]])(
    "%s refuses an empty --store instead of using the default",
    async (...args) => {
      const result = await runCliInProcess([...args, "--store", ""], env, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/: --store must name a directory, got an empty value/);
    },
  );

  it("verify refuses a store that does not exist, and creates none", async () => {
    const missing = path.join(dir, "missing-store");
    const result = await runCliInProcess(["verify", "--store", missing], env, dir);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `cortex-model verify: there is no store at ${missing} (nothing to check)\n`,
    });
    expect(await readdir(dir)).toEqual([]);
  });
});
