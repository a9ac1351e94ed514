import { UsageError } from "../core/errors.js";
import { type WrittenFile, writeGguf } from "./gguf-writer.js";
import { elementCount, floatChunks, type LlamaShape, llamaGguf, type WeightSource } from "./llama-gguf.js";
import { answerPieces, buildVocabulary, EOS_ID, promptPieces, type SpmVocabulary } from "./spm-vocabulary.js";

/**
 * Known-answer models: a one-block llama whose residual stream stays the current
 * token's one-hot vector (one-hot embeddings, zero attention output and FFN down projections), so the output
 * matrix alone decides the next token: greedy decoding follows a table next(token). The table sends each
 * prompt's last token to its answer's first token, each answer token to the next, the last one to `</s>`,
 * and every other token to `</s>` too, so an unknown prompt gets an empty answer that ends with "stop".
 * Every token also leads, far less strongly, to the byte token ".", so a server asked to ignore the end of
 * sequence (a benchmark's fixed-length generation) keeps streaming visible text instead of `<unk>`.
 */

export interface KnownAnswer {
  readonly prompt: string;
  readonly answer: string;
}

export interface KnownAnswerOptions {
  readonly answers: readonly KnownAnswer[];
  /** `general.name`; default "cortex-synthetic-known-answer". */
  readonly name?: string | undefined;
  /** `llama.context_length`; default 2048. */
  readonly contextLength?: number | undefined;
}

/** Answers that one next-token table cannot give; the message says which entries clash and why. */
export class KnownAnswerConflictError extends UsageError {}

/** Concatenates message contents, so a chat with one user message is tokenized like a completion prompt. */
export const CONCAT_CHAT_TEMPLATE = "{% for message in messages %}{{ message['content'] }}{% endfor %}";

/** Logit scale at [next(t), t]; after the final RMS norm the one-hot entry is about sqrt(n_embd). */
const NEXT_TOKEN_WEIGHT = 16;
/** The runner-up of every token: far below the table's entry, above the zeros of every other row. */
const FILLER_WEIGHT = 1;
const HEAD_SIZE = 64;

interface Transition {
  readonly to: string;
  /** Which entry asked for it, for the error message. */
  readonly because: string;
}

function show(text: string): string {
  return JSON.stringify(text);
}

function shown(piece: string): string {
  return piece === "</s>" ? "the end" : show(piece.replaceAll("\u2581", " "));
}

/** The start of a clash message: which entries ask for two continuations (one entry can clash with itself). */
function clashing(entry: string, previous: Transition): string {
  return previous.because === entry ? `${entry} cannot be given` : `${entry} clashes with ${previous.because}`;
}

/** The next-token table by piece, checked for entries that ask one token to continue in two ways. */
function transitions(answers: readonly KnownAnswer[]): Map<string, Transition> {
  const table = new Map<string, Transition>();
  const set = (from: string, to: string, because: string, clash: (previous: Transition) => string) => {
    const previous = table.get(from);
    if (previous && previous.to !== to) throw new KnownAnswerConflictError(clash(previous));
    if (!previous) table.set(from, { to, because });
  };
  for (const [index, { prompt, answer }] of answers.entries()) {
    if (typeof prompt !== "string" || prompt.trim() === "") {
      throw new UsageError(`answers[${index}]: the prompt must be a non-empty string`);
    }
    if (typeof answer !== "string" || answer === "") {
      throw new UsageError(`answers[${index}]: the answer to ${show(prompt)} must be a non-empty string`);
    }
    if (answer.startsWith(" ")) {
      // SentencePiece decoding drops the space that starts a generated text, so it could never come back.
      throw new UsageError(
        `answers[${index}]: the answer to ${show(prompt)} starts with a space, which llama.cpp drops when it decodes`,
      );
    }
    const sequence = [...answerPieces(answer), "</s>"];
    const entry = `prompt ${show(prompt)} -> ${show(answer)}`;
    for (const last of finalTokens(prompt)) {
      set(
        last,
        sequence[0] as string,
        entry,
        (previous) =>
          `${clashing(entry, previous)}: both need the token ${shown(last)} to be followed by ` +
          `different tokens (${shown(sequence[0] as string)} and ${shown(previous.to)}), and the model picks ` +
          "the next token from the last one alone; end each prompt in a distinct word, and do not use a " +
          "prompt's last word inside an answer",
      );
    }
    for (let i = 0; i + 1 < sequence.length; i++) {
      const from = sequence[i] as string;
      const to = sequence[i + 1] as string;
      set(
        from,
        to,
        entry,
        (previous) =>
          `${clashing(entry, previous)}: the token ${shown(from)} would have to be followed by ${shown(to)} ` +
          `here and by ${shown(previous.to)} there, ` +
          "and the model picks the next token from the last one alone; answers may repeat a word only " +
          "where the same word follows it, and may not contain a prompt's last word",
      );
    }
  }
  return table;
}

/**
 * The tokens a prompt can end in. llama.cpp adds a space in front of the text, so the last word is `▁word`;
 * node-llama-cpp tokenizes the start of a completion or chat text without that space, so a one-word prompt
 * may also arrive as the bare word.
 */
function finalTokens(prompt: string): string[] {
  const pieces = promptPieces(prompt);
  const last = pieces.at(-1) as string;
  const bare = last.slice(1);
  return pieces.length === 1 && bare !== "" ? [last, bare] : [last];
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** The GGUF description of a known-answer model; everything in it follows from the options alone. */
export function knownAnswerModel(options: KnownAnswerOptions) {
  if (!Array.isArray(options.answers) || options.answers.length === 0) {
    throw new UsageError("a known-answer model needs at least one {prompt, answer} entry");
  }
  const table = transitions(options.answers);
  const pieces = new Set<string>();
  for (const { prompt, answer } of options.answers) {
    for (const piece of [...promptPieces(prompt), ...finalTokens(prompt), ...answerPieces(answer)]) {
      pieces.add(piece);
    }
  }
  const vocabulary = buildVocabulary(pieces);
  const next = nextTokenTable(vocabulary, table);
  const filler = vocabulary.id("<0x2E>");

  const vocabularySize = vocabulary.tokens.length;
  const embedding = roundUp(vocabularySize, HEAD_SIZE);
  const shape: LlamaShape = {
    embedding,
    blocks: 1,
    feedForward: HEAD_SIZE,
    heads: embedding / HEAD_SIZE,
    contextLength: options.contextLength ?? 2048,
  };
  const weights: WeightSource = (tensor) => {
    const columns = tensor.shape[0] as number;
    switch (tensor.role) {
      case "token_embd":
        // Row t is the unit vector t.
        return floatChunks(elementCount(tensor), (view, start) => {
          for (let i = 0; i < view.length; i++) {
            const k = start + i;
            if (k % columns === Math.floor(k / columns)) view[i] = 1;
          }
        });
      case "output":
        // Row v has the weight at column t for every token t with next(t) = v; the filler's row the runner-up.
        // biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one pass over the output matrix, kept as the recipe states it
        return floatChunks(elementCount(tensor), (view, start) => {
          for (let i = 0; i < view.length; i++) {
            const k = start + i;
            const t = k % columns;
            const v = Math.floor(k / columns);
            if (t >= vocabularySize) continue;
            if (next[t] === v) view[i] = NEXT_TOKEN_WEIGHT;
            else if (v === filler) view[i] = FILLER_WEIGHT;
          }
        });
      case "attn_norm":
      case "ffn_norm":
      case "output_norm":
        return floatChunks(elementCount(tensor), (view) => view.fill(1));
      default:
        // Attention and FFN contribute nothing, so the residual stream stays the token's one-hot vector.
        return floatChunks(elementCount(tensor), () => {});
    }
  };
  return llamaGguf({
    name: options.name ?? "cortex-synthetic-known-answer",
    shape,
    vocabulary,
    chatTemplate: CONCAT_CHAT_TEMPLATE,
    weights,
  });
}

/** next[t] for every token id: the table's entry, `</s>` for every token without one. */
function nextTokenTable(vocabulary: SpmVocabulary, table: Map<string, Transition>): Int32Array {
  const next = new Int32Array(vocabulary.tokens.length).fill(EOS_ID);
  const idOf = (piece: string) => {
    const id = vocabulary.id(piece);
    if (id === undefined) throw new Error(`internal: piece ${show(piece)} missing from the vocabulary`);
    if (piece !== "</s>" && vocabulary.types[id] !== 1) {
      throw new UsageError(`${show(piece)} is a reserved token name and cannot be a word of a prompt or answer`);
    }
    return id;
  };
  for (const [from, { to }] of table) next[idOf(from)] = idOf(to);
  return next;
}

/** Writes a known-answer model to `options.path`; the same options always give the same bytes. */
export async function synthesizeKnownAnswer(
  options: KnownAnswerOptions & { readonly path: string },
): Promise<WrittenFile> {
  return writeGguf(options.path, knownAnswerModel(options));
}
