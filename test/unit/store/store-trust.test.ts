import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { makeModelLayout, randomData } from "../../helpers/model-layout.js";
import { useTempDir } from "../../helpers/temp-dir.js";

interface Pulled {
  model: string;
  downloadedBytes: number;
  reusedBytes: number;
}

/** Changes one byte in the middle of a file in place, keeping its size and its modification time. */
async function tamper(file: string): Promise<void> {
  const before = await fs.stat(file);
  const handle = await fs.open(file, "r+");
  try {
    const byte = Buffer.alloc(1);
    const middle = Math.floor(before.size / 2);
    await handle.read(byte, 0, 1, middle);
    byte[0] = (byte[0] as number) ^ 0xff;
    await handle.write(byte, 0, 1, middle);
  } finally {
    await handle.close();
  }
  await fs.utimes(file, before.atime, before.mtime);
}

async function pullJson(reference: string, store: string) {
  const result = await runCliInProcess(["pull", reference, "--store", store, "--json"]);
  return { ...result, pulled: result.code === 0 ? (JSON.parse(result.stdout) as Pulled) : undefined };
}

describe("what a warm pull trusts", () => {
  const temp = useTempDir("cortex-store-trust-");

  it("re-hashes a blob changed in place with its size and mtime kept, and fetches it again", async () => {
    const gguf = randomData(3 * 1024 * 1024);
    const model = await makeModelLayout(path.join(temp(), "source"), { shards: [gguf] });
    const reference = `oci:${model.layout.root}@${model.manifestDescriptor.digest}`;
    const store = path.join(temp(), "store");
    const first = await pullJson(reference, store);
    expect(first.pulled?.downloadedBytes).toBeGreaterThanOrEqual(gguf.byteLength);

    const warm = await pullJson(reference, store);
    expect(warm.stderr).toBe("");
    expect(warm.pulled?.downloadedBytes).toBe(0);

    await tamper(first.pulled?.model as string);
    const repaired = await pullJson(reference, store);
    expect(repaired.code).toBe(0);
    expect(repaired.stderr).toContain(
      `warning: ${sha256Digest(gguf)} in the store ${store} no longer matched its digest: removed, fetching it again`,
    );
    expect(repaired.pulled?.downloadedBytes).toBe(gguf.byteLength);
    expect(sha256Digest(await fs.readFile(repaired.pulled?.model as string))).toBe(sha256Digest(gguf));
  });
});

describe("a read-only store", () => {
  const temp = useTempDir("cortex-store-ro-");
  const mounts: string[] = [];

  /** `dir` seen through a read-only bind mount. */
  async function readOnlyView(dir: string): Promise<string> {
    const view = `${dir}-ro`;
    await fs.mkdir(view);
    execFileSync("mount", ["--bind", dir, view]);
    mounts.push(view);
    execFileSync("mount", ["-o", "remount,ro,bind", view]);
    return view;
  }

  afterEach(() => {
    for (const view of mounts.splice(0).reverse()) execFileSync("umount", [view]);
  });

  async function seeded() {
    const gguf = randomData(256 * 1024);
    const model = await makeModelLayout(path.join(temp(), "source"), { shards: [gguf], tag: "v1" });
    const pinned = `oci:${model.layout.root}@${model.manifestDescriptor.digest}`;
    const store = path.join(temp(), "store");
    expect((await pullJson(pinned, store)).code).toBe(0);
    return { model, pinned, store, gguf };
  }

  it("answers a pinned pull, and a tag whose model is all there, from what it holds", async () => {
    const { model, pinned, store, gguf } = await seeded();
    const view = await readOnlyView(store);
    await expect(fs.writeFile(path.join(view, "probe"), "x")).rejects.toMatchObject({ code: "EROFS" });

    const byDigest = await pullJson(pinned, view);
    expect(byDigest.stderr, byDigest.stderr).toBe("");
    expect(byDigest.pulled?.model).toBe(path.join(view, "blobs", "sha256", sha256Digest(gguf).slice(7)));
    const byTag = await pullJson(`oci:${model.layout.root}:v1`, view);
    expect(byTag.code, byTag.stderr).toBe(0);
    expect(byTag.pulled?.downloadedBytes).toBe(0);
  });

  it("says it is read-only when a pull would have to write, and when it is not a store at all", async () => {
    const { store } = await seeded();
    const other = await makeModelLayout(path.join(temp(), "other"), { shards: [randomData(1024)] });
    const view = await readOnlyView(store);
    const missing = await pullJson(`oci:${other.layout.root}@${other.manifestDescriptor.digest}`, view);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`the store ${view} is read-only and lacks 1 of the 2 files of oci:`);

    const empty = path.join(temp(), "empty");
    await fs.mkdir(empty);
    const emptyView = await readOnlyView(empty);
    const none = await pullJson(`oci:${other.layout.root}@${other.manifestDescriptor.digest}`, emptyView);
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split("\n")).toEqual([
      expect.stringContaining(
        `cortex-model pull: the store ${emptyView} is not a model store yet and cannot be made there (EROFS: read-only or not writable); give a writable --store or $CORTEX_MODEL_STORE`,
      ),
    ]);
  });
});
