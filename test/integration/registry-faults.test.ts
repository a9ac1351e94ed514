import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sha256Digest } from "../../src/core/digest.js";
import { DigestMismatchError } from "../../src/core/errors.js";
import { MediaType } from "../../src/core/media-types.js";
import { RegistryError, type RemoteRepository } from "../../src/registry/index.js";
import { blob, imageManifest, jsonContent, pseudoRandomBytes } from "../helpers/artifacts.js";
import { type FaultProxy, startFaultProxy, tooManyRequests } from "../helpers/fault-proxy.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";

const MANIFESTS = /\/manifests\//;
const BLOBS = /\/blobs\/sha256:/;

describe("registry client through a fault-injecting proxy (basic auth)", () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  const layer = blob(pseudoRandomBytes(400_000, "faulty-layer"));
  // Larger than one read (1 MiB), so an abort can land in the middle of the body.
  const large = blob(pseudoRandomBytes(6 << 20, "large-layer"));
  const config = jsonContent({ config: { format: "gguf" } }, MediaType.dmrConfigV01);
  const manifest = imageManifest(config.descriptor, [layer.descriptor]);
  // One client for all tests, authenticated before any fault is queued, so that no fault lands on a 401.
  let client: RemoteRepository;
  const repo = () => client;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "basic" });
    const direct = testRepository(registry, "faults/model");
    await direct.pushBlob(layer.descriptor, layer.bytes);
    await direct.pushBlob(large.descriptor, large.bytes);
    await direct.pushBlob(config.descriptor, config.bytes);
    await direct.pushManifest(manifest.descriptor, manifest.bytes, { tag: "v1" });
    proxy = await startFaultProxy(registry.host);
    client = testRepository({ ...registry, host: proxy.host }, "faults/model");
    await client.resolve("v1");
  });
  afterEach(() => {
    expect(proxy.pending()).toBe(0);
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  it("retries 500s and broken connections on manifests and gets the right bytes", async () => {
    proxy.inject({ method: "GET", path: MANIFESTS, fault: { kind: "status", status: 500 }, times: 2 });
    proxy.inject({ method: "GET", path: MANIFESTS, fault: { kind: "cut", afterBytes: 20 } });
    const fetched = await repo().fetchManifest("v1");
    expect(fetched.descriptor.digest).toBe(manifest.descriptor.digest);
    const faults = proxy.requests.filter((r) => r.fault).map((r) => r.fault);
    expect(faults).toEqual(["status", "status", "cut"]);
  });

  it("fetches a pinned manifest again when its bytes arrive corrupted or truncated", async () => {
    proxy.inject({ method: "GET", path: MANIFESTS, fault: { kind: "corrupt" } });
    proxy.inject({ method: "GET", path: MANIFESTS, fault: { kind: "truncate", bytes: 30 } });
    const fetched = await repo().fetchManifest(manifest.descriptor);
    expect(sha256Digest(fetched.bytes)).toBe(manifest.descriptor.digest);
  });

  it("fails with a clear error when corruption persists", async () => {
    proxy.inject({ method: "GET", path: MANIFESTS, fault: { kind: "corrupt" }, times: 4 });
    const error = await repo()
      .fetchManifest(manifest.descriptor.digest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^registry ${proxy.host.replace(/\./g, "\\.")}, repository faults/model: manifest sha256:[0-9a-f]{64}: received bytes hash to`,
      ),
    );
    expect((error as Error).message).not.toContain(registry.password ?? "-");
  });

  it("honours Retry-After on 429", async () => {
    proxy.inject({ method: "HEAD", path: MANIFESTS, fault: tooManyRequests(1) });
    const started = Date.now();
    expect(await repo().resolve("v1")).toEqual(manifest.descriptor);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("gives up with a clear error on a Retry-After beyond the limit and on persistent 500s", async () => {
    proxy.inject({ method: "HEAD", path: MANIFESTS, fault: tooManyRequests(3600) });
    await expect(repo().resolve("v1")).rejects.toThrow(/faults\/model: manifest v1 failed with HTTP 429/);
    proxy.inject({ method: "GET", path: BLOBS, fault: { kind: "status", status: 503 }, times: 4 });
    const error = await repo()
      .fetchBlob(layer.descriptor)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(503);
    expect((error as Error).message).toContain(
      `registry ${proxy.host}, repository faults/model: blob ${layer.descriptor.digest}`,
    );
  });

  it("resumes a blob download cut mid-body or truncated, with a Range request from the first missing byte", async () => {
    proxy.inject({ method: "GET", path: BLOBS, fault: { kind: "cut", afterBytes: 100_000 } });
    proxy.inject({ method: "GET", path: BLOBS, fault: { kind: "truncate", bytes: 50_000 } });
    const whole = await buffer(await repo().fetchBlob(layer.descriptor));
    expect(sha256Digest(whole)).toBe(layer.descriptor.digest);
    const blobGets = proxy.requests.filter((r) => r.method === "GET" && BLOBS.test(r.path)).slice(-3);
    expect(blobGets.map((r) => r.headers.range)).toEqual([
      undefined,
      expect.stringMatching(/^bytes=\d+-399999$/),
      expect.stringMatching(/^bytes=\d+-399999$/),
    ]);
  });

  it("passes corrupted blob bytes on unchanged in size, for the caller's digest check to catch", async () => {
    proxy.inject({ method: "GET", path: BLOBS, fault: { kind: "corrupt", offset: 10 } });
    const whole = await buffer(await repo().fetchBlob(layer.descriptor));
    expect(whole.length).toBe(layer.descriptor.size);
    expect(sha256Digest(whole)).not.toBe(layer.descriptor.digest);
  });

  it("stops at once when aborted, before a request or in the middle of a body", async () => {
    const before = new AbortController();
    before.abort();
    await expect(repo().resolve("v1", { signal: before.signal })).rejects.toThrow(/abort/i);
    const during = new AbortController();
    const stream = await repo().fetchBlob(large.descriptor, { signal: during.signal });
    let received = 0;
    const reading = (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        during.abort();
      }
    })();
    await expect(reading).rejects.toThrow(/abort/i);
    expect(received).toBeLessThan(large.descriptor.size);
  });

  it("refuses streamed content shorter than its descriptor says, leaving nothing behind", async () => {
    const short = blob(pseudoRandomBytes(5000, "short-stream"));
    const target = testRepository(registry, "faults/short");
    await expect(
      target.pushBlob(short.descriptor, () => Readable.from([Buffer.from(short.bytes.subarray(0, 4000))])),
    ).rejects.toThrow(/repository faults\/short: blob sha256:[0-9a-f]{64}: the content is not the 5000 bytes/);
    expect(await target.exists(short.descriptor)).toBe(false);
  });

  it("retries failed upload requests and still stores exactly the content", async () => {
    const chunked = testRepository({ ...registry, host: proxy.host }, "faults/upload", {
      upload: { chunkThreshold: 100_000, chunkSize: 64 * 1024 },
    });
    const content = blob(pseudoRandomBytes(300_000, "upload-with-faults"));
    proxy.inject({ method: "POST", path: /\/blobs\/uploads\/$/, fault: { kind: "status", status: 502 } });
    proxy.inject({ method: "PATCH", path: /\/blobs\/uploads\//, fault: { kind: "status", status: 500 } });
    proxy.inject({ method: "PUT", path: /\/blobs\/uploads\//, fault: tooManyRequests(0) });
    await chunked.pushBlob(content.descriptor, content.bytes);
    const first = proxy.requests.length;
    // A PATCH whose answer is lost: the registry took the chunk, the retried PATCH finds its session gone.
    const again = blob(pseudoRandomBytes(300_000, "upload-with-lost-answer"));
    proxy.inject({ method: "PATCH", path: /\/blobs\/uploads\//, fault: { kind: "cut", afterBytes: 0 } });
    await chunked.pushBlob(again.descriptor, () => Readable.from([Buffer.from(again.bytes)]));
    expect(proxy.requests.slice(first).filter((r) => r.method === "POST")).toHaveLength(2);
    expect(await buffer(await testRepository(registry, "faults/upload").fetchBlob(again.descriptor))).toEqual(
      Buffer.from(again.bytes),
    );
    const back = await buffer(await testRepository(registry, "faults/upload").fetchBlob(content.descriptor));
    expect(sha256Digest(back)).toBe(content.descriptor.digest);
  });
});

describe("manifest size limit", () => {
  let server: http.Server;
  let host: string;
  const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
  beforeAll(async () => {
    // A registry that serves an oversized manifest, once with Content-Length and once streamed without it.
    server = http.createServer((req, res) => {
      const chunked = req.url?.includes("chunked");
      res.writeHead(200, {
        "content-type": MediaType.ociManifest,
        ...(chunked ? {} : { "content-length": String(huge.length) }),
      });
      res.end(huge);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("refuses manifests over 4 MiB, announced or not", async () => {
    const repo = testRepository({ host }, "big/model");
    await expect(repo.fetchManifest("announced")).rejects.toThrow(/over the 4194304-byte manifest limit: refused/);
    await expect(repo.fetchManifest("chunked")).rejects.toThrow(/larger than 4194304 bytes: refused/);
  });
});
