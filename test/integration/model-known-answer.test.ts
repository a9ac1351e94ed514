import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, type Llama, LlamaChatSession, LlamaCompletion, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";

// Prompts of one word, several words, punctuation, non-ASCII text, and answers with repeated spaces, a
// newline, emoji and JSON: the cases where tokenization could drift from what the table expects.
const answers = [
  { prompt: "What is the capital of France?", answer: "Paris" },
  { prompt: "Say hello", answer: "Hello, world! How are you today" },
  { prompt: "Ping", answer: "pong" },
  { prompt: "Ça va très bien?", answer: "Très bien, merci 👍 – 日本語" },
  { prompt: "Two  spaces please", answer: "a  b\nc" },
  { prompt: "Give JSON", answer: '{"ok": true}' },
  { prompt: "Trailing whitespace", answer: "ok \n" },
];

describe("known-answer model in llama.cpp (node-llama-cpp)", () => {
  let dir: string;
  let llama: Llama;
  let model: LlamaModel;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cortex-model-ka-"));
    const { path } = await synthesizeKnownAnswer({ path: join(dir, "ka.gguf"), answers });
    llama = await getLlama({ gpu: false, build: "never" });
    model = await llama.loadModel({ modelPath: path });
  });

  afterAll(async () => {
    await model?.dispose();
    await llama?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers every prompt exactly through completion, then stops on </s>", async () => {
    const context = await model.createContext({ threads: 1, contextSize: 256 });
    try {
      for (const { prompt, answer } of answers) {
        const sequence = context.getSequence();
        const completion = new LlamaCompletion({ contextSequence: sequence });
        const result = await completion.generateCompletionWithMeta(prompt, { temperature: 0, maxTokens: 64 });
        expect({ prompt, response: result.response }).toEqual({ prompt, response: answer });
        expect(result.metadata.stopReason).toBe("eogToken");
        sequence.dispose();
      }
    } finally {
      await context.dispose();
    }
  });

  it("answers every prompt exactly through chat with one user message, then stops", async () => {
    // LlamaChatSession adds its default system prompt, which this vocabulary spells in byte tokens.
    const context = await model.createContext({ threads: 1, contextSize: 1024 });
    try {
      for (const { prompt, answer } of answers) {
        const sequence = context.getSequence();
        const session = new LlamaChatSession({ contextSequence: sequence });
        const result = await session.promptWithMeta(prompt, { temperature: 0, maxTokens: 64 });
        expect({ prompt, response: result.responseText }).toEqual({ prompt, response: answer });
        expect(result.stopReason).toBe("eogToken");
        sequence.dispose();
      }
    } finally {
      await context.dispose();
    }
  });

  it("gives an unknown prompt an empty answer that ends at once", async () => {
    const context = await model.createContext({ threads: 1, contextSize: 256 });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const result = await completion.generateCompletionWithMeta("Something nobody configured", {
        temperature: 0,
        maxTokens: 16,
      });
      expect(result.response).toBe("");
      expect(result.metadata.stopReason).toBe("eogToken");
    } finally {
      await context.dispose();
    }
  });
});
