import { promises as fs } from "node:fs";
import path from "node:path";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { DigestMismatchError, NotFoundError } from "../../../src/core/errors.js";
import { Annotation, MediaType } from "../../../src/core/media-types.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { descriptorOf, tempDir } from "../../helpers/model-layout.js";

const encode = (s: string) => new TextEncoder().encode(s);

describe("OciLayout", () => {
  it("creates a valid layout and refuses a directory that is not one", async () => {
    const dir = await tempDir();
    await expect(OciLayout.open(dir)).rejects.toThrow(/not an OCI image layout/);
    await OciLayout.open(dir, { create: true });
    expect(JSON.parse(await fs.readFile(path.join(dir, "oci-layout"), "utf8"))).toEqual({
      imageLayoutVersion: "1.0.0",
    });
    expect(JSON.parse(await fs.readFile(path.join(dir, "index.json"), "utf8"))).toMatchObject({
      schemaVersion: 2,
      manifests: [],
    });
    await fs.writeFile(path.join(dir, "oci-layout"), '{"imageLayoutVersion":"2.0.0"}');
    await expect(OciLayout.open(dir)).rejects.toThrow(/unsupported imageLayoutVersion "2.0.0"/);
  });

  it("stores a blob only when size and digest match, leaving nothing behind otherwise", async () => {
    const dir = await tempDir();
    const layout = await OciLayout.open(dir, { create: true });
    const good = descriptorOf("application/octet-stream", encode("hello"));
    await layout.pushBlob(good, encode("hello"));
    expect(await fs.readFile(layout.blobPath(good.digest), "utf8")).toBe("hello");

    const lying = { ...descriptorOf("application/octet-stream", encode("world")) };
    await expect(layout.pushBlob(lying, encode("w0rld"))).rejects.toBeInstanceOf(DigestMismatchError);
    await expect(layout.pushBlob({ ...lying, size: 3 }, encode("world"))).rejects.toThrow(/more than the 3 bytes/);
    expect(await fs.readdir(path.join(dir, "blobs", "sha256"))).toEqual([good.digest.slice(7)]);
    expect((await fs.readdir(layout.ingestDir)).filter((f) => !f.endsWith(".lock"))).toEqual([]);
  });

  it("resolves tags and digests, fetches verified manifests and ranges of blobs", async () => {
    const layout = await OciLayout.open(await tempDir(), { create: true });
    const blob = encode("0123456789");
    const blobDescriptor = descriptorOf("application/octet-stream", blob);
    await layout.pushBlob(blobDescriptor, blob);
    const manifest = encode(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: blobDescriptor, layers: [] }),
    );
    const md = descriptorOf(MediaType.ociManifest, manifest);
    await layout.pushManifest(md, manifest, { tag: "v1" });
    expect(await layout.resolve("v1")).toEqual({ mediaType: MediaType.ociManifest, digest: md.digest, size: md.size });
    expect((await layout.resolve(md.digest)).digest).toBe(md.digest);
    expect(Buffer.from((await layout.fetchManifest("v1")).bytes).toString()).toBe(Buffer.from(manifest).toString());
    expect(await layout.tags()).toEqual(["v1"]);
    expect(await text(await layout.fetchBlob(blobDescriptor, { range: { offset: 3, length: 4 } }))).toBe("3456");
    expect(await text(await layout.fetchBlob(blobDescriptor, { range: { offset: 7 } }))).toBe("789");

    await expect(layout.resolve("v2")).rejects.toBeInstanceOf(NotFoundError);
    const absent = descriptorOf("application/octet-stream", encode("absent"));
    await expect(layout.fetchBlob(absent)).rejects.toBeInstanceOf(NotFoundError);
    await expect(layout.resolve(absent.digest)).rejects.toBeInstanceOf(NotFoundError);
    expect(await layout.exists(absent)).toBe(false);
    await expect(layout.tag(absent, "nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("pumps ranges of a blob into a sink, waits for it, and stops when aborted", async () => {
    const layout = await OciLayout.open(await tempDir(), { create: true });
    const blob = Buffer.alloc(3 << 20, 7);
    const blobDescriptor = descriptorOf("application/octet-stream", blob);
    await layout.pushBlob(blobDescriptor, blob);
    const collect = async (options: Parameters<OciLayout["pumpBlob"]>[2], sink?: () => void) => {
      const chunks: Buffer[] = [];
      await layout.pumpBlob(
        blobDescriptor,
        async (chunk) => {
          chunks.push(Buffer.from(chunk));
          sink?.();
          await new Promise((resolve) => setImmediate(resolve));
        },
        options,
      );
      return Buffer.concat(chunks);
    };
    expect((await collect({ range: { offset: 5, length: 10 } })).length).toBe(10);
    expect(Buffer.compare(await collect({}), blob)).toBe(0);
    const controller = new AbortController();
    await expect(collect({ signal: controller.signal }, () => controller.abort())).rejects.toThrow(/abort/i);
    const absent = descriptorOf("application/octet-stream", encode("absent"));
    await expect(layout.pumpBlob(absent, () => {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it("moves a tag to another manifest and keeps every update made concurrently", async () => {
    const layout = await OciLayout.open(await tempDir(), { create: true });
    const manifests = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const bytes = encode(JSON.stringify({ schemaVersion: 2, config: {}, layers: [], n: i }));
        const d = descriptorOf(MediaType.ociManifest, bytes);
        await layout.pushManifest(d, bytes, { tag: `t${i}` });
        return d;
      }),
    );
    expect((await layout.tags()).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
    await layout.tag(manifests[0] as (typeof manifests)[0], "t5");
    expect((await layout.resolve("t5")).digest).toBe(manifests[0]?.digest);
    const t5 = (await layout.entries()).filter((d) => d.annotations?.[Annotation.refName] === "t5");
    expect(t5).toHaveLength(1);
  });

  it("finds referrers by scanning manifests for a subject", async () => {
    const layout = await OciLayout.open(await tempDir(), { create: true });
    const config = encode("{}");
    const cd = descriptorOf(MediaType.ociEmpty, config);
    await layout.pushBlob(cd, config);
    const subjectBytes = encode(JSON.stringify({ schemaVersion: 2, config: cd, layers: [] }));
    const subject = descriptorOf(MediaType.ociManifest, subjectBytes);
    await layout.pushManifest(subject, subjectBytes, { tag: "model" });
    const referrer = (artifactType: string) =>
      encode(JSON.stringify({ schemaVersion: 2, artifactType, config: cd, layers: [], subject }));
    const a = referrer(MediaType.cortexResult);
    const b = referrer("application/vnd.other");
    await layout.pushManifest(descriptorOf(MediaType.ociManifest, a), a);
    await layout.pushManifest(descriptorOf(MediaType.ociManifest, b), b);
    expect(await layout.referrers(subject)).toHaveLength(2);
    const results = await layout.referrers(subject, { artifactType: MediaType.cortexResult });
    expect(results).toEqual([
      expect.objectContaining({ digest: sha256Digest(a), artifactType: MediaType.cortexResult }),
    ]);
  });
});
