import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDigest, sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import { dmrConfigBlob, dmrManifestBlob, goJson } from "../../src/dmr/dmr-artifact.js";
import { readGgufModelInfo } from "../../src/model/gguf-metadata.js";
import { type GgufFile, writeGguf } from "../../src/model/gguf-writer.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { useTempDir } from "../helpers/temp-dir.js";

const f16 = (count: number) => () => [new Uint8Array(count * 2)];

/** A small GGUF without general.file_type, F16 block tensors, a long array, a nested array and a float. */
const f16Model: GgufFile = {
  metadata: [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "<tiny & odd>" }],
    ["llama.context_length", { type: "uint32", value: 4096 }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["llama.rope.freq_base", { type: "float64", value: 1 / 128 }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    [
      "tokenizer.ggml.tokens",
      { type: "array", itemType: "string", value: Array.from({ length: 51 }, (_, i) => `t${i}`) },
    ],
    ["t.short", { type: "array", itemType: "int32", value: [1, -2, 3] }],
    ["t.nested", { type: "array", itemType: "array", value: [{ type: "array", itemType: "uint8", value: [1] }] }],
    ["t.u64", { type: "uint64", value: 2n ** 40n }],
  ],
  tensors: [
    { name: "token_embd.weight", shape: [4, 3], type: "F32", data: () => [new Uint8Array(48)] },
    { name: "blk.0.attn_q.weight", shape: [4, 4], type: "F16", data: f16(16) },
    { name: "blk.0.attn_norm.weight", shape: [4], type: "F32", data: () => [new Uint8Array(16)] },
    { name: "blk.0.ffn_up.weight", shape: [4, 8], type: "F16", data: f16(32) },
  ],
};

describe("DMR artifact (config v0.1 and manifest)", () => {
  const temp = useTempDir();

  it("summarises a GGUF: architecture, parameters, tensor bytes, quantization guessed from block tensors", async () => {
    const path = join(temp(), "f16.gguf");
    const written = await writeGguf(path, f16Model);
    const info = await readGgufModelInfo(path);
    expect(info).toMatchObject({
      architecture: "llama",
      name: "<tiny & odd>",
      quantization: "F16",
      parameters: 12 + 16 + 4 + 32,
      tensorBytes: 48 + 32 + 16 + 64,
      contextLength: 4096,
      tensorCount: 4,
      fileBytes: written.size,
      shards: 1,
    });
    expect(info.fileType).toBeUndefined();
  });

  it("builds the config exactly as pkg/distribution writes it", async () => {
    const path = join(temp(), "f16.gguf");
    await writeGguf(path, f16Model);
    const info = await readGgufModelInfo(path);
    const diffId = sha256Digest("gguf bytes");
    const { bytes, descriptor } = dmrConfigBlob(info, { diffIds: [diffId], created: new Date(0), contextSize: 8192 });
    const text = new TextDecoder().decode(bytes);
    expect(text).toBe(
      `{"config":{"format":"gguf","quantization":"MOSTLY_F16","parameters":"64","architecture":"llama","size":"160B",` +
        `"gguf":{"general.alignment":"32","general.architecture":"llama","general.name":"\\u003ctiny \\u0026 odd\\u003e",` +
        `"llama.attention.layer_norm_rms_epsilon":"0.000010","llama.context_length":"4096",` +
        `"llama.rope.freq_base":"0.007812","t.nested":"","t.short":"1, -2, 3","t.u64":"1099511627776",` +
        `"tokenizer.ggml.add_bos_token":"true"},"context_size":8192},` +
        `"descriptor":{"created":"1970-01-01T00:00:00Z"},"rootfs":{"type":"rootfs","diff_ids":["${diffId}"]}}`,
    );
    expect(descriptor).toEqual({ mediaType: MediaType.dmrConfigV01, digest: sha256Digest(bytes), size: bytes.length });
  });

  it("fills quantization from general.file_type and context_size from the GGUF's context length", async () => {
    const { path, digest } = await synthesizeKnownAnswer({
      path: join(temp(), "ka.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    const info = await readGgufModelInfo(path);
    const config = JSON.parse(
      new TextDecoder().decode(dmrConfigBlob(info, { diffIds: [digest], created: new Date(0) }).bytes),
    );
    expect(config.config).toMatchObject({ format: "gguf", quantization: "MOSTLY_F32", architecture: "llama" });
    expect(config.config.parameters).toMatch(/^\d+(\.\d\d)?K$/);
    expect(config.config.size).toMatch(/^\d+(\.\d\d)?MiB$/);
    expect(config.config.context_size).toBe(info.contextLength);
    expect(info.contextLength).toBeGreaterThan(0);
    expect(config.config.gguf).not.toHaveProperty("tokenizer.ggml.tokens");
    expect(config.config.gguf["tokenizer.chat_template"]).toContain("message['content']");
  });

  it("builds an OCI image manifest without artifactType, layers in order", () => {
    const config = { mediaType: MediaType.dmrConfigV01, digest: sha256Digest("c"), size: 1 };
    const layers = [
      { mediaType: MediaType.dmrGguf, digest: sha256Digest("a"), size: 10 },
      { mediaType: MediaType.dmrLicense, digest: sha256Digest("l"), size: 2 },
    ];
    const { bytes, descriptor } = dmrManifestBlob(config, layers);
    const text = new TextDecoder().decode(bytes);
    expect(text).toBe(
      `{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}",` +
        `"config":{"mediaType":"${MediaType.dmrConfigV01}","size":1,"digest":"${config.digest}"},` +
        `"layers":[{"mediaType":"${MediaType.dmrGguf}","size":10,"digest":"${layers[0]?.digest}"},` +
        `{"mediaType":"${MediaType.dmrLicense}","size":2,"digest":"${layers[1]?.digest}"}]}`,
    );
    expect(descriptor.mediaType).toBe(MediaType.ociManifest);
    expect(parseDigest(descriptor.digest)).toBe(sha256Digest(bytes));
  });

  it("refuses a file that is not a GGUF, naming it", async () => {
    const path = join(temp(), "not.gguf");
    await writeFile(path, "definitely not a model");
    await expect(readGgufModelInfo(path)).rejects.toThrow(`${path} is not a readable GGUF file`);
  });

  it("escapes like Go's encoding/json", () => {
    expect(goJson({ a: "<&>\u2028" })).toBe('{"a":"\\u003c\\u0026\\u003e\\u2028"}');
  });
});
