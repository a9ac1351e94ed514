import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeSized } from "../../src/model/sized-model.js";

describe("sized random model in llama.cpp (node-llama-cpp)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cortex-model-sized-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads a ~20 MB model and generates until max tokens, never ending early", async () => {
    const { path, size } = await synthesizeSized({ path: join(dir, "sized.gguf"), bytes: 20e6 });
    expect(size).toBeGreaterThan(19e6);
    const llama = await getLlama({ gpu: false, build: "never" });
    const model = await llama.loadModel({ modelPath: path });
    try {
      const context = await model.createContext({ threads: 1, contextSize: 256 });
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const result = await completion.generateCompletionWithMeta("hello there", { temperature: 0, maxTokens: 24 });
      expect(result.metadata.stopReason).toBe("maxTokens");
      expect(model.tokenize(result.response).length).toBeGreaterThan(0);
      // Specials and byte tokens never win greedy decoding, so the text is letters and spaces.
      expect(result.response).toMatch(/^[a-z ]+$/);
      await context.dispose();
    } finally {
      await model.dispose();
      await llama.dispose();
    }
  });
});
