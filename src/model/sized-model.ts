import { UsageError } from "../core/errors.js";
import { type WrittenFile, writeGguf } from "./gguf-writer.js";
import { CONCAT_CHAT_TEMPLATE } from "./known-answer.js";
import {
  elementCount,
  floatChunks,
  type LlamaShape,
  llamaGguf,
  llamaParameterCount,
  type WeightSource,
} from "./llama-gguf.js";
import { mixSeed, randomFloatFiller } from "./random-weights.js";
import { buildVocabulary, SPACE } from "./spm-vocabulary.js";

/**
 * Sized random models: the known-answer models' llama architecture scaled to about
 * a requested file size, with deterministic pseudo-random weights streamed to disk. They load and generate
 * in llama.cpp, for pull, cache, load-time and throughput work; what they say means nothing.
 */

export interface SizedOptions {
  /** Approximate file size wanted, in bytes. */
  readonly bytes: number;
  /** PRNG seed; a different seed gives other weights (and another digest) at the same size. Default 0. */
  readonly seed?: number | undefined;
  /** `general.name`; default "cortex-synthetic-sized". */
  readonly name?: string | undefined;
  /** `llama.context_length`; default 2048. */
  readonly contextLength?: number | undefined;
}

const HEAD_SIZE = 64;
const MAX_EMBEDDING = 4096;
/** Aim for about this many blocks, so the shape looks like a small real model at every size. */
const TARGET_BLOCKS = 8;
const FF_MULTIPLE = 8;
const MIN_FEED_FORWARD = 16;
/** Specials and byte tokens come first; their output rows stay zero so greedy decoding never picks them. */
const FIRST_WORD_TOKEN = 259;

/** Letters, letter pairs and their `▁` forms: readable tokens, about 1,700 of them. */
function sizedVocabulary() {
  const letters = Array.from("abcdefghijklmnopqrstuvwxyz");
  const pieces: string[] = [];
  for (const a of letters) for (const b of letters) pieces.push(a + b, SPACE + a + b);
  return buildVocabulary(pieces);
}

const BYTES_PER_WEIGHT = 4;

/** The shape whose F32 weights come closest to `bytes`: width from the size, then depth, then FFN width. */
export function sizedShape(bytes: number, vocabularySize: number, contextLength = 2048): LlamaShape {
  const weights = bytes / BYTES_PER_WEIGHT;
  const perBlockEstimate = 12 * TARGET_BLOCKS;
  const embedding = Math.min(
    MAX_EMBEDDING,
    Math.max(HEAD_SIZE, Math.floor(Math.sqrt(weights / perBlockEstimate) / HEAD_SIZE) * HEAD_SIZE),
  );
  const base: LlamaShape = {
    embedding,
    blocks: 1,
    feedForward: MIN_FEED_FORWARD,
    heads: embedding / HEAD_SIZE,
    contextLength,
  };
  const fixed = llamaParameterCount({ ...base, blocks: 0 }, vocabularySize);
  const typicalBlock = 4 * embedding ** 2 + 3 * embedding * Math.round((8 / 3) * embedding) + 2 * embedding;
  const blocks = Math.max(1, Math.round((weights - fixed) / typicalBlock));
  const perBlock = (weights - fixed) / blocks;
  const feedForward = Math.max(
    MIN_FEED_FORWARD,
    Math.round((perBlock - 4 * embedding ** 2 - 2 * embedding) / (3 * embedding) / FF_MULTIPLE) * FF_MULTIPLE,
  );
  return { ...base, blocks, feedForward };
}

/** FNV-1a of a tensor name: each tensor gets its own random stream, whatever order it is written in. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The GGUF description of a sized random model. */
export function sizedModel(options: SizedOptions) {
  const vocabulary = sizedVocabulary();
  const shape = sizedShape(options.bytes, vocabulary.tokens.length, options.contextLength);
  const smallest = llamaParameterCount(
    { ...shape, blocks: 1, feedForward: MIN_FEED_FORWARD },
    vocabulary.tokens.length,
  );
  if (!Number.isFinite(options.bytes) || options.bytes < smallest * BYTES_PER_WEIGHT) {
    throw new UsageError(
      `a sized model cannot be ${options.bytes} bytes: the smallest one is about ${Math.ceil((smallest * BYTES_PER_WEIGHT) / 1e6)} MB`,
    );
  }
  const seed = options.seed ?? 0;
  const weights: WeightSource = (tensor) => {
    const fill = randomFloatFiller(mixSeed(seed, nameHash(tensor.name)));
    switch (tensor.role) {
      case "attn_norm":
      case "ffn_norm":
      case "output_norm":
        return floatChunks(elementCount(tensor), (view) => view.fill(1));
      case "output": {
        const columns = tensor.shape[0] as number;
        return floatChunks(elementCount(tensor), (view, start) => {
          fill(view);
          const zeroUntil = FIRST_WORD_TOKEN * columns - start;
          if (zeroUntil > 0) view.fill(0, 0, Math.min(zeroUntil, view.length));
        });
      }
      default:
        return floatChunks(elementCount(tensor), (view) => fill(view));
    }
  };
  return llamaGguf({
    name: options.name ?? "cortex-synthetic-sized",
    shape,
    vocabulary,
    chatTemplate: CONCAT_CHAT_TEMPLATE,
    weights,
  });
}

/** Writes a sized random model to `options.path`; the same size and seed always give the same bytes. */
export async function synthesizeSized(options: SizedOptions & { readonly path: string }): Promise<WrittenFile> {
  return writeGguf(options.path, sizedModel(options));
}
