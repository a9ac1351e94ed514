import type { GgufFile, GgufValue, TensorSpec } from "./gguf-writer.js";
import { BOS_ID, EOS_ID, type SpmVocabulary, UNK_ID } from "./spm-vocabulary.js";

/** Hyperparameters of a llama-architecture model, named after the GGUF keys they fill. */
export interface LlamaShape {
  readonly embedding: number;
  readonly blocks: number;
  readonly feedForward: number;
  readonly heads: number;
  readonly contextLength: number;
}

/** What a tensor is for, so a weight source can decide its values without parsing names. */
export type TensorRole =
  | "token_embd"
  | "output_norm"
  | "output"
  | "attn_norm"
  | "attn_q"
  | "attn_k"
  | "attn_v"
  | "attn_output"
  | "ffn_norm"
  | "ffn_gate"
  | "ffn_down"
  | "ffn_up";

export interface TensorRequest {
  readonly name: string;
  readonly role: TensorRole;
  /** ggml order: [columns (contiguous), rows]. */
  readonly shape: readonly number[];
}

/** Produces the F32 values of one tensor, in chunks of little-endian bytes. */
export type WeightSource = (tensor: TensorRequest) => Iterable<Uint8Array>;

export interface LlamaModel {
  readonly name: string;
  readonly shape: LlamaShape;
  readonly vocabulary: SpmVocabulary;
  readonly chatTemplate?: string;
  readonly weights: WeightSource;
}

/** Tensor names and shapes llama.cpp's llama loader expects, in the order convert_hf_to_gguf writes them. */
export function llamaTensors(shape: LlamaShape, vocabularySize: number): TensorRequest[] {
  const { embedding: e, feedForward: ff } = shape;
  const tensors: TensorRequest[] = [{ name: "token_embd.weight", role: "token_embd", shape: [e, vocabularySize] }];
  for (let block = 0; block < shape.blocks; block++) {
    const blk = (role: TensorRole, dims: number[]): TensorRequest => ({
      name: `blk.${block}.${role}.weight`,
      role,
      shape: dims,
    });
    tensors.push(
      blk("attn_norm", [e]),
      blk("attn_q", [e, e]),
      blk("attn_k", [e, e]),
      blk("attn_v", [e, e]),
      blk("attn_output", [e, e]),
      blk("ffn_norm", [e]),
      blk("ffn_gate", [e, ff]),
      blk("ffn_down", [ff, e]),
      blk("ffn_up", [e, ff]),
    );
  }
  tensors.push(
    { name: "output_norm.weight", role: "output_norm", shape: [e] },
    { name: "output.weight", role: "output", shape: [e, vocabularySize] },
  );
  return tensors;
}

/** Number of weights of a llama model with this shape and vocabulary size. */
export function llamaParameterCount(shape: LlamaShape, vocabularySize: number): number {
  return llamaTensors(shape, vocabularySize).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}

/** The GGUF description (metadata in a fixed order, F32 tensors) of a llama model. */
export function llamaGguf(model: LlamaModel): GgufFile {
  const { shape, vocabulary } = model;
  const u32 = (value: number): GgufValue => ({ type: "uint32", value });
  const metadata: [string, GgufValue][] = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: model.name }],
    // 0 = LLAMA_FTYPE_ALL_F32
    ["general.file_type", u32(0)],
    ["llama.vocab_size", u32(vocabulary.tokens.length)],
    ["llama.context_length", u32(shape.contextLength)],
    ["llama.embedding_length", u32(shape.embedding)],
    ["llama.block_count", u32(shape.blocks)],
    ["llama.feed_forward_length", u32(shape.feedForward)],
    ["llama.rope.dimension_count", u32(shape.embedding / shape.heads)],
    ["llama.attention.head_count", u32(shape.heads)],
    ["llama.attention.head_count_kv", u32(shape.heads)],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "array", itemType: "string", value: vocabulary.tokens }],
    ["tokenizer.ggml.scores", { type: "array", itemType: "float32", value: vocabulary.scores }],
    ["tokenizer.ggml.token_type", { type: "array", itemType: "int32", value: vocabulary.types }],
    ["tokenizer.ggml.unknown_token_id", u32(UNK_ID)],
    ["tokenizer.ggml.bos_token_id", u32(BOS_ID)],
    ["tokenizer.ggml.eos_token_id", u32(EOS_ID)],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
  ];
  if (model.chatTemplate !== undefined) {
    metadata.push(["tokenizer.chat_template", { type: "string", value: model.chatTemplate }]);
  }
  const tensors: TensorSpec[] = llamaTensors(shape, vocabulary.tokens.length).map((request) => ({
    name: request.name,
    shape: request.shape,
    type: "F32",
    data: () => model.weights(request),
  }));
  return { metadata, tensors };
}

const CHUNK_ELEMENTS = 1 << 18;

/**
 * F32 tensor bytes in chunks of at most 1 MiB: `fill` sets the values of elements [start, start + view.length)
 * into a zeroed view. The chunk buffer is reused, which is safe because the writer awaits each write.
 */
export function* floatChunks(
  elements: number,
  fill: (view: Float32Array, start: number) => void,
): Generator<Uint8Array> {
  const buffer = new Float32Array(Math.min(elements, CHUNK_ELEMENTS));
  for (let start = 0; start < elements; start += buffer.length) {
    const view = buffer.subarray(0, Math.min(buffer.length, elements - start));
    view.fill(0);
    fill(view, start);
    yield new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
}

export function elementCount(tensor: TensorRequest): number {
  return tensor.shape.reduce((a, b) => a * b, 1);
}
