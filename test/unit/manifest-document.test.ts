import { describe, expect, it } from "vitest";
import { InvalidManifestError, parseManifestDocument } from "../../src/core/manifest-document.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const layer = (size: string, digest = `"${DIGEST}"`) =>
  `{"mediaType":"application/vnd.docker.ai.gguf.v3","digest":${digest},"size":${size}}`;
const manifest = (layers: string) =>
  new Uint8Array(
    Buffer.from(`{"schemaVersion":2,"config":{"mediaType":"c","digest":"${DIGEST}","size":2},"layers":${layers}}`),
  );
const parse = (bytes: Uint8Array) => () => parseManifestDocument(bytes, "manifest M");

describe("parseManifestDocument", () => {
  it("accepts sizes from 0 to 2^53 - 1", () => {
    const parsed = parseManifestDocument(manifest(`[${layer("0")},${layer("9007199254740991")}]`), "manifest M");
    expect("layers" in parsed && parsed.layers.map((l) => l.size)).toEqual([0, 9007199254740991]);
  });

  it.each([
    [`[${layer("18446744073709551616")}]`, "layer 1 (sha256:abababababab…) has size 18446744073709552000"],
    [`[${layer("2")},${layer("-5")}]`, "layer 2 (sha256:abababababab…) has size -5"],
    [`[${layer("1.5")}]`, "layer 1 (sha256:abababababab…) has size 1.5"],
    [`[${layer('"12"')}]`, 'has size "12"'],
    [`[${layer("1", '"sha256:short"')}]`, 'layer 1 has digest "sha256:short", not sha256:<64 hex>'],
    ['{"not":"a list"}', '"layers" is not a list'],
    ["[7]", "layer 1 is not a descriptor object"],
  ])("refuses %s in one line naming the descriptor", (layers, message) => {
    expect(parse(manifest(layers))).toThrow(InvalidManifestError);
    expect(parse(manifest(layers))).toThrow(message);
  });

  it("checks every entry of an index, and says when the bytes are not a JSON object", () => {
    const index = new Uint8Array(Buffer.from(`{"schemaVersion":2,"manifests":[${layer("3")},${layer("-1")}]}`));
    expect(parse(index)).toThrow(`manifest M: manifests[1] (sha256:abababababab…) has size -1`);
    expect(parse(new Uint8Array(Buffer.from("[]")))).toThrow("manifest M is not a JSON object");
    expect(parse(new Uint8Array(Buffer.from("{")))).toThrow(/^manifest M is not JSON: /);
  });
});
