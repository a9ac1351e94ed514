import { readFile, rm, stat, truncate, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { isAlive } from "../../../src/core/process-alive.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { type ModelLayout, makeModelLayout, tempDir } from "../../helpers/model-layout.js";
import {
  type ActionRun,
  actionFromLib,
  type RunnerDirs,
  runBundledAction,
  type StepResult,
} from "../../helpers/run-action.js";

// Faults through the whole setup-model action, run as the runner runs it (INPUT_*, GITHUB_OUTPUT,
// GITHUB_STATE; main step, then post step), on the real embedded backend: the step fails with one line naming
// the cause, the backend's log is in a folded group, no process is left, and the post step ends cleanly.
// The entry runs the compiled sources (lib/, from npm run build) with the action's own action.yml.
const repo = path.resolve(import.meta.dirname, "../../..");
const answers = [{ prompt: "What is the capital of France?", answer: "Paris is the capital of France" }];

let root: string;
let action: string;
let model: ModelLayout;
let truncated: ModelLayout;

beforeAll(async () => {
  root = await tempDir("setup-model-faults-");
  action = await actionFromLib(
    path.join(repo, "actions", "setup-model"),
    path.join(repo, "lib", "github", "setup-model.js"),
    path.join(root, "action"),
  );
  const gguf = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
  const bytes = await readFile(gguf.path);
  model = await makeModelLayout(path.join(root, "ka"), { shards: [bytes], tag: "v1" });
  // A GGUF whose header and metadata are whole but whose tensor data stops two thirds of the way: it passes
  // serve's GGUF check and dies in llama.cpp's load.
  await truncate(gguf.path, Math.floor((bytes.length * 2) / 3));
  truncated = await makeModelLayout(path.join(root, "truncated"), { shards: [await readFile(gguf.path)], tag: "v1" });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const pinned = (layout: ModelLayout) => `oci:${layout.layout.root}@${layout.manifestDescriptor.digest}`;

function run(inputs: Record<string, string>, dirs?: RunnerDirs): Promise<ActionRun> {
  return runBundledAction(action, {
    inputs: { backend: "embedded", threads: "1", cache: "false", "ready-timeout": "120", ...inputs },
    timeoutMs: 120_000,
    ...(dirs ? { dirs } : {}),
  });
}

function errorLines(step: StepResult): string[] {
  return step.annotations.filter((annotation) => annotation.level === "error").map((a) => a.message);
}

/** The lines of the first folded group named `title`, or undefined when there is none. */
function group(stdout: string, title: string): string[] | undefined {
  const lines = stdout.split("\n");
  const start = lines.indexOf(`::group::${title}`);
  if (start < 0) return undefined;
  const end = lines.indexOf("::endgroup::", start);
  return lines.slice(start + 1, end);
}

function serverPid(step: StepResult): number {
  return (JSON.parse(step.state.backendHandle as string) as { pid: number }).pid;
}

describe("setup-model faults through the whole action, embedded backend", () => {
  it("a model the server dies on while loading: one line with llama.cpp's reason, its log folded, nothing left", async () => {
    const result = await run({ model: pinned(truncated) });
    expect(result.main.exitCode).toBe(1);
    const errors = errorLines(result.main);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^embedded backend: the server exited \(code 1\) while waiting for the model to load and serve: cortex-model serve: cannot load model \S+: tensor '[^']+' data is not within the file bounds, model is corrupted or incomplete/,
    );
    const log = group(result.main.stdout, "embedded log (last lines)");
    expect(log?.join("\n")).toContain("llama.cpp error: llama_model_load: error loading model:");
    const pid = serverPid(result.main);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    expect(result.main.outputs["base-url"]).toBeUndefined();
    expect(result.post?.exitCode, result.post?.stdout).toBe(0);
    expect(errorLines(result.post as StepResult)).toEqual([]);
    expect(result.post?.stdout).toContain("embedded backend stopped");
    expect(isAlive(pid)).toBe(false);
    await rm(result.dirs.root, { recursive: true, force: true });
  });

  it("a backend not ready within ready-timeout: one line with the timeout, the server stopped", async () => {
    // The shortest timeout the input takes: no machine starts a process, loads llama.cpp and a model and
    // answers within a millisecond, so the step fails however fast the runner is. (The log is folded in the
    // test above; here serve may not have written its first line yet.)
    const result = await run({ model: pinned(model), "ready-timeout": "0.001" });
    expect(result.main.exitCode).toBe(1);
    expect(errorLines(result.main)).toEqual([
      "embedded backend: not ready after 0.001 s: waiting for the model to load and serve",
    ]);
    const pid = serverPid(result.main);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    expect(() => process.kill(-pid, 0)).toThrow();
    expect(result.post?.exitCode, result.post?.stdout).toBe(0);
    expect(result.post?.stdout).toContain("embedded backend stopped");
    await rm(result.dirs.root, { recursive: true, force: true });
  });

  it("a store file changed in place (size and mtime kept) is fetched again, not served", async () => {
    const first = await run({ model: pinned(model) });
    expect(first.main.exitCode, first.main.stdout).toBe(0);
    const gguf = model.ggufDescriptors[0]?.digest as string;
    const blob = path.join(first.dirs.toolCache, "cortex-model", "store", "blobs", "sha256", gguf.slice(7));
    const before = await stat(blob);
    const bytes = await readFile(blob);
    bytes.writeUInt8((bytes.at(-1) as number) ^ 0x01, bytes.length - 1);
    await writeFile(blob, bytes);
    await utimes(blob, before.atime, before.mtime);

    const second = await run({ model: pinned(model) }, first.dirs);
    expect(second.main.exitCode, second.main.stdout).toBe(0);
    // Found by the check beside the load (the pull leaves what is in the store to it), and fetched again.
    expect(second.main.annotations.filter((a) => a.level === "warning").map((a) => a.message)).toEqual([
      `${gguf} of ${pinned(model)} in the store ${path.dirname(path.dirname(path.dirname(blob)))} did not match its digest: removed, fetching it again`,
    ]);
    expect(sha256Digest(await readFile(blob))).toBe(gguf);
    expect(second.main.outputs.digest).toBe(model.manifestDescriptor.digest);
    await rm(first.dirs.root, { recursive: true, force: true });
  });

  it("a version the embedded backend cannot use: one line naming it, before anything is started", async () => {
    const result = await run({ model: pinned(model), version: "0.14.0" });
    expect(result.main.exitCode).toBe(1);
    expect(errorLines(result.main)).toEqual([
      'embedded backend: version "0.14.0" is not a node-llama-cpp 3.x release, which serve needs (pinned: 3.21.1)',
    ]);
    expect(result.main.state.backendHandle).toBeUndefined();
    expect(result.post?.exitCode).toBe(0);
    await rm(result.dirs.root, { recursive: true, force: true });
  });
});
