import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDigest, sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import type { ImageManifest } from "../../src/core/target.js";
import { createdTime, packageModel } from "../../src/dmr/package-model.js";
import { recognizeArtifact } from "../../src/model/artifact.js";
import { type GgufFile, writeGguf } from "../../src/model/gguf-writer.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { OciLayout } from "../../src/store/oci-layout.js";
import { useTempDir } from "../helpers/temp-dir.js";

async function readJson(layout: OciLayout, digest: string): Promise<Record<string, unknown>> {
  const stream = await layout.fetchBlob({ mediaType: "", digest: parseDigest(digest), size: 0 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function shard(index: number): GgufFile {
  return {
    metadata: [
      ["general.architecture", { type: "string", value: "llama" }],
      ["split.no", { type: "uint16", value: index }],
      ["split.count", { type: "uint16", value: 2 }],
    ],
    tensors: [{ name: `blk.${index}.w`, shape: [8], type: "F32", data: () => [new Uint8Array(32).fill(index + 1)] }],
  };
}

describe("packageModel into an OCI layout", () => {
  const temp = useTempDir();

  it("pushes the GGUF, config and manifest; the layout resolves the tag to it; DMR recognises it", async () => {
    const model = await synthesizeKnownAnswer({
      path: join(temp(), "m.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    const layout = await OciLayout.open(join(temp(), "layout"), { create: true });
    const descriptor = await packageModel({ gguf: model.path, created: new Date(0) }, layout, "v1");

    expect(await layout.resolve("v1")).toMatchObject({ digest: descriptor.digest, mediaType: MediaType.ociManifest });
    const { bytes } = await layout.fetchManifest(descriptor);
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest;
    expect(manifest).not.toHaveProperty("artifactType");
    expect(manifest.config.mediaType).toBe(MediaType.dmrConfigV01);
    expect(manifest.layers).toMatchObject([{ mediaType: MediaType.dmrGguf, size: model.size, digest: model.digest }]);
    const artifact = recognizeArtifact(manifest);
    expect(artifact.format).toBe("dmr");
    expect(artifact.gguf.map((d) => d.digest)).toEqual([model.digest]);

    const config = await readJson(layout, manifest.config.digest);
    expect(config).toMatchObject({
      config: { format: "gguf", quantization: "MOSTLY_F32", architecture: "llama" },
      descriptor: { created: "1970-01-01T00:00:00Z" },
      rootfs: { type: "rootfs", diff_ids: [model.digest] },
    });
    const stored = await layout.fetchBlob(manifest.layers[0] as ImageManifest["layers"][number]);
    const chunks: Buffer[] = [];
    for await (const chunk of stored) chunks.push(chunk as Buffer);
    expect(sha256Digest(Buffer.concat(chunks))).toBe(model.digest);
  });

  it("gives the same digest when the same files are packaged again, another with another context size", async () => {
    const model = await synthesizeKnownAnswer({
      path: join(temp(), "m.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    const layout = await OciLayout.open(join(temp(), "layout"), { create: true });
    const first = await packageModel({ gguf: model.path }, layout, "a");
    const again = await packageModel({ gguf: model.path }, layout, "b");
    const other = await packageModel({ gguf: model.path, contextSize: 1024 }, layout, "c");
    expect(again.digest).toBe(first.digest);
    expect(other.digest).not.toBe(first.digest);
    expect(await layout.tags()).toEqual(expect.arrayContaining(["a", "b", "c"]));
  });

  it("adds license and chat template layers after the GGUF, each in rootfs.diff_ids", async () => {
    const model = await synthesizeKnownAnswer({
      path: join(temp(), "m.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    await writeFile(join(temp(), "LICENSE"), "Apache-2.0\n");
    await writeFile(join(temp(), "template.jinja"), "{{ messages[0]['content'] }}");
    const layout = await OciLayout.open(join(temp(), "layout"), { create: true });
    const descriptor = await packageModel(
      {
        gguf: model.path,
        license: join(temp(), "LICENSE"),
        chatTemplate: join(temp(), "template.jinja"),
        contextSize: 512,
      },
      layout,
    );
    const manifest = JSON.parse(
      new TextDecoder().decode((await layout.fetchManifest(descriptor)).bytes),
    ) as ImageManifest;
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([
      MediaType.dmrGguf,
      MediaType.dmrLicense,
      MediaType.dmrChatTemplate,
    ]);
    expect(manifest.layers[1]?.digest).toBe(sha256Digest(await readFile(join(temp(), "LICENSE"))));
    const config = await readJson(layout, manifest.config.digest);
    expect((config.config as Record<string, unknown>).context_size).toBe(512);
    expect((config.rootfs as Record<string, unknown>).diff_ids).toEqual(manifest.layers.map((l) => l.digest));
  });

  it("brings in every shard, in order, from the name of one", async () => {
    const dir = temp();
    const shards = [join(dir, "m-00001-of-00002.gguf"), join(dir, "m-00002-of-00002.gguf")];
    const written = [await writeGguf(shards[0] as string, shard(0)), await writeGguf(shards[1] as string, shard(1))];
    const layout = await OciLayout.open(join(dir, "layout"), { create: true });
    const descriptor = await packageModel({ gguf: shards[1] as string }, layout);
    const manifest = JSON.parse(
      new TextDecoder().decode((await layout.fetchManifest(descriptor)).bytes),
    ) as ImageManifest;
    expect(manifest.layers.map((l) => l.digest)).toEqual(written.map((w) => w.digest));
    const config = await readJson(layout, manifest.config.digest);
    expect(config).toMatchObject({ config: { parameters: "16" }, rootfs: { diff_ids: written.map((w) => w.digest) } });
  });

  it("refuses a missing shard, a file that is not a GGUF, and a bad SOURCE_DATE_EPOCH, naming each", async () => {
    const dir = temp();
    const layout = await OciLayout.open(join(dir, "layout"), { create: true });
    await writeGguf(join(dir, "m-00001-of-00002.gguf"), shard(0));
    await expect(packageModel({ gguf: join(dir, "m-00001-of-00002.gguf") }, layout)).rejects.toThrow(
      /shard 1 of 2, but .*m-00002-of-00002.gguf is missing/,
    );
    await writeFile(join(dir, "x.gguf"), "not a model");
    await expect(packageModel({ gguf: join(dir, "x.gguf") }, layout)).rejects.toThrow(/x.gguf is not a readable GGUF/);
    expect(await layout.tags()).toEqual([]);
    expect(() => createdTime({ SOURCE_DATE_EPOCH: "yesterday" })).toThrow(/SOURCE_DATE_EPOCH/);
    expect(createdTime({ SOURCE_DATE_EPOCH: "1700000000" }).toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(createdTime({}).getTime()).toBe(0);
  });
});
