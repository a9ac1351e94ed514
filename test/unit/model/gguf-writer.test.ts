import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gguf } from "@huggingface/gguf";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { type GgufFile, GgufWriteError, layoutGguf, writeGguf } from "../../../src/model/gguf-writer.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const f32 = (values: number[]) => [new Uint8Array(new Float32Array(values).buffer)];

const file: GgufFile = {
  metadata: [
    ["general.architecture", { type: "string", value: "llama" }],
    ["t.u8", { type: "uint8", value: 250 }],
    ["t.i8", { type: "int8", value: -5 }],
    ["t.u16", { type: "uint16", value: 65000 }],
    ["t.i16", { type: "int16", value: -300 }],
    ["t.u32", { type: "uint32", value: 4_000_000_000 }],
    ["t.i32", { type: "int32", value: -70_000 }],
    ["t.f32", { type: "float32", value: 0.5 }],
    ["t.f64", { type: "float64", value: 1 / 3 }],
    ["t.bool", { type: "bool", value: true }],
    ["t.u64", { type: "uint64", value: 2n ** 40n }],
    ["t.i64", { type: "int64", value: -(2n ** 40n) }],
    ["t.strings", { type: "array", itemType: "string", value: ["a", "▁b", ""] }],
    ["t.ints", { type: "array", itemType: "int32", value: [1, -2, 3] }],
    ["t.nested", { type: "array", itemType: "array", value: [{ type: "array", itemType: "uint8", value: [7, 8] }] }],
  ],
  tensors: [
    { name: "a", shape: [3], type: "F32", data: () => f32([1, 2, 3]) },
    { name: "b", shape: [2, 2], type: "F32", data: () => f32([4, 5, 6, 7]) },
  ],
};

describe("GGUF writer", () => {
  const temp = useTempDir();

  it("lays the header out byte for byte: magic, version 3, counts, aligned data", async () => {
    const path = join(temp(), "t.gguf");
    const written = await writeGguf(path, file);
    const bytes = await readFile(path);
    expect(written.size).toBe(bytes.length);
    expect(written.digest).toBe(sha256Digest(bytes));
    expect(bytes.subarray(0, 4).toString("ascii")).toBe("GGUF");
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.readBigUInt64LE(8)).toBe(2n);
    // general.alignment is appended to the 15 given key/values.
    expect(bytes.readBigUInt64LE(16)).toBe(16n);
    const layout = layoutGguf(file);
    expect(layout.header.length % 32).toBe(0);
    expect(layout.offsets).toEqual([0, 32]);
    const data = bytes.subarray(layout.header.length);
    expect(Array.from(new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + 12)))).toEqual([1, 2, 3]);
    expect(data.subarray(12, 32).every((b) => b === 0)).toBe(true);
    expect(data.readFloatLE(32)).toBe(4);
    // Every tensor is padded to the alignment, the last one too.
    expect(bytes.length).toBe(layout.header.length + 64);
  });

  it("reads back with @huggingface/gguf: every metadata type and the tensor infos", async () => {
    const path = join(temp(), "t.gguf");
    await writeGguf(path, file);
    const parsed = await gguf(path, { allowLocalFile: true });
    const metadata = parsed.metadata as unknown as Record<string, unknown>;
    expect(metadata).toMatchObject({
      version: 3,
      "general.architecture": "llama",
      "general.alignment": 32,
      "t.u8": 250,
      "t.i8": -5,
      "t.u16": 65000,
      "t.i16": -300,
      "t.u32": 4_000_000_000,
      "t.i32": -70_000,
      "t.f32": 0.5,
      "t.f64": 1 / 3,
      "t.bool": true,
      "t.u64": 2n ** 40n,
      "t.i64": -(2n ** 40n),
      "t.strings": ["a", "▁b", ""],
      "t.ints": [1, -2, 3],
      "t.nested": [[7, 8]],
    });
    expect(parsed.tensorInfos.map((t) => [t.name, t.shape, t.offset])).toEqual([
      ["a", [3n], 0n],
      ["b", [2n, 2n], 32n],
    ]);
    expect(Number(parsed.tensorDataOffset)).toBe(layoutGguf(file).header.length);
  });

  it("honours another alignment and records it", async () => {
    const path = join(temp(), "t.gguf");
    await writeGguf(path, { ...file, alignment: 64 });
    const parsed = await gguf(path, { allowLocalFile: true });
    expect((parsed.metadata as unknown as Record<string, unknown>)["general.alignment"]).toBe(64);
    expect(Number(parsed.tensorDataOffset) % 64).toBe(0);
    expect(parsed.tensorInfos[1]?.offset).toBe(64n);
  });

  it("refuses a tensor whose producer gives too few or too many bytes", async () => {
    const short: GgufFile = { ...file, tensors: [{ name: "a", shape: [3], type: "F32", data: () => f32([1, 2]) }] };
    await expect(writeGguf(join(temp(), "s.gguf"), short)).rejects.toThrow(/tensor "a".*8 bytes, not the 12/);
    const long: GgufFile = { ...file, tensors: [{ name: "a", shape: [1], type: "F32", data: () => f32([1, 2]) }] };
    await expect(writeGguf(join(temp(), "l.gguf"), long)).rejects.toThrow(/more than the 4 bytes/);
  });

  it("refuses duplicate keys, duplicate tensors, bad shapes and a general.alignment that lies", () => {
    const dupKey: GgufFile = { ...file, metadata: [...file.metadata, ["t.u8", { type: "uint8", value: 1 }]] };
    expect(() => layoutGguf(dupKey)).toThrow(GgufWriteError);
    const a = file.tensors[0] as GgufFile["tensors"][number];
    expect(() => layoutGguf({ ...file, tensors: [a, a] })).toThrow(/tensor "a" appears twice/);
    expect(() => layoutGguf({ ...file, tensors: [{ ...a, shape: [0] }] })).toThrow(/not a positive integer/);
    const lying: GgufFile = { ...file, metadata: [["general.alignment", { type: "uint32", value: 64 }]] };
    expect(() => layoutGguf(lying)).toThrow(/general.alignment/);
  });
});
