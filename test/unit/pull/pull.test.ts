import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DigestMismatchError } from "../../../src/core/errors.js";
import { MediaType } from "../../../src/core/media-types.js";
import { parseReference } from "../../../src/core/ref.js";
import type { ReadOnlyTarget } from "../../../src/core/target.js";
import { UnsafePathError } from "../../../src/model/artifact.js";
import { pull } from "../../../src/pull/pull.js";
import { ModelStore } from "../../../src/store/model-store.js";
import { CountingTarget } from "../../helpers/counting-target.js";
import { descriptorOf, makeModelLayout, randomData, tempDir } from "../../helpers/model-layout.js";

const MiB = 1024 * 1024;

async function blobNames(store: ModelStore): Promise<string[]> {
  return fs.readdir(path.join(store.root, "blobs", "sha256"));
}

describe("pull from an OCI layout", () => {
  it("downloads large blobs as parallel ranged parts, verified, and names the model in the store", async () => {
    const shards = [randomData(5 * MiB + 123), randomData(2 * MiB)];
    const src = await makeModelLayout(await tempDir(), { shards, tag: "v1" });
    const store = await ModelStore.open({ dir: await tempDir() });
    const source = new CountingTarget(src.layout);
    const ref = parseReference(`oci:${src.layout.root}:v1`);
    const result = await pull(source, ref, store, { partSize: 512 * 1024, concurrency: 4 });

    expect(result.digest).toBe(src.manifestDescriptor.digest);
    expect(result.format).toBe("dmr");
    expect(result.files).toEqual(src.ggufDescriptors.map((d) => store.blobPath(d.digest)));
    expect(result.model).toBe(result.files[0]);
    expect(path.isAbsolute(result.model)).toBe(true);
    expect(Buffer.compare(await fs.readFile(result.model), Buffer.from(shards[0] as Uint8Array))).toBe(0);
    expect(source.ranged).toBe(11 + 4);
    expect(result.downloadedBytes).toBe(shards.reduce((s, b) => s + b.byteLength, 0) + result.manifest.config.size);
    expect(result.reference).toBe(`oci:${src.layout.root}:v1@${result.digest}`);
    expect(await store.find(`oci:${src.layout.root}:v1`)).toMatchObject({ digest: result.digest });
    expect(await fs.readdir(store.layout.ingestDir)).toEqual([]);
  });

  it("answers a warm pinned pull from the store without touching the source", async () => {
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(MiB)] });
    const store = await ModelStore.open({ dir: await tempDir() });
    const ref = parseReference(`oci:${src.layout.root}@${src.manifestDescriptor.digest}`);
    await pull(src.layout, ref, store);
    const untouched = new CountingTarget(src.layout);
    const warm = await pull(untouched, ref, store);
    expect(untouched.calls).toBe(0);
    expect(warm.downloadedBytes).toBe(0);
    expect(warm.reusedBytes).toBeGreaterThan(MiB);
  });

  it("resumes a partial download, fetching only the missing ranges", async () => {
    const blob = randomData(4 * MiB);
    const src = await makeModelLayout(await tempDir(), { shards: [blob] });
    const store = await ModelStore.open({ dir: await tempDir() });
    const gguf = src.ggufDescriptors[0] as (typeof src.ggufDescriptors)[0];
    const files = store.partialFiles(gguf.digest);
    const partial = Buffer.alloc(blob.byteLength);
    partial.set(blob.subarray(0, 3 * MiB));
    await fs.writeFile(files.data, partial);
    await fs.writeFile(
      files.meta,
      JSON.stringify({ version: 1, digest: gguf.digest, size: gguf.size, done: [[0, 3 * MiB]] }),
    );
    const source = new CountingTarget(src.layout);
    const result = await pull(source, parseReference(`oci:${src.layout.root}`), store, { partSize: MiB });
    expect(source.blobBytes).toBe(MiB + result.manifest.config.size);
    expect(result.reusedBytes).toBe(3 * MiB);
    expect(Buffer.compare(await fs.readFile(result.model), Buffer.from(blob))).toBe(0);
  });

  it("starts over when a resumed partial file turns out corrupt", async () => {
    const blob = randomData(3 * MiB);
    const src = await makeModelLayout(await tempDir(), { shards: [blob] });
    const store = await ModelStore.open({ dir: await tempDir() });
    const gguf = src.ggufDescriptors[0] as (typeof src.ggufDescriptors)[0];
    const files = store.partialFiles(gguf.digest);
    await fs.writeFile(files.data, Buffer.alloc(blob.byteLength, 7));
    await fs.writeFile(
      files.meta,
      JSON.stringify({ version: 1, digest: gguf.digest, size: gguf.size, done: [[0, MiB]] }),
    );
    const result = await pull(src.layout, parseReference(`oci:${src.layout.root}`), store, { partSize: MiB });
    expect(Buffer.compare(await fs.readFile(result.model), Buffer.from(blob))).toBe(0);
  });

  it.each([
    ["a blob in parts", 2 * MiB],
    ["a small blob", 1000],
  ])("refuses %s that does not match its digest and keeps nothing of it", async (_, size) => {
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(size)] });
    const gguf = src.ggufDescriptors[0] as (typeof src.ggufDescriptors)[0];
    const file = src.layout.blobPath(gguf.digest);
    const bytes = await fs.readFile(file);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await fs.writeFile(file, bytes);
    const store = await ModelStore.open({ dir: await tempDir() });
    const error = await pull(src.layout, parseReference(`oci:${src.layout.root}`), store, { partSize: MiB }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as Error).message).toMatch(/content hashes to sha256:/);
    const names = await blobNames(store);
    expect(names).not.toContain(gguf.digest.slice(7));
    expect(names).not.toContain(src.manifestDescriptor.digest.slice(7));
    expect(await fs.readdir(store.layout.ingestDir)).toEqual([]);
    expect(await store.find(`oci:${src.layout.root}`)).toBeUndefined();
  });

  it("refuses a layer file name that leaves the store before downloading anything", async () => {
    const parent = await tempDir();
    const src = await makeModelLayout(path.join(parent, "src"), {
      shards: [randomData(1000)],
      ggufAnnotations: { "org.cncf.model.filepath": "../../evil.gguf" },
    });
    const store = await ModelStore.open({ dir: path.join(parent, "store") });
    const source = new CountingTarget(src.layout);
    await expect(pull(source, parseReference(`oci:${src.layout.root}`), store)).rejects.toBeInstanceOf(UnsafePathError);
    expect(source.blobBytes).toBe(0);
    expect((await fs.readdir(parent)).sort()).toEqual(["src", "store"]);
    expect(await blobNames(store)).toEqual([]);
  });

  it("pulls one download when the same digest is pulled twice at once", async () => {
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(3 * MiB)] });
    const store = await ModelStore.open({ dir: await tempDir() });
    const source = new CountingTarget(src.layout);
    const ref = parseReference(`oci:${src.layout.root}`);
    const [a, b] = await Promise.all([
      pull(source, ref, store, { partSize: MiB }),
      pull(source, ref, store, { partSize: MiB }),
    ]);
    expect(a.downloadedBytes + b.downloadedBytes).toBe(3 * MiB + a.manifest.config.size);
    expect(source.blobBytes).toBe(3 * MiB + a.manifest.config.size);
  });

  it("picks the model manifest out of an index", async () => {
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(1000)] });
    const index = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { ...src.manifestDescriptor, platform: { os: "linux", architecture: "arm64" } },
          { ...src.manifestDescriptor, platform: { os: "linux", architecture: "amd64" } },
        ],
      }),
    );
    const indexDescriptor = descriptorOf(MediaType.ociIndex, index);
    await src.layout.pushManifest(indexDescriptor, index, { tag: "multi" });
    const store = await ModelStore.open({ dir: await tempDir() });
    const result = await pull(src.layout, parseReference(`oci:${src.layout.root}:multi`), store);
    expect(result.digest).toBe(indexDescriptor.digest);
    expect(result.manifestDigest).toBe(src.manifestDescriptor.digest);
    const dead: ReadOnlyTarget = new CountingTarget(src.layout);
    const warm = await pull(dead, parseReference(`oci:${src.layout.root}@${indexDescriptor.digest}`), store);
    expect((dead as CountingTarget).calls).toBe(0);
    expect(warm.model).toBe(result.model);
  });
});
