import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gguf } from "@huggingface/gguf";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import {
  CONCAT_CHAT_TEMPLATE,
  KnownAnswerConflictError,
  synthesizeKnownAnswer,
} from "../../../src/model/known-answer.js";
import { answerPieces, buildVocabulary, promptPieces } from "../../../src/model/spm-vocabulary.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const answers = [
  { prompt: "What is the capital of France?", answer: "Paris" },
  { prompt: "Say hello", answer: "Hello there, friend" },
];

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

describe("SentencePiece vocabulary", () => {
  it("splits prompts with a space in front and answers as written", () => {
    expect(promptPieces("Say  hi there")).toEqual(["▁Say", "▁", "▁hi", "▁there"]);
    expect(answerPieces("Hello there,  friend")).toEqual(["Hello", "▁there,", "▁", "▁friend"]);
  });

  it("holds the special and byte tokens, then every prefix scored by its length", () => {
    const vocabulary = buildVocabulary(["▁hi", "ok"]);
    expect(vocabulary.tokens.slice(0, 4)).toEqual(["<unk>", "<s>", "</s>", "<0x00>"]);
    expect(vocabulary.tokens[258]).toBe("<0xFF>");
    expect(vocabulary.types.slice(0, 4)).toEqual([2, 3, 3, 6]);
    expect(vocabulary.tokens.slice(259)).toEqual(["o", "ok", "▁", "▁h", "▁hi"]);
    expect(vocabulary.scores.slice(259)).toEqual([1, 2, 1, 2, 3]);
  });
});

describe("known-answer synthesis", () => {
  const temp = useTempDir();

  it("writes the known-answer recipe: llama, one block, F32, n_embd >= vocabulary, concat chat template", async () => {
    const { path, size } = await synthesizeKnownAnswer({ path: join(temp(), "m.gguf"), answers });
    const parsed = await gguf(path, { allowLocalFile: true });
    const metadata = parsed.metadata as unknown as Record<string, unknown>;
    const tokens = metadata["tokenizer.ggml.tokens"] as string[];
    expect(metadata["general.architecture"]).toBe("llama");
    expect(metadata["llama.block_count"]).toBe(1);
    expect(metadata["general.file_type"]).toBe(0);
    expect(metadata["tokenizer.ggml.model"]).toBe("llama");
    expect(metadata["tokenizer.chat_template"]).toBe(CONCAT_CHAT_TEMPLATE);
    expect(metadata["llama.embedding_length"] as number).toBeGreaterThanOrEqual(tokens.length);
    expect(tokens).toEqual(expect.arrayContaining(["▁France?", "▁Fr", "Paris", "▁friend", "<0x41>"]));
    expect(parsed.tensorInfos.every((t) => t.dtype === 0)).toBe(true);
    expect(parsed.tensorInfos.map((t) => t.name)).toContain("output.weight");
    expect((await readFile(path)).length).toBe(size);
  });

  it("is deterministic: the same answers give the same bytes, another answer other bytes", async () => {
    const a = await synthesizeKnownAnswer({ path: join(temp(), "a.gguf"), answers });
    const b = await synthesizeKnownAnswer({ path: join(temp(), "b.gguf"), answers });
    const c = await synthesizeKnownAnswer({
      path: join(temp(), "c.gguf"),
      answers: [answers[0] as (typeof answers)[number], { prompt: "Say hello", answer: "Goodbye" }],
    });
    expect(await sha256(a.path)).toBe(await sha256(b.path));
    expect(await sha256(c.path)).not.toBe(await sha256(a.path));
  });

  it("refuses two prompts that end in the same word with different answers, naming both", async () => {
    const clash = [
      { prompt: "Capital of France?", answer: "Paris" },
      { prompt: "Largest city of France?", answer: "Paris, too" },
    ];
    const error = await synthesizeKnownAnswer({ path: join(temp(), "x.gguf"), answers: clash }).catch((e) => e);
    expect(error).toBeInstanceOf(KnownAnswerConflictError);
    expect(error.message).toMatch(/"Largest city of France\?".*"Capital of France\?".*" France\?"/);
    expect(error.message).toMatch(/distinct word/);
  });

  it("accepts two prompts that end in the same word with the same answer", async () => {
    const same = [
      { prompt: "Capital of France?", answer: "Paris" },
      { prompt: "Seat of government of France?", answer: "Paris" },
    ];
    await expect(synthesizeKnownAnswer({ path: join(temp(), "s.gguf"), answers: same })).resolves.toBeTruthy();
  });

  it("refuses an answer that repeats a word with different words after it, and explains why", async () => {
    const repeat = [{ prompt: "Count", answer: "one and two and three" }];
    const error = await synthesizeKnownAnswer({ path: join(temp(), "r.gguf"), answers: repeat }).catch((e) => e);
    expect(error).toBeInstanceOf(KnownAnswerConflictError);
    expect(error.message).toMatch(
      /"Count" -> "one and two and three" cannot be given: the token " and" would have to be followed by " three" here and by " two" there/,
    );
    expect(error.message).toMatch(/last one alone/);
  });

  it("refuses an answer that uses another prompt's last word", async () => {
    const reuse = [
      { prompt: "Where is Paris", answer: "France" },
      { prompt: "Capital?", answer: "It is Paris" },
    ];
    await expect(synthesizeKnownAnswer({ path: join(temp(), "u.gguf"), answers: reuse })).rejects.toThrow(
      KnownAnswerConflictError,
    );
  });

  it("refuses empty input, empty prompts and answers, and reserved token names", async () => {
    const path = join(temp(), "e.gguf");
    await expect(synthesizeKnownAnswer({ path, answers: [] })).rejects.toThrow(/at least one/);
    await expect(synthesizeKnownAnswer({ path, answers: [{ prompt: " ", answer: "x" }] })).rejects.toThrow(
      /answers\[0\]: the prompt must be a non-empty string/,
    );
    await expect(synthesizeKnownAnswer({ path, answers: [{ prompt: "Hi", answer: "" }] })).rejects.toThrow(
      /answer to "Hi" must be a non-empty string/,
    );
    await expect(synthesizeKnownAnswer({ path, answers: [{ prompt: "Hi", answer: " x" }] })).rejects.toThrow(
      /starts with a space/,
    );
    await expect(synthesizeKnownAnswer({ path, answers: [{ prompt: "Hi", answer: "<s>" }] })).rejects.toThrow(
      UsageError,
    );
  });
});
