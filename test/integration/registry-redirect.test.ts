import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../src/core/media-types.js";
import { blob, imageManifest, jsonContent, pseudoRandomBytes } from "../helpers/artifacts.js";
import { type BlobRedirect, startBlobRedirect } from "../helpers/blob-redirect.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";

describe.each(["basic", "token"] as const)("blob downloads redirected to another origin (auth %s)", (auth) => {
  let registry: TestRegistry;
  let redirect: BlobRedirect;
  const layer = blob(pseudoRandomBytes(200_000, `redirected-${auth}`));
  const config = jsonContent({ config: {} }, MediaType.dmrConfigV01);
  const manifest = imageManifest(config.descriptor, [layer.descriptor]);

  beforeAll(async () => {
    registry = await startRegistry({ auth });
    const direct = testRepository(registry, "cdn/model");
    await direct.pushBlob(layer.descriptor, layer.bytes);
    await direct.pushBlob(config.descriptor, config.bytes);
    await direct.pushManifest(manifest.descriptor, manifest.bytes, { tag: "latest" });
    redirect = await startBlobRedirect(registry);
  });
  afterAll(async () => {
    await redirect?.close();
    await registry?.stop();
  });

  it("follows the redirect for whole and ranged reads and never sends Authorization to the other origin", async () => {
    const repo = testRepository({ ...registry, host: redirect.host }, "cdn/model");
    const { bytes } = await repo.fetchManifest("latest");
    expect(Buffer.from(bytes).equals(Buffer.from(manifest.bytes))).toBe(true);
    const whole = await buffer(await repo.fetchBlob(layer.descriptor));
    expect(whole.equals(Buffer.from(layer.bytes))).toBe(true);
    const part = await buffer(await repo.fetchBlob(layer.descriptor, { range: { offset: 150_000, length: 10 } }));
    expect(part.equals(Buffer.from(layer.bytes.subarray(150_000, 150_010)))).toBe(true);

    expect(redirect.blobRequests.length).toBe(2);
    expect(redirect.blobRequests[1]?.headers.range).toBe("bytes=150000-150009");
    for (const request of redirect.blobRequests) expect(request.headers.authorization).toBeUndefined();
    const blobGets = redirect.frontRequests.filter((r) => r.path.includes("/blobs/"));
    expect(blobGets.length).toBeGreaterThanOrEqual(2);
    for (const request of blobGets.slice(-2)) expect(request.headers.authorization).toMatch(/^(Basic|Bearer) /);
  });
});
