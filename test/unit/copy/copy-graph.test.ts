import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ContentSource } from "../../../src/copy/content-source.js";
import { copyGraph } from "../../../src/copy/copy.js";
import { sha256Digest } from "../../../src/core/digest.js";
import { DigestMismatchError, EnvironmentError } from "../../../src/core/errors.js";
import { MediaType } from "../../../src/core/media-types.js";
import type { Descriptor, FetchedManifest, VerifiedFile } from "../../../src/core/target.js";
import { OllamaModelTarget } from "../../../src/ollama/models-target.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const encode = (text: string) => new TextEncoder().encode(text);

function descriptorOf(mediaType: string, bytes: Uint8Array): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength };
}

/** A manifest whose config is in memory and whose one layer is a checked file. */
async function modelSource(dir: string) {
  const layerBytes = encode("weights ".repeat(1000));
  const file = path.join(dir, "layer.bin");
  await fs.writeFile(file, layerBytes);
  const stat = await fs.stat(file, { bigint: true });
  const checked: VerifiedFile = { file, identity: { dev: stat.dev, ino: stat.ino } };
  const configBytes = encode('{"config":{}}');
  const layer = descriptorOf(MediaType.dmrGguf, layerBytes);
  const config = descriptorOf(MediaType.dmrConfigV01, configBytes);
  const bytes = encode(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [layer] }));
  const manifest: FetchedManifest = { descriptor: descriptorOf(MediaType.ociManifest, bytes), bytes };
  const source = new ContentSource("test source", manifest, [
    [layer, checked],
    [config, configBytes],
  ]);
  return { source, manifest, layer, file };
}

describe("copyGraph from checked files", () => {
  const temp = useTempDir("cortex-copy-graph-");

  it("links a checked file into a layout, pushes the in-memory config, and tags on the second copy", async () => {
    const { source, manifest, layer, file } = await modelSource(temp());
    const layout = await OciLayout.open(path.join(temp(), "layout"), { create: true });
    const first = await copyGraph(source, layout, manifest, { tag: "v1" });
    expect(first).toMatchObject({ blobsLinked: 1, blobsCopied: 1, blobsCopiedFromFile: 0, manifestsPushed: 1 });
    expect((await fs.stat(layout.blobPath(layer.digest))).ino).toBe((await fs.stat(file)).ino);
    expect((await layout.resolve("v1")).digest).toBe(manifest.descriptor.digest);

    const second = await copyGraph(source, layout, manifest, { tag: "v2" });
    expect(second).toMatchObject({ blobsLinked: 0, blobsCopied: 0, manifestsSkipped: 1, manifestsPushed: 0 });
    expect((await layout.tags()).sort()).toEqual(["v1", "v2"]);
  });

  it("refuses a checked file that was swapped for another after it was hashed", async () => {
    const { source, manifest, layer, file } = await modelSource(temp());
    const swapped = path.join(temp(), "swapped.bin");
    await fs.copyFile(file, swapped);
    await fs.rename(swapped, file);
    const layout = await OciLayout.open(path.join(temp(), "layout"), { create: true });
    await expect(copyGraph(source, layout, manifest)).rejects.toBeInstanceOf(DigestMismatchError);
    expect(await layout.exists(layer)).toBe(false);
    expect(await layout.exists(manifest.descriptor)).toBe(false);
  });
});

describe("an Ollama models directory as a copy's destination", () => {
  const temp = useTempDir("cortex-ollama-target-");
  const name = { host: "registry.ollama.ai", namespace: "library", model: "tiny" };

  it("links the blobs, writes the manifest at its tag, and reads it back by tag and by digest", async () => {
    const { source, manifest, layer, file } = await modelSource(temp());
    const modelsDir = path.join(temp(), "models");
    const target = new OllamaModelTarget(modelsDir, name);
    const stats = await copyGraph(source, target, manifest, { tag: "latest" });
    expect(stats).toMatchObject({ blobsLinked: 1, blobsCopied: 1, manifestsPushed: 1 });
    const blob = path.join(modelsDir, "blobs", `sha256-${layer.digest.slice(7)}`);
    expect((await fs.stat(blob)).ino).toBe((await fs.stat(file)).ino);
    expect(
      await fs.readFile(path.join(modelsDir, "manifests", "registry.ollama.ai", "library", "tiny", "latest")),
    ).toEqual(Buffer.from(manifest.bytes));
    expect((await target.fetchManifest("latest")).descriptor.digest).toBe(manifest.descriptor.digest);
    expect((await target.fetchManifest(manifest.descriptor)).bytes).toEqual(Buffer.from(manifest.bytes));
    expect(await target.tags()).toEqual(["latest"]);

    // Linking the same inode again would change its ctime, which a store's verification stamp holds.
    const before = (await fs.stat(file, { bigint: true })).ctimeNs;
    await copyGraph(source, target, manifest, { tag: "latest" });
    expect((await fs.stat(file, { bigint: true })).ctimeNs).toBe(before);
  });

  it("writes nothing through a manifests folder that a symbolic link leads out of the directory", async () => {
    const { source, manifest } = await modelSource(temp());
    const modelsDir = path.join(temp(), "models");
    const elsewhere = path.join(temp(), "elsewhere");
    await fs.mkdir(elsewhere);
    await fs.mkdir(modelsDir);
    await fs.symlink(elsewhere, path.join(modelsDir, "manifests"));
    const copy = copyGraph(source, new OllamaModelTarget(modelsDir, name), manifest, { tag: "latest" });
    await expect(copy).rejects.toBeInstanceOf(EnvironmentError);
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });
});
