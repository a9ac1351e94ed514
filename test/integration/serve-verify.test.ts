import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendContext, BackendHandle } from "../../src/backends/backend.js";
import { type StoredModel, setupBackend, stopBackend } from "../../src/backends/setup.js";
import { OpenAIClient } from "../../src/client/openai-client.js";
import { openTarget } from "../../src/copy/targets.js";
import { sha256Digest } from "../../src/core/digest.js";
import { isAlive } from "../../src/core/process-alive.js";
import type { Reference } from "../../src/core/ref.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { pull, pullFromStore } from "../../src/pull/pull.js";
import { ModelStore } from "../../src/store/model-store.js";
import { type ModelLayout, makeModelLayout, tempDir } from "../helpers/model-layout.js";
import { runServe } from "../helpers/serve-process.js";

// Serving from the store checks the bytes it serves while the backend loads them (cortex-model serve from
// lib/, `npm run build` first): a blob changed after its pull is never answered from.
const answers = [{ prompt: "What is the capital of France?", answer: "Paris is the capital of France" }];
let root: string;
let model: ModelLayout;
let ggufBytes: Buffer;

beforeAll(async () => {
  root = await tempDir("serve-verify-");
  const gguf = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
  ggufBytes = await fs.readFile(gguf.path);
  model = await makeModelLayout(path.join(root, "ka"), { shards: [ggufBytes], tag: "v1" });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Flips the last byte of a file in place (a weight: the model still loads), keeping size and mtime. */
async function tamper(file: string): Promise<void> {
  const before = await fs.stat(file);
  const bytes = await fs.readFile(file);
  bytes.writeUInt8((bytes.at(-1) as number) ^ 0x01, bytes.length - 1);
  await fs.writeFile(file, bytes);
  await fs.utimes(file, before.atime, before.mtime);
}

async function pullInto(storeDir: string, reference: Reference): Promise<StoredModel> {
  const store = await ModelStore.open({ dir: storeDir });
  const pulled = (await pullFromStore(store, reference)) ?? (await pull(await openTarget(reference), reference, store));
  return { store: store.root, digest: pulled.digest, pulled, cacheHit: false };
}

function contextIn(dir: string, log: (line: string) => void): BackendContext {
  return { toolDir: path.join(dir, "tools"), workDir: dir, env: process.env, log, lifetime: "detached" };
}

function setupRequest() {
  return {
    model: `oci:${model.layout.root}@${model.manifestDescriptor.digest}`,
    selection: { backend: "embedded", strategy: "hybrid", environment: "development", install: "auto" },
    settings: { gpu: "none", port: 0, threads: 1, readyTimeoutMs: 120_000 },
    options: {},
    installOption: "--install missing",
  } as const;
}

describe("setup serving from the store", () => {
  it("finds a blob changed after the pull while the backend loads, fetches it again, and serves the right bytes", async () => {
    const dir = await fs.mkdtemp(path.join(root, "setup-"));
    const lines: string[] = [];
    const context = contextIn(dir, (line) => lines.push(line));
    const handles: BackendHandle[] = [];
    let pulls = 0;
    const result = await setupBackend(setupRequest(), context, {
      async pull(reference) {
        pulls += 1;
        const stored = await pullInto(path.join(dir, "store"), reference);
        // Changed between the pull's check and the load: only the check beside the load can see it.
        if (pulls === 1) await tamper(stored.pulled.model);
        return stored;
      },
      started: (handle) => handles.push(handle),
    });
    try {
      expect(pulls).toBe(2);
      expect(handles).toHaveLength(2);
      expect(isAlive(handles[0]?.pid as number)).toBe(false);
      const digest = sha256Digest(ggufBytes);
      expect(lines).toContainEqual(expect.stringContaining(`${digest} of oci:`));
      expect(lines).toContainEqual(expect.stringContaining("did not match its digest: removed, fetching it again"));
      expect(sha256Digest(await fs.readFile(path.join(dir, "store", "blobs", "sha256", digest.slice(7))))).toBe(digest);
      const client = new OpenAIClient({ baseUrl: result.endpoint.baseUrl });
      const answer = await client.generate({
        api: "completions",
        model: result.endpoint.modelId,
        prompt: "What is the capital of France?",
        options: { temperature: 0 },
      });
      expect(answer.text).toBe("Paris is the capital of France");
    } finally {
      await stopBackend(result.handle, context);
    }
  }, 240_000);

  it("fails with one line naming the blob when it cannot be fetched again, and leaves no server", async () => {
    const dir = await fs.mkdtemp(path.join(root, "setup-"));
    const context = contextIn(dir, () => {});
    const handles: BackendHandle[] = [];
    let pulls = 0;
    const failure = await setupBackend(setupRequest(), context, {
      async pull(reference) {
        pulls += 1;
        if (pulls > 1) throw new Error("the registry is unreachable");
        const stored = await pullInto(path.join(dir, "store"), reference);
        await tamper(stored.pulled.model);
        return stored;
      },
      started: (handle) => handles.push(handle),
    }).catch((error: unknown) => error as Error);
    const digest = sha256Digest(ggufBytes);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message.split("\n")).toEqual([
      `${digest} of oci:${model.layout.root}@${model.manifestDescriptor.digest} in the store ${path.join(dir, "store")} does not match its digest and could not be fetched again: the registry is unreachable`,
    ]);
    expect(handles).toHaveLength(1);
    expect(isAlive(handles[0]?.pid as number)).toBe(false);
  }, 240_000);
});

describe("cortex-model serve on a store blob", () => {
  it("refuses a file that does not hash to the digest it is named by, answering nothing", async () => {
    const stored = await pullInto(path.join(root, "serve-store"), {
      kind: "layout",
      path: model.layout.root,
      digest: model.manifestDescriptor.digest,
    } as Reference);
    await tamper(stored.pulled.model);
    const readyFile = path.join(root, "serve-ready.json");
    const result = await runServe(["--model", stored.pulled.model, "--threads", "1", "--ready-file", readyFile]);
    expect(result.code).toBe(1);
    const errors = result.stderr.split("\n").filter((line) => line.includes("does not hash"));
    expect(errors).toEqual([
      `cortex-model serve: ${stored.pulled.model} does not hash to ${sha256Digest(ggufBytes)}, the digest it is named by: refusing to serve it (cortex-model verify removes it, a pull fetches it again)`,
    ]);
    expect(result.stdout).toBe("");
    await expect(fs.access(readyFile)).rejects.toThrow();
  }, 120_000);
});
