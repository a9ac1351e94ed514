/**
 * A SentencePiece (`llama` tokenizer model) vocabulary built from the words a synthetic model must know.
 *
 * llama.cpp's SPM tokenizer starts from single characters and merges adjacent pairs whose concatenation is a
 * token, highest score first. Giving every prefix of each word piece a token, scored by its length, makes the
 * piece that starts at `▁` absorb its neighbours one by one, so each known word becomes exactly one token,
 * whatever else is in the vocabulary. No token carries `▁` after its first character, so merges never cross
 * a word boundary. The 256 byte tokens let any other text still tokenize (byte fallback).
 */

/** SentencePiece's visible space: llama's tokenizer turns every space into it, and prefixes the text with one. */
export const SPACE = "\u2581";

/** llama.cpp token types (llama_token_type / LLAMA_TOKEN_TYPE_*). */
export const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;

export interface SpmVocabulary {
  readonly tokens: readonly string[];
  readonly scores: readonly number[];
  readonly types: readonly number[];
  /** The id of a token; undefined when the vocabulary lacks it. */
  id(piece: string): number | undefined;
}

function byteToken(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;
}

/** Every prefix of a piece, by code point, itself included. */
function prefixes(piece: string): string[] {
  const chars = Array.from(piece);
  return chars.map((_, i) => chars.slice(0, i + 1).join(""));
}

/** Code-point order, so the token order (and the file's bytes) never depends on the locale. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * `<unk>`, `<s>`, `</s>`, the byte tokens, then every prefix of the given pieces in code-point order. The same
 * pieces always give the same vocabulary, in the same order.
 */
export function buildVocabulary(pieces: Iterable<string>): SpmVocabulary {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(byteToken(byte));
    types.push(TokenType.byte);
  }
  const reserved = new Set(tokens);
  const words = new Set<string>();
  for (const piece of pieces) {
    for (const prefix of prefixes(piece)) if (!reserved.has(prefix)) words.add(prefix);
  }
  const scores: number[] = tokens.map(() => 0);
  for (const word of [...words].sort(compareCodePoints)) {
    tokens.push(word);
    types.push(TokenType.normal);
    scores.push(Array.from(word).length);
  }
  const ids = new Map(tokens.map((token, id) => [token, id]));
  return { tokens, scores, types, id: (piece) => ids.get(piece) };
}

/**
 * The pieces llama's tokenizer makes of a text when every piece is in the vocabulary: a space is added in
 * front (add_space_prefix), spaces become `▁`, and a new piece starts at each `▁`.
 */
export function promptPieces(text: string): string[] {
  return splitAtSpaces(SPACE + text.replaceAll(" ", SPACE));
}

/**
 * The pieces that spell an answer exactly when decoded: no space is added in front, so the first piece is
 * the answer's first word as written (decoding `▁word` would yield " word").
 */
export function answerPieces(text: string): string[] {
  return splitAtSpaces(text.replaceAll(" ", SPACE));
}

function splitAtSpaces(text: string): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const char of text) {
    if (char === SPACE && current !== "") {
      pieces.push(current);
      current = "";
    }
    current += char;
  }
  if (current !== "") pieces.push(current);
  return pieces;
}
