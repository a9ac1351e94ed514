import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import { MediaType } from "../../src/core/media-types.js";
import { errorForResponse, RegistryAuthError, RegistryError } from "../../src/registry/errors.js";
import { manifestMediaType, readLimited } from "../../src/registry/manifest.js";

const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));

describe("manifestMediaType", () => {
  it("takes a manifest Content-Type as it is, parameters aside", () => {
    expect(manifestMediaType(`${MediaType.ociIndex}; charset=utf-8`, bytes({}))).toBe(MediaType.ociIndex);
  });

  it("reads the body's mediaType when the header is text/plain (Ollama)", () => {
    const ollama = bytes({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config: {}, layers: [] });
    expect(manifestMediaType("text/plain; charset=utf-8", ollama)).toBe(MediaType.dockerManifest);
  });

  it("falls back to the expected type, then to the document's shape", () => {
    const manifest = bytes({ schemaVersion: 2, config: {}, layers: [] });
    expect(manifestMediaType(undefined, manifest, MediaType.dockerManifest)).toBe(MediaType.dockerManifest);
    expect(manifestMediaType("application/octet-stream", manifest)).toBe(MediaType.ociManifest);
    expect(manifestMediaType(undefined, bytes({ schemaVersion: 2, manifests: [] }))).toBe(MediaType.ociIndex);
  });

  it("refuses unknown media types and documents that are no manifest", () => {
    expect(() => manifestMediaType("text/plain", bytes({ mediaType: "application/vnd.example+json" }))).toThrow(
      /unknown manifest media type "application\/vnd.example\+json"/,
    );
    expect(() => manifestMediaType("text/html", new Uint8Array(Buffer.from("<html>")))).toThrow(/not JSON/);
    expect(() => manifestMediaType(undefined, bytes({ hello: 1 }))).toThrow(/neither a manifest nor an index/);
  });
});

describe("readLimited", () => {
  it("reads up to the limit and refuses a byte more", async () => {
    const body = () => Readable.from([Buffer.alloc(600), Buffer.alloc(424)]);
    expect((await readLimited(body(), 1024, "x")).length).toBe(1024);
    await expect(readLimited(body(), 1023, "manifest v1")).rejects.toThrow("manifest v1 is larger than 1023 bytes");
  });
});

describe("errorForResponse", () => {
  const where = "registry r.example, repository ai/model";

  it("maps not-found codes and 404s to NotFoundError, quoting the registry's message", () => {
    const body = JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
    const error = errorForResponse(where, "manifest v9", 404, body);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(`${where}: manifest v9 not found (HTTP 404 MANIFEST_UNKNOWN: manifest unknown)`);
    expect(errorForResponse(where, "blob", 400, JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN" }] }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it("maps 401 and 403 to authentication errors and keeps status and codes", () => {
    const denied = errorForResponse(where, "manifest v1", 403, JSON.stringify({ errors: [{ code: "DENIED" }] }));
    expect(denied).toBeInstanceOf(RegistryAuthError);
    expect((denied as RegistryError).codes).toEqual(["DENIED"]);
    expect(denied.message).toMatch(/access denied for manifest v1 \(HTTP 403 DENIED\)/);
    const failed = errorForResponse(where, "blob upload", 500, "upstream exploded\nstack...");
    expect(failed).toBeInstanceOf(RegistryError);
    expect(failed.message).toBe(`${where}: blob upload failed with HTTP 500: upstream exploded`);
  });

  it("names docker login and DOCKER_CONFIG on a 401, Docker Hub without a host (docker login's default)", () => {
    const hub = errorForResponse(where, "manifest v1", 401, "", { anonymous: true, registry: "registry-1.docker.io" });
    expect(hub.message).toContain(
      "no credentials were found for this registry: run `docker login` (read from $DOCKER_CONFIG/config.json",
    );
    const wrong = errorForResponse(where, "manifest v1", 401, "", { registry: "ghcr.io" });
    expect(wrong.message).toContain("`docker login ghcr.io` replaces those in $DOCKER_CONFIG/config.json");
    expect(wrong.exitCode).toBe(2);
  });
});
