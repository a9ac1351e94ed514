import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import { MediaType } from "../../src/core/media-types.js";
import { attachReferrer, referrersTag } from "../../src/registry/index.js";
import { blob, imageManifest, jsonContent, pseudoRandomBytes } from "../helpers/artifacts.js";
import { type RegistryAuth, startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";

describe.each<RegistryAuth>(["none", "basic", "token"])(
  "RemoteRepository against docker-registry (auth %s)",
  (auth) => {
    let registry: TestRegistry;
    beforeAll(async () => {
      registry = await startRegistry({ auth });
    });
    afterAll(async () => {
      await registry?.stop();
    });

    const layer = blob(pseudoRandomBytes(300_000, `layer-${auth}`));
    const config = jsonContent({ config: { format: "gguf" } }, MediaType.dmrConfigV01);
    const manifest = imageManifest(config.descriptor, [layer.descriptor]);

    it("pushes blobs and a tagged manifest, then resolves and fetches them by tag and digest", async () => {
      const repo = testRepository(registry, "models/one");
      expect(await repo.exists(layer.descriptor)).toBe(false);
      await repo.pushBlob(layer.descriptor, layer.bytes);
      await repo.pushBlob(config.descriptor, () => Readable.from([Buffer.from(config.bytes)]));
      expect(await repo.exists(layer.descriptor)).toBe(true);
      await repo.pushManifest(manifest.descriptor, manifest.bytes, { tag: "v1" });

      expect(await repo.resolve("v1")).toEqual(manifest.descriptor);
      expect(await repo.resolve(manifest.descriptor.digest)).toEqual(manifest.descriptor);
      const byTag = await repo.fetchManifest("v1");
      expect(byTag.descriptor.digest).toBe(manifest.descriptor.digest);
      expect(Buffer.from(byTag.bytes).equals(Buffer.from(manifest.bytes))).toBe(true);
      const byDescriptor = await repo.fetchManifest(manifest.descriptor);
      expect(byDescriptor.descriptor).toMatchObject(manifest.descriptor);
      expect(await repo.exists(manifest.descriptor)).toBe(true);

      const whole = await buffer(await repo.fetchBlob(layer.descriptor));
      expect(whole.equals(Buffer.from(layer.bytes))).toBe(true);
    });

    it("reads byte ranges of a blob, including an open-ended one and an empty one", async () => {
      const repo = testRepository(registry, "models/one");
      const part = await buffer(await repo.fetchBlob(layer.descriptor, { range: { offset: 1000, length: 5000 } }));
      expect(part.equals(Buffer.from(layer.bytes.subarray(1000, 6000)))).toBe(true);
      const tail = await buffer(await repo.fetchBlob(layer.descriptor, { range: { offset: 299_990 } }));
      expect(tail.equals(Buffer.from(layer.bytes.subarray(299_990)))).toBe(true);
      const none = await buffer(await repo.fetchBlob(layer.descriptor, { range: { offset: 300_000 } }));
      expect(none.length).toBe(0);
      await expect(repo.fetchBlob(layer.descriptor, { range: { offset: 300_001 } })).rejects.toThrow(/outside/);
    });

    it("uploads large streamed content in PATCH chunks and refuses content that does not match", async () => {
      const repo = testRepository(registry, "models/chunked", {
        upload: { chunkThreshold: 256 * 1024, chunkSize: 100_000 },
      });
      const big = blob(pseudoRandomBytes(1_000_003, `big-${auth}`));
      const slices = Array.from({ length: 11 }, (_, i) =>
        Buffer.from(big.bytes.subarray(i * 97_000, (i + 1) * 97_000)),
      );
      await repo.pushBlob(big.descriptor, () => Readable.from(slices));
      expect(Buffer.from(await buffer(await repo.fetchBlob(big.descriptor))).equals(Buffer.from(big.bytes))).toBe(true);

      const wrong = { ...big.descriptor, digest: blob(pseudoRandomBytes(10, "other")).descriptor.digest };
      await expect(repo.pushBlob({ ...wrong, size: big.descriptor.size }, () => Readable.from(slices))).rejects.toThrow(
        /does not match/,
      );
      await expect(repo.pushBlob(wrong, big.bytes)).rejects.toThrow(/does not match/);
      expect(await repo.exists(wrong)).toBe(false);
    });

    it("mounts a blob from another repository without sending it", async () => {
      const source = testRepository(registry, "models/source");
      const shared = blob(pseudoRandomBytes(50_000, `shared-${auth}`));
      await source.pushBlob(shared.descriptor, shared.bytes);
      const target = testRepository(registry, "models/target");
      expect(await target.mountBlob(shared.descriptor, "models/source")).toBe(true);
      expect(await target.exists(shared.descriptor)).toBe(true);
      const missing = blob(pseudoRandomBytes(10, `missing-${auth}`));
      expect(await target.mountBlob(missing.descriptor, "models/source")).toBe(false);
    });

    it("lists tags across pages, tags by descriptor and deletes manifests", async () => {
      const repo = testRepository(registry, "models/one");
      for (const tag of ["a", "b", "c"]) await repo.tag(manifest.descriptor, tag);
      expect((await repo.tags()).sort()).toEqual(["a", "b", "c", "v1"]);
      expect(await testRepository(registry, "models/never-pushed").tags()).toEqual([]);

      const other = imageManifest(config.descriptor, [layer.descriptor], { annotations: { n: "2" } });
      await repo.pushManifest(other.descriptor, other.bytes);
      await repo.deleteManifest(other.descriptor);
      expect(await repo.exists(other.descriptor)).toBe(false);
      await expect(repo.fetchManifest(other.descriptor.digest)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.resolve("no-such-tag")).rejects.toThrow(
        new RegExp(
          `registry ${registry.host.replace(".", "\\.")}, repository models/one: manifest no-such-tag not found`,
        ),
      );
    });

    it("attaches referrers through the fallback tag schema and lists them by artifact type", async () => {
      const repo = testRepository(registry, "models/one");
      const result = jsonContent({ passed: true }, MediaType.cortexResult);
      const empty = jsonContent({}, MediaType.ociEmpty);
      await repo.pushBlob(result.descriptor, result.bytes);
      await repo.pushBlob(empty.descriptor, empty.bytes);
      const referrer = imageManifest(empty.descriptor, [result.descriptor], {
        subject: manifest.descriptor,
        artifactType: "application/vnd.cortex.compat.v1",
        annotations: { "org.opencontainers.image.created": "2026-11-28T00:00:00Z" },
      });
      expect(await repo.referrers(manifest.descriptor)).toEqual([]);
      await attachReferrer(repo, referrer.descriptor, referrer.bytes);
      await attachReferrer(repo, referrer.descriptor, referrer.bytes);
      const listed = await repo.referrers(manifest.descriptor);
      expect(listed).toEqual([
        {
          ...referrer.descriptor,
          artifactType: "application/vnd.cortex.compat.v1",
          annotations: { "org.opencontainers.image.created": "2026-11-28T00:00:00Z" },
        },
      ]);
      expect(await repo.referrers(manifest.descriptor, { artifactType: "application/other" })).toEqual([]);
      expect(await repo.tags()).toContain(referrersTag(manifest.descriptor.digest));
    });

    it("keeps every referrer when several are attached to one subject at once (no referrers API)", async () => {
      const repo = testRepository(registry, "models/one");
      const empty = jsonContent({}, MediaType.ociEmpty);
      await repo.pushBlob(empty.descriptor, empty.bytes);
      const referrers = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const result = jsonContent({ run: i }, MediaType.cortexResult);
          await repo.pushBlob(result.descriptor, result.bytes);
          return imageManifest(empty.descriptor, [result.descriptor], {
            subject: manifest.descriptor,
            artifactType: "application/vnd.cortex.concurrent.v1",
          });
        }),
      );
      await Promise.all(
        referrers.map((r) => attachReferrer(testRepository(registry, "models/one"), r.descriptor, r.bytes)),
      );
      const listed = await repo.referrers(manifest.descriptor, {
        artifactType: "application/vnd.cortex.concurrent.v1",
      });
      expect(listed.map((d) => d.digest).sort()).toEqual(referrers.map((r) => r.descriptor.digest).sort());
    });
  },
);
