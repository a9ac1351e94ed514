import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../src/core/media-types.js";
import { openRepository } from "../../src/registry/index.js";
import { blob, jsonContent, pseudoRandomBytes } from "../helpers/artifacts.js";
import { type OllamaLikeRegistry, startOllamaLikeRegistry } from "../helpers/ollama-registry.js";
import { FAST_RETRY } from "../helpers/registry-client.js";

describe("a registry with Ollama's quirks", () => {
  let ollama: OllamaLikeRegistry;
  const model = blob(pseudoRandomBytes(70_000, "ollama-model"), MediaType.ollamaModel);
  const config = jsonContent({ model_format: "gguf" }, MediaType.dockerContainerConfig);
  const manifest = jsonContent(
    { schemaVersion: 2, mediaType: MediaType.dockerManifest, config: config.descriptor, layers: [model.descriptor] },
    MediaType.dockerManifest,
  );

  beforeAll(async () => {
    ollama = await startOllamaLikeRegistry();
    ollama.putBlob(model.bytes);
    ollama.putBlob(config.bytes);
    ollama.putManifest("library/tiny", "1b", manifest.bytes);
  });
  afterAll(async () => {
    await ollama?.close();
  });

  const repo = () =>
    openRepository(
      { kind: "registry", registry: ollama.host, repository: "library/tiny" },
      { retry: FAST_RETRY, credentials: { username: "someone", password: "not-for-the-cdn" }, env: {} },
    );

  it("resolves a tag from a text/plain manifest without a digest header, never pinging /v2/", async () => {
    expect(await repo().resolve("1b")).toEqual(manifest.descriptor);
    expect(ollama.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "HEAD /v2/library/tiny/manifests/1b",
      "GET /v2/library/tiny/manifests/1b",
    ]);
    const fetched = await repo().fetchManifest(manifest.descriptor.digest);
    expect(fetched.descriptor).toEqual(manifest.descriptor);
  });

  it("follows blob redirects to the other origin, ranged or whole", async () => {
    const whole = await buffer(await repo().fetchBlob(model.descriptor));
    expect(whole.equals(Buffer.from(model.bytes))).toBe(true);
    const part = await buffer(await repo().fetchBlob(model.descriptor, { range: { offset: 5, length: 7 } }));
    expect(part.equals(Buffer.from(model.bytes.subarray(5, 12)))).toBe(true);
    expect(ollama.blobRequests.map((r) => r.headers.range)).toEqual([undefined, "bytes=5-11"]);
  });

  it("skips to the offset when the blob server ignores Range, and refuses a 206 for the wrong bytes", async () => {
    ollama.rangeMode = "ignore";
    const part = await buffer(await repo().fetchBlob(model.descriptor, { range: { offset: 60_000, length: 5000 } }));
    expect(part.equals(Buffer.from(model.bytes.subarray(60_000, 65_000)))).toBe(true);
    ollama.rangeMode = "wrong";
    await expect(repo().fetchBlob(model.descriptor, { range: { offset: 100, length: 10 } })).rejects.toThrow(
      /asked for bytes 100-109 but the server answered 206 with Content-Range "bytes 101-109\/70000"/,
    );
    ollama.rangeMode = "honour";
  });

  it("reports an unknown tag as not found", async () => {
    await expect(repo().resolve("70b")).rejects.toThrow(
      `registry ${ollama.host}, repository library/tiny: manifest 70b not found (HTTP 404 MANIFEST_UNKNOWN: manifest unknown)`,
    );
  });
});
