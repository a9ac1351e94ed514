import { describe, expect, it } from "vitest";
import { layoutGguf } from "../../../src/model/gguf-writer.js";
import { knownAnswerModel } from "../../../src/model/known-answer.js";
import { sizedModel } from "../../../src/model/sized-model.js";
import { DEFAULT_LIMITS, headerQuantization, scanGgufStructure } from "../../../src/scan/gguf-structure.js";
import { countingChunks, endOf, f32Tensor, ggufBytes, tensorFields, tinyModel } from "../../helpers/crafted-gguf.js";

async function scan(bytes: Buffer, limits = DEFAULT_LIMITS) {
  return scanGgufStructure([bytes], bytes.length, "model.gguf", limits);
}

async function rules(bytes: Buffer) {
  return (await scan(bytes)).findings.map((f) => f.ruleId);
}

describe("GGUF structure scan", () => {
  it("finds nothing in the project's own known-answer and sized models, and reads their facts", async () => {
    const known = await scan(ggufBytes(knownAnswerModel({ answers: [{ prompt: "say hi", answer: "hello" }] })));
    expect(known.findings).toEqual([]);
    expect(known.header.complete).toBe(true);
    expect(known.header.metadata.get("general.architecture")?.value).toBe("llama");
    expect(known.header.metadata.get("tokenizer.chat_template")?.value).toContain("message['content']");
    const sized = await scan(ggufBytes(sizedModel({ bytes: 40e6 })));
    expect(sized.findings).toEqual([]);
    expect(headerQuantization(sized.header)).toBe("F32");
    expect(sized.header.tensors.length).toBeGreaterThan(8);
  });

  it("stops reading at the end of the header: the tensor data is never pulled from the stream", async () => {
    const bytes = ggufBytes(sizedModel({ bytes: 40e6 }));
    const { chunks, seen } = countingChunks(bytes, 64 * 1024);
    const { findings, header } = await scanGgufStructure(chunks, bytes.length, "sized.gguf");
    expect(findings).toEqual([]);
    expect(seen.bytes).toBeLessThan((header.dataOffset as number) + 64 * 1024 + 1);
    expect(seen.bytes).toBeLessThan(bytes.length / 100);
  });

  it("reports a wrong magic and an unsupported version", async () => {
    const bytes = ggufBytes(tinyModel());
    expect(await rules(Buffer.concat([Buffer.from("GGML"), bytes.subarray(4)]))).toEqual(["gguf/magic"]);
    const v1 = Buffer.from(bytes);
    v1.writeUInt32LE(1, 4);
    expect(await rules(v1)).toEqual(["gguf/version"]);
    expect(await rules(Buffer.from("GG"))).toEqual(["gguf/magic"]);
  });

  it("refuses huge tensor and key counts before reading them", async () => {
    const tensors = ggufBytes(tinyModel());
    tensors.writeBigUInt64LE(2n ** 40n, 8);
    const keys = ggufBytes(tinyModel());
    keys.writeBigUInt64LE(2n ** 63n, 16);
    const plausible = ggufBytes(tinyModel());
    plausible.writeBigUInt64LE(4_000n, 16);
    for (const bytes of [tensors, keys, plausible]) {
      const { findings } = await scan(bytes);
      expect(findings.map((f) => f.ruleId)).toEqual(["gguf/count-limit"]);
    }
    expect((await scan(plausible)).findings[0]?.message).toMatch(
      /declares 4000 metadata keys; the file could hold at most \d+/,
    );
  });

  it("refuses string lengths and array lengths past the file or the caps", async () => {
    const key = ggufBytes(tinyModel());
    key.writeBigUInt64LE(2n ** 50n, 24);
    expect(await rules(key)).toEqual(["gguf/length-limit"]);
    const array = ggufBytes(tinyModel());
    array.writeBigUInt64LE(2n ** 33n, endOf(array, "tokenizer.ggml.scores") + 8);
    expect(await rules(array)).toEqual(["gguf/count-limit"]);
    const token = ggufBytes(tinyModel());
    token.writeBigUInt64LE(2n ** 20n, endOf(token, "tokenizer.ggml.tokens") + 16);
    expect(await rules(token)).toEqual(["gguf/length-limit"]);
  });

  it("reports a header cut short, and a header without its data section", async () => {
    const bytes = ggufBytes(tinyModel());
    const { header } = layoutGguf(tinyModel());
    const cut = bytes.subarray(0, header.length - 40);
    const result = await scan(cut);
    expect(result.findings.map((f) => f.ruleId)).toEqual(["gguf/truncated"]);
    expect(result.header.complete).toBe(false);
    const noData = await scan(bytes.subarray(0, header.length));
    expect(noData.findings.map((f) => f.ruleId)).toEqual(["gguf/tensor-bounds", "gguf/tensor-bounds"]);
    const shortStream = await scanGgufStructure([bytes.subarray(0, 100)], bytes.length, "short.gguf");
    expect(shortStream.findings.map((f) => f.ruleId)).toEqual(["gguf/truncated"]);
  });

  it("reports unknown value types and well-known keys of the wrong type", async () => {
    const unknown = ggufBytes(tinyModel());
    unknown.writeUInt32LE(99, endOf(unknown, "general.name"));
    expect(await rules(unknown)).toEqual(["gguf/value-type"]);
    const wrong = ggufBytes(tinyModel([["tokenizer.chat_template", { type: "uint32", value: 7 }]]));
    expect(await rules(wrong)).toEqual(["gguf/value-type"]);
  });

  it("reports duplicate keys and duplicate tensor names", async () => {
    const keys = ggufBytes(tinyModel([["general.nama", { type: "string", value: "other" }]]));
    keys.write("general.name", endOf(keys, "general.nama") - 12, "utf8");
    const duplicate = await scan(keys);
    expect(duplicate.findings.map((f) => [f.ruleId, f.name])).toEqual([["gguf/duplicate-key", "general.name"]]);
    expect(duplicate.header.metadata.get("general.name")?.value).toBe("crafted");
    const tensors = ggufBytes(tinyModel([], [f32Tensor("a.weight", [4]), f32Tensor("b.weight", [4])]));
    tensors.write("a", endOf(tensors, "b.weight") - 8, "utf8");
    expect(await rules(tensors)).toEqual(["gguf/duplicate-tensor"]);
  });

  it("reports unknown tensor types, bad dimensions and sizes that overflow", async () => {
    const model = tinyModel([], [f32Tensor("t.weight", [32, 2])]);
    const type = ggufBytes(model);
    type.writeUInt32LE(4, tensorFields(type, "t.weight").type);
    expect(await rules(type)).toEqual(["gguf/tensor-type"]);
    const zero = ggufBytes(model);
    zero.writeBigUInt64LE(0n, tensorFields(zero, "t.weight").dim(1));
    expect(await rules(zero)).toEqual(["gguf/tensor-shape"]);
    const overflow = ggufBytes(model);
    const fields = tensorFields(overflow, "t.weight");
    overflow.writeBigUInt64LE(2n ** 40n, fields.dim(0));
    overflow.writeBigUInt64LE(2n ** 40n, fields.dim(1));
    const result = await scan(overflow);
    expect(result.findings.map((f) => f.ruleId)).toEqual(["gguf/tensor-shape"]);
    expect(result.findings[0]?.message).toContain("overflows 64 bits");
    const blocks = ggufBytes(model);
    blocks.writeUInt32LE(8, tensorFields(blocks, "t.weight").type);
    blocks.writeBigUInt64LE(33n, tensorFields(blocks, "t.weight").dim(0));
    expect(await rules(blocks)).toEqual(["gguf/tensor-shape"]);
    const dims = ggufBytes(model);
    dims.writeUInt32LE(2 ** 31, tensorFields(dims, "t.weight").dims);
    expect(await rules(dims)).toEqual(["gguf/tensor-shape"]);
  });

  it("reports misaligned offsets, data past the end and overlapping tensors", async () => {
    const model = tinyModel([], [f32Tensor("a.weight", [15]), f32Tensor("b.weight", [16])]);
    const misaligned = ggufBytes(model);
    misaligned.writeBigUInt64LE(4n, tensorFields(misaligned, "a.weight").offset);
    expect(await rules(misaligned)).toEqual(["gguf/tensor-alignment"]);
    const outside = ggufBytes(model);
    outside.writeBigUInt64LE(2n ** 62n, tensorFields(outside, "b.weight").offset);
    expect(await rules(outside)).toEqual(["gguf/tensor-bounds"]);
    const overlap = ggufBytes(model);
    overlap.writeBigUInt64LE(32n, tensorFields(overlap, "b.weight").offset);
    const result = await scan(overlap);
    expect(result.findings.map((f) => [f.ruleId, f.name])).toEqual([["gguf/tensor-bounds", "b.weight"]]);
    expect(result.findings[0]?.message).toContain("overlaps");
    const alignment = await scan(ggufBytes({ ...model, alignment: 48 }));
    expect(alignment.findings.map((f) => f.ruleId)).toEqual(["gguf/tensor-alignment"]);
  });

  it("reports vocabulary sizes that disagree and special token ids outside the vocabulary", async () => {
    const model = tinyModel(
      [
        ["tokenizer.ggml.eos_token_id", { type: "uint32", value: 3 }],
        ["llama.vocab_size", { type: "uint32", value: 4 }],
      ],
      [f32Tensor("token_embd.weight", [4, 3]), f32Tensor("output.weight", [4, 5])],
    );
    const { findings } = await scan(ggufBytes(model));
    expect(findings.map((f) => [f.ruleId, f.name])).toEqual([
      ["gguf/vocabulary", "llama.vocab_size"],
      ["gguf/vocabulary", "tensor output.weight rows"],
      ["gguf/vocabulary", "tokenizer.ggml.eos_token_id"],
    ]);
  });

  it("keeps a bounded amount of text and a bounded number of findings", async () => {
    const description = "x".repeat(100_000);
    const model = tinyModel([["general.description", { type: "string", value: description }]]);
    const bounded = await scan(ggufBytes(model), { ...DEFAULT_LIMITS, retainedBytes: 10_000 });
    expect(bounded.findings.map((f) => f.ruleId)).toEqual(["gguf/header-limit"]);
    expect(bounded.header.metadata.get("general.description")).toMatchObject({ length: 100_000 });
    expect(bounded.header.metadata.get("general.description")?.value).toBeUndefined();

    const many = Array.from({ length: 50 }, (_, i) => f32Tensor(`t${String(i).padStart(2, "0")}`, [8]));
    const bytes = ggufBytes(tinyModel([], many));
    for (let i = 0; i < 50; i++) bytes.writeUInt32LE(4, tensorFields(bytes, `t${String(i).padStart(2, "0")}`).type);
    const { findings } = await scan(bytes);
    expect(findings).toHaveLength(21);
    expect(findings.at(-1)?.message).toBe("30 more findings of gguf/tensor-type in this file are not listed");
  });

  it("quotes names read from the file, so a crafted name cannot forge a console line", async () => {
    const control = ggufBytes(tinyModel([["x.\u001b[31m", { type: "uint8", value: 1 }]]));
    control.writeUInt32LE(99, endOf(control, "x.\u001b[31m"));
    expect((await scan(control)).findings[0]?.message).toContain('"x.\\u001b[31m"');
  });
});
