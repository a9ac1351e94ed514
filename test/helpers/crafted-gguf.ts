import { type GgufFile, type GgufValue, layoutGguf, type TensorSpec } from "../../src/model/gguf-writer.js";

/**
 * GGUF bytes for header tests: the writer's real header, zeros for the tensor data (the scanner never reads
 * it), and patches that turn a well-formed file into a crafted one the writer itself would refuse to make.
 */

export function ggufBytes(file: GgufFile): Buffer {
  const layout = layoutGguf(file);
  return Buffer.concat([layout.header, Buffer.alloc(layout.fileSize - layout.header.length)]);
}

export function f32Tensor(name: string, shape: number[]): TensorSpec {
  return { name, shape, type: "F32", data: () => [] };
}

export function tinyModel(
  extra: ReadonlyArray<readonly [string, GgufValue]> = [],
  tensors: TensorSpec[] = [f32Tensor("token_embd.weight", [4, 3]), f32Tensor("output.weight", [4, 3])],
): GgufFile {
  return {
    metadata: [
      ["general.architecture", { type: "string", value: "llama" }],
      ["general.name", { type: "string", value: "crafted" }],
      ["tokenizer.ggml.tokens", { type: "array", itemType: "string", value: ["<unk>", "<s>", "</s>"] }],
      ["tokenizer.ggml.scores", { type: "array", itemType: "float32", value: [0, 0, 0] }],
      ["tokenizer.ggml.bos_token_id", { type: "uint32", value: 1 }],
      ...extra,
    ],
    tensors,
  };
}

/** Offset just past the first occurrence of `text` (a key or tensor name) in the header. */
export function endOf(bytes: Buffer, text: string): number {
  const at = bytes.indexOf(Buffer.from(text, "utf8"));
  if (at < 0) throw new Error(`"${text}" is not in the file`);
  return at + Buffer.byteLength(text);
}

/** Field offsets of a tensor's info: the dimension count, each dimension, the type and the data offset. */
export function tensorFields(bytes: Buffer, name: string) {
  const dims = endOf(bytes, name);
  const count = bytes.readUInt32LE(dims);
  const type = dims + 4 + 8 * count;
  return { dims, dim: (i: number) => dims + 4 + 8 * i, type, offset: type + 4 };
}

/** Yields `bytes` in chunks and counts what was taken, to show how much of a file a reader consumed. */
export function countingChunks(bytes: Buffer, chunk = 4096) {
  const seen = { bytes: 0 };
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += chunk) {
      const piece = bytes.subarray(at, at + chunk);
      seen.bytes += piece.length;
      yield piece;
    }
  }
  return { chunks: chunks(), seen };
}
