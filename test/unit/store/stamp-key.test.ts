import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseReference } from "../../../src/core/ref.js";
import { pull } from "../../../src/pull/pull.js";
import { ModelStore } from "../../../src/store/model-store.js";
import { STAMP_DIR } from "../../../src/store/stamp.js";
import { STAMP_KEY_ENV, stampKey } from "../../../src/store/stamp-key.js";
import { makeModelLayout, randomData } from "../../helpers/model-layout.js";
import { useTempDir } from "../../helpers/temp-dir.js";

/** Writes other bytes of the same size in place: the stamp no longer matches the blob. */
async function overwrite(file: string): Promise<void> {
  const { size } = await fs.stat(file);
  await fs.writeFile(file, Buffer.alloc(size, 7));
}

describe("the key stamps are sealed with", () => {
  const temp = useTempDir("cortex-stamp-key-");

  it("is made once, readable by this user alone, and shared by processes that race to make it", async () => {
    const dir = path.join(temp(), "state", "cortex-model");
    const file = path.join(dir, "stamp-key");
    // Two spellings of one file: two loads that race to make it.
    const keys = await Promise.all([stampKey(file), stampKey(`${dir}/./stamp-key`)]);
    expect(keys[0]?.length).toBe(32);
    expect(keys[1]?.equals(keys[0] as Buffer)).toBe(true);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.dirname(file))).toEqual(["stamp-key"]);
  });

  it("is refused when others may read it, and then no stamp is written or trusted", async () => {
    const file = path.join(temp(), "open-key");
    await fs.writeFile(file, "ab".repeat(32), { mode: 0o644 });
    await fs.chmod(file, 0o644);
    expect(await stampKey(file)).toBeUndefined();

    const source = await makeModelLayout(path.join(temp(), "source"), { shards: [randomData(4096)] });
    const store = await ModelStore.open({ dir: path.join(temp(), "store"), env: { [STAMP_KEY_ENV]: file } });
    await pull(source.layout, parseReference(`oci:${source.layout.root}@${source.manifestDescriptor.digest}`), store);
    await expect(fs.readdir(path.join(store.root, STAMP_DIR))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("what a sealed stamp vouches for", () => {
  const temp = useTempDir("cortex-stamp-seal-");

  async function pulledStore(keyName: string) {
    const gguf = randomData(64 * 1024);
    const source = await makeModelLayout(path.join(temp(), "source"), { shards: [gguf] });
    const env = { [STAMP_KEY_ENV]: path.join(temp(), keyName) };
    const store = await ModelStore.open({ dir: path.join(temp(), "store"), env });
    const ref = parseReference(`oci:${source.layout.root}@${source.manifestDescriptor.digest}`);
    const pulled = await pull(source.layout, ref, store);
    const layer = pulled.manifest.layers[0];
    if (!layer) throw new Error("the model has no layer");
    return { store, layer, file: pulled.model };
  }

  it("is trusted without reading the blob while the file is untouched since this user sealed it", async () => {
    const { store, layer, file } = await pulledStore("key-a");
    // Other bytes, sealed by the key's holder: the store takes its own word and reads nothing.
    await overwrite(file);
    await store.stamp(layer);
    expect(await store.verifyBlobs([layer])).toEqual([]);
    // Hashing says what the bytes are.
    expect(await store.verifyBlob(layer)).toBe(false);
    await expect(fs.access(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("sealed under another key vouches for nothing: the blob is hashed and removed", async () => {
    const { store, layer, file } = await pulledStore("key-b");
    await overwrite(file);
    // Whoever wrote the bytes seals their new state with a key of their own.
    const elsewhere = await ModelStore.open({ dir: store.root, env: { [STAMP_KEY_ENV]: path.join(temp(), "key-c") } });
    await elsewhere.stamp(layer);
    expect(await elsewhere.verifyBlobs([layer])).toEqual([]);
    expect(await store.verifyBlobs([layer])).toEqual([layer]);
    await expect(fs.access(file)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
