import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { Digest } from "../core/digest.js";
import { CortexError } from "../core/errors.js";

/**
 * A streaming GGUF v3 writer: the header (metadata and tensor infos) is built in memory, tensor data goes to
 * the file chunk by chunk as each tensor's producer yields it, so a model of several GiB never sits in memory.
 * Layout follows ggml's gguf.c: magic, version, counts, key/values, tensor infos, padding to the alignment,
 * then each tensor's data padded to the alignment.
 */

export const GGUF_MAGIC = "GGUF";
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types, numbered as in the specification. */
export const GgufType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type NumberType = "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64";
export type BigIntType = "uint64" | "int64";
export type ScalarType = NumberType | BigIntType | "bool" | "string";

/** One metadata value, tagged with its GGUF type so the bytes written are never a guess. */
export type GgufValue =
  | { readonly type: NumberType; readonly value: number }
  | { readonly type: BigIntType; readonly value: bigint }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "array"; readonly itemType: NumberType; readonly value: readonly number[] }
  | { readonly type: "array"; readonly itemType: BigIntType; readonly value: readonly bigint[] }
  | { readonly type: "array"; readonly itemType: "bool"; readonly value: readonly boolean[] }
  | { readonly type: "array"; readonly itemType: "string"; readonly value: readonly string[] }
  | { readonly type: "array"; readonly itemType: "array"; readonly value: readonly GgufArrayValue[] };

export type GgufArrayValue = Extract<GgufValue, { type: "array" }>;

/** Tensor element types this writer can size (unquantized ones: one element per fixed number of bytes). */
export const TensorType = { F32: 0, F16: 1, BF16: 30 } as const;
export type TensorTypeName = keyof typeof TensorType;
const TENSOR_TYPE_BYTES: Record<TensorTypeName, number> = { F32: 4, F16: 2, BF16: 2 };

export interface TensorSpec {
  readonly name: string;
  /** Dimensions in ggml order: ne[0] (the contiguous one) first. */
  readonly shape: readonly number[];
  readonly type: TensorTypeName;
  /** Produces exactly the tensor's bytes, in chunks; called once, in file order. */
  readonly data: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface GgufFile {
  /** Key/values in file order; `general.alignment` is appended when absent, so readers need not assume 32. */
  readonly metadata: ReadonlyArray<readonly [string, GgufValue]>;
  readonly tensors: readonly TensorSpec[];
  readonly alignment?: number;
}

/** A GGUF the writer refuses to produce (bad shape, wrong number of tensor bytes, duplicate names). */
export class GgufWriteError extends CortexError {}

export function tensorByteSize(tensor: Pick<TensorSpec, "shape" | "type" | "name">): number {
  let elements = 1;
  for (const dim of tensor.shape) {
    if (!Number.isSafeInteger(dim) || dim <= 0) {
      throw new GgufWriteError(`tensor "${tensor.name}": dimension ${dim} is not a positive integer`);
    }
    elements *= dim;
  }
  return elements * TENSOR_TYPE_BYTES[tensor.type];
}

function padding(offset: number, alignment: number): number {
  return (alignment - (offset % alignment)) % alignment;
}

/** Little-endian byte builder for the header; it grows as needed. */
class ByteBuilder {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  u32(value: number): void {
    this.reserve(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  u64(value: bigint | number): void {
    this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), this.length);
    this.length += 8;
  }

  scalar(type: ScalarType, value: number | bigint | boolean | string): void {
    switch (type) {
      case "string": {
        const bytes = Buffer.from(value as string, "utf8");
        this.u64(bytes.length);
        this.bytes(bytes);
        return;
      }
      case "bool":
        this.reserve(1);
        this.buffer.writeUInt8(value ? 1 : 0, this.length);
        this.length += 1;
        return;
      case "uint64":
      case "int64":
        this.reserve(8);
        if (type === "uint64") this.buffer.writeBigUInt64LE(value as bigint, this.length);
        else this.buffer.writeBigInt64LE(value as bigint, this.length);
        this.length += 8;
        return;
      default:
        this.number(type, value as number);
    }
  }

  private number(type: NumberType, value: number): void {
    const size = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 }[type];
    this.reserve(size);
    const at = this.length;
    switch (type) {
      case "uint8":
        this.buffer.writeUInt8(value, at);
        break;
      case "int8":
        this.buffer.writeInt8(value, at);
        break;
      case "uint16":
        this.buffer.writeUInt16LE(value, at);
        break;
      case "int16":
        this.buffer.writeInt16LE(value, at);
        break;
      case "uint32":
        this.buffer.writeUInt32LE(value, at);
        break;
      case "int32":
        this.buffer.writeInt32LE(value, at);
        break;
      case "float32":
        this.buffer.writeFloatLE(value, at);
        break;
      case "float64":
        this.buffer.writeDoubleLE(value, at);
        break;
    }
    this.length += size;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  zeros(count: number): void {
    this.reserve(count);
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function writeValue(out: ByteBuilder, value: GgufValue): void {
  out.u32(GgufType[value.type]);
  if (value.type === "array") writeArrayBody(out, value);
  else out.scalar(value.type, value.value);
}

/** An array's element type, length and elements; nested arrays repeat this without the outer type tag. */
function writeArrayBody(out: ByteBuilder, value: GgufArrayValue): void {
  out.u32(GgufType[value.itemType]);
  out.u64(value.value.length);
  if (value.itemType === "array") {
    for (const item of value.value) writeArrayBody(out, item);
    return;
  }
  for (const item of value.value) out.scalar(value.itemType, item);
}

export interface WrittenFile {
  readonly path: string;
  readonly size: number;
  readonly digest: Digest;
}

/** Where each tensor's data starts, relative to the start of the data section. */
export interface GgufLayout {
  readonly header: Buffer;
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Total file size in bytes. */
  readonly fileSize: number;
}

/** Builds the header bytes (padded to the alignment) and the data layout; writes nothing. */
export function layoutGguf(file: GgufFile): GgufLayout {
  const alignment = file.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) {
    throw new GgufWriteError(`alignment ${alignment} must be a positive multiple of 8`);
  }
  const metadata = [...file.metadata];
  const keys = new Set<string>();
  for (const [key] of metadata) {
    if (keys.has(key)) throw new GgufWriteError(`metadata key "${key}" appears twice`);
    keys.add(key);
  }
  if (!keys.has("general.alignment")) {
    metadata.push(["general.alignment", { type: "uint32", value: alignment }]);
  }
  const declared = metadata.find(([key]) => key === "general.alignment")?.[1];
  if (declared && (declared.type !== "uint32" || declared.value !== alignment)) {
    throw new GgufWriteError(`general.alignment must be a uint32 equal to the alignment used (${alignment})`);
  }

  const names = new Set<string>();
  const offsets: number[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const tensor of file.tensors) {
    if (names.has(tensor.name)) throw new GgufWriteError(`tensor "${tensor.name}" appears twice`);
    names.add(tensor.name);
    const size = tensorByteSize(tensor);
    offsets.push(offset);
    sizes.push(size);
    offset += size + padding(size, alignment);
  }

  const out = new ByteBuilder();
  out.bytes(Buffer.from(GGUF_MAGIC, "ascii"));
  out.u32(GGUF_VERSION);
  out.u64(file.tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.scalar("string", key);
    writeValue(out, value);
  }
  file.tensors.forEach((tensor, i) => {
    out.scalar("string", tensor.name);
    out.u32(tensor.shape.length);
    for (const dim of tensor.shape) out.u64(dim);
    out.u32(TensorType[tensor.type]);
    out.u64(offsets[i] as number);
  });
  out.zeros(padding(out.length, alignment));
  const header = out.result();
  return { header, offsets, sizes, fileSize: header.length + offset };
}

/**
 * Writes a GGUF file, streaming each tensor's data as it is produced. Returns the file's size and digest,
 * hashed on the way out so a large model is not read back.
 */
export async function writeGguf(path: string, file: GgufFile): Promise<WrittenFile> {
  const layout = layoutGguf(file);
  const alignment = file.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const handle = await open(path, "w");
  const hash = createHash("sha256");
  try {
    let position = 0;
    const write = async (bytes: Uint8Array) => {
      hash.update(bytes);
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    };
    await write(layout.header);
    for (const [i, tensor] of file.tensors.entries()) {
      const expected = layout.sizes[i] as number;
      let produced = 0;
      for await (const chunk of tensor.data()) {
        produced += chunk.length;
        if (produced > expected) break;
        await write(chunk);
      }
      if (produced !== expected) {
        const amount = produced > expected ? "more than" : `${produced} bytes, not`;
        throw new GgufWriteError(
          `tensor "${tensor.name}": its data producer gave ${amount} the ${expected} bytes expected`,
        );
      }
      // ggml pads after every tensor, the last included, so each tensor's data ends on the alignment.
      await write(Buffer.alloc(padding(expected, alignment)));
    }
    return { path, size: position, digest: `sha256:${hash.digest("hex")}` as Digest };
  } finally {
    await handle.close();
  }
}
