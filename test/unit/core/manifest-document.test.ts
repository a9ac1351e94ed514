import { describe, expect, it } from "vitest";
import {
  decodeImageManifest,
  decodeIndex,
  decodeManifest,
  InvalidManifestError,
} from "../../../src/core/manifest-document.js";

const digest = `sha256:${"a".repeat(64)}`;
const layer = (size: unknown) => ({ mediaType: "application/vnd.docker.ai.gguf.v3", digest, size });
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const manifest = (size: unknown) => bytes({ schemaVersion: 2, config: layer(2), layers: [layer(size)] });

describe("decodeManifest", () => {
  it("tells a manifest from an index by the media type or the manifests list", () => {
    expect(decodeManifest(manifest(5), "m").kind).toBe("manifest");
    expect(decodeManifest(bytes({ schemaVersion: 2, manifests: [layer(1)] }), "m").kind).toBe("index");
    expect(() => decodeManifest(bytes({ schemaVersion: 2 }), "m", "application/vnd.oci.image.index.v1+json")).toThrow(
      'm: "manifests" is not a list',
    );
  });

  it.each([
    [2 ** 64, "size 18446744073709552000"],
    [-5, "size -5"],
    [1.5, "size 1.5"],
    ["12", 'size "12"'],
  ])("refuses a layer of size %s with the descriptor named", (size, shown) => {
    expect(() => decodeManifest(manifest(size), "manifest x")).toThrow(
      new InvalidManifestError(
        `manifest x: layers[0] has ${shown}: a size must be a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}`,
      ),
    );
  });

  it("keeps a large but representable size for the free-space check to judge", () => {
    expect(decodeImageManifest(manifest(10 ** 12), "m").layers[0]?.size).toBe(10 ** 12);
  });

  it.each([
    ["not json", "{", "m is not JSON"],
    ["an array", "[]", "m is not a JSON object"],
    ["no layers", { schemaVersion: 2, config: layer(1) }, 'm: "layers" is not a list'],
    ["no config", { schemaVersion: 2, layers: [] }, "m: config is not a descriptor object"],
    ["a bad digest", { config: { ...layer(1), digest: "sha256:xyz" }, layers: [] }, 'invalid digest "sha256:xyz"'],
    ["annotations that are not strings", { config: layer(1), layers: [], annotations: { a: 1 } }, "annotations must"],
    ["a subject that is not a descriptor", { config: layer(1), layers: [], subject: "x" }, "m: subject is not"],
  ])("refuses %s in one line", (_what, document, message) => {
    expect(() => decodeManifest(bytes(document), "m")).toThrow(message);
  });

  it("refuses an index where a manifest is needed, and a manifest where an index is", () => {
    expect(() => decodeImageManifest(bytes({ manifests: [] }), "m")).toThrow("m is an index, expected a manifest");
    expect(() => decodeIndex(manifest(1), "i")).toThrow('i: "manifests" is not a list');
  });
});
