import { stat } from "node:fs/promises";
import {
  GGMLFileQuantizationType,
  GGMLQuantizationType,
  type GGUFTensorInfo,
  GGUFValueType,
  gguf,
  type MetadataValue,
} from "@huggingface/gguf";
import { FormatError } from "../core/errors.js";

/** One metadata value with its GGUF type, as the file holds it. */
export interface TypedValue {
  readonly value: MetadataValue;
  readonly type: GGUFValueType;
  readonly subType?: GGUFValueType;
}

/** What a person or a packager needs from a GGUF model (all shards together). */
export interface GgufModelInfo {
  readonly architecture?: string | undefined;
  readonly name?: string | undefined;
  /** `general.file_type` (llama_ftype), when the file says it. */
  readonly fileType?: number | undefined;
  /** "F32", "Q4_K_M", ...: the file type's name, or the most common block tensor type when the file is silent. */
  readonly quantization: string;
  readonly parameters: number;
  /** Bytes of tensor data (what gguf-parser-go calls the model size). */
  readonly tensorBytes: number;
  readonly contextLength?: number | undefined;
  readonly tensorCount: number;
  /** Sum of the files' sizes. */
  readonly fileBytes: number;
  readonly shards: number;
  /** Key/values of the first shard, in file order (header counts excluded). */
  readonly metadata: ReadonlyMap<string, TypedValue>;
}

/** [elements per block, bytes per block] of ggml tensor types, from ggml's type traits. */
export const BLOCK_LAYOUT: Partial<Record<number, readonly [number, number]>> = {
  [GGMLQuantizationType.F32]: [1, 4],
  [GGMLQuantizationType.F16]: [1, 2],
  [GGMLQuantizationType.Q4_0]: [32, 18],
  [GGMLQuantizationType.Q4_1]: [32, 20],
  [GGMLQuantizationType.Q5_0]: [32, 22],
  [GGMLQuantizationType.Q5_1]: [32, 24],
  [GGMLQuantizationType.Q8_0]: [32, 34],
  [GGMLQuantizationType.Q8_1]: [32, 36],
  [GGMLQuantizationType.Q2_K]: [256, 84],
  [GGMLQuantizationType.Q3_K]: [256, 110],
  [GGMLQuantizationType.Q4_K]: [256, 144],
  [GGMLQuantizationType.Q5_K]: [256, 176],
  [GGMLQuantizationType.Q6_K]: [256, 210],
  [GGMLQuantizationType.Q8_K]: [256, 292],
  [GGMLQuantizationType.IQ2_XXS]: [256, 66],
  [GGMLQuantizationType.IQ2_XS]: [256, 74],
  [GGMLQuantizationType.IQ3_XXS]: [256, 98],
  [GGMLQuantizationType.IQ1_S]: [256, 50],
  [GGMLQuantizationType.IQ4_NL]: [32, 18],
  [GGMLQuantizationType.IQ3_S]: [256, 110],
  [GGMLQuantizationType.IQ2_S]: [256, 82],
  [GGMLQuantizationType.IQ4_XS]: [256, 136],
  [GGMLQuantizationType.I8]: [1, 1],
  [GGMLQuantizationType.I16]: [1, 2],
  [GGMLQuantizationType.I32]: [1, 4],
  [GGMLQuantizationType.I64]: [1, 8],
  [GGMLQuantizationType.F64]: [1, 8],
  [GGMLQuantizationType.IQ1_M]: [256, 56],
  [GGMLQuantizationType.BF16]: [1, 2],
  [GGMLQuantizationType.TQ1_0]: [256, 54],
  [GGMLQuantizationType.TQ2_0]: [256, 66],
  [GGMLQuantizationType.MXFP4]: [32, 17],
};

function elements(tensor: GGUFTensorInfo): number {
  return tensor.shape.reduce((product, dim) => product * Number(dim), 1);
}

/**
 * Bytes of each tensor: from the type's block layout, or, for a type this table does not know, the distance
 * to the next tensor's data (which counts the alignment padding too).
 */
function tensorBytes(tensors: readonly GGUFTensorInfo[], dataBytes: number): number {
  const byOffset = [...tensors].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  return byOffset.reduce((sum, tensor, i) => {
    const layout = BLOCK_LAYOUT[tensor.dtype];
    if (layout) return sum + Math.ceil(elements(tensor) / layout[0]) * layout[1];
    const end = i + 1 < byOffset.length ? Number(byOffset[i + 1]?.offset) : dataBytes;
    return sum + end - Number(tensor.offset);
  }, 0);
}

/** The most common type among the block tensors, F32 only when nothing else is there (as gguf-parser-go guesses). */
export function guessQuantization(tensors: readonly GGUFTensorInfo[]): string {
  const counts = new Map<number, number>();
  for (const tensor of tensors) {
    if (tensor.name.startsWith("blk.")) counts.set(tensor.dtype, (counts.get(tensor.dtype) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([type]) => type);
  const chosen = ranked[0] === GGMLQuantizationType.F32 && ranked.length > 1 ? ranked[1] : ranked[0];
  return chosen === undefined ? "unknown" : (GGMLQuantizationType[chosen] ?? `type ${chosen}`);
}

const HEADER_COUNTS = new Set(["version", "tensor_count", "kv_count"]);

async function readOne(path: string) {
  try {
    const { size } = await stat(path);
    const parsed = await gguf(path, { allowLocalFile: true, typedMetadata: true });
    const dataBytes = size - Number(parsed.tensorDataOffset);
    return { parsed, size, tensorBytes: tensorBytes(parsed.tensorInfos, dataBytes) };
  } catch (error) {
    throw new FormatError(`${path} is not a readable GGUF file`, { cause: error });
  }
}

/** Reads the headers of a GGUF model, one file or its shards in order; the tensor data is never read. */
export async function readGgufModelInfo(paths: string | readonly string[]): Promise<GgufModelInfo> {
  const files = typeof paths === "string" ? [paths] : paths;
  if (files.length === 0) throw new FormatError("no GGUF file given");
  const shards = await Promise.all(files.map((path) => readOne(path)));
  const first = (shards[0] as (typeof shards)[number]).parsed;
  const metadata = new Map<string, TypedValue>();
  for (const [key, entry] of Object.entries(first.typedMetadata)) {
    if (!HEADER_COUNTS.has(key) && entry) metadata.set(key, entry as TypedValue);
  }
  const string = (key: string) => {
    const entry = metadata.get(key);
    return entry?.type === GGUFValueType.STRING ? (entry.value as string) : undefined;
  };
  const number = (key: string) => {
    const value = metadata.get(key)?.value;
    return typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : undefined;
  };
  const architecture = string("general.architecture");
  const fileType = number("general.file_type");
  const allTensors = shards.flatMap((shard) => shard.parsed.tensorInfos);
  const fileTypeName = fileType === undefined ? undefined : GGMLFileQuantizationType[fileType];
  return {
    architecture,
    name: string("general.name"),
    fileType,
    quantization: fileTypeName ?? guessQuantization(allTensors),
    parameters: allTensors.reduce((sum, tensor) => sum + elements(tensor), 0),
    tensorBytes: shards.reduce((sum, shard) => sum + shard.tensorBytes, 0),
    contextLength: architecture ? number(`${architecture}.context_length`) : undefined,
    tensorCount: allTensors.length,
    fileBytes: shards.reduce((sum, shard) => sum + shard.size, 0),
    shards: files.length,
    metadata,
  };
}

/** The few header facts a person checks first (`cortex-model inspect`); the full metadata stays in the file. */
export type GgufSummary = Omit<GgufModelInfo, "metadata" | "shards" | "fileBytes"> & { readonly metadataKeys: number };

/** Summarises a local GGUF file (only its header is read). */
export async function summarizeGguf(file: string): Promise<GgufSummary> {
  const { metadata, shards: _shards, fileBytes: _fileBytes, ...summary } = await readGgufModelInfo(file);
  return { ...summary, metadataKeys: metadata.size };
}
