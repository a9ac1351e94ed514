import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gguf } from "@huggingface/gguf";
import { describe, expect, it } from "vitest";
import { layoutGguf } from "../../../src/model/gguf-writer.js";
import { randomFloatFiller } from "../../../src/model/random-weights.js";
import { sizedModel, synthesizeSized } from "../../../src/model/sized-model.js";
import { useTempDir } from "../../helpers/temp-dir.js";

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

describe("sized random models", () => {
  const temp = useTempDir();

  it("comes within 5% of the requested size from a few MB to several GB", () => {
    for (const bytes of [2e6, 20e6, 200e6, 2 ** 30, 4e9, 12e9]) {
      const { fileSize } = layoutGguf(sizedModel({ bytes }));
      expect(Math.abs(fileSize / bytes - 1), `${bytes} bytes`).toBeLessThan(0.05);
    }
  });

  it("refuses a size below the smallest model, naming the smallest", () => {
    expect(() => sizedModel({ bytes: 100_000 })).toThrow(/smallest one is about 1 MB/);
    expect(() => sizedModel({ bytes: Number.NaN })).toThrow(/cannot be NaN bytes/);
  });

  it("writes a llama GGUF whose file size is what the layout promised", async () => {
    const { path, size } = await synthesizeSized({ path: join(temp(), "s.gguf"), bytes: 3e6 });
    expect((await readFile(path)).length).toBe(size);
    const parsed = await gguf(path, { allowLocalFile: true, computeParametersCount: true });
    const metadata = parsed.metadata as unknown as Record<string, unknown>;
    expect(metadata["general.architecture"]).toBe("llama");
    expect(parsed.parameterCount * 4).toBeLessThan(size);
    expect(parsed.parameterCount * 4).toBeGreaterThan(size * 0.95);
  });

  it("is deterministic per seed", async () => {
    const a = await synthesizeSized({ path: join(temp(), "a.gguf"), bytes: 2e6 });
    const b = await synthesizeSized({ path: join(temp(), "b.gguf"), bytes: 2e6 });
    const c = await synthesizeSized({ path: join(temp(), "c.gguf"), bytes: 2e6, seed: 1 });
    expect(await sha256(a.path)).toBe(await sha256(b.path));
    expect(await sha256(c.path)).not.toBe(await sha256(a.path));
  });

  it("draws finite weights of both signs, small in magnitude, independent of chunk boundaries", () => {
    const whole = new Float32Array(1000);
    randomFloatFiller(42)(whole);
    const parts = new Float32Array(1000);
    const fill = randomFloatFiller(42);
    fill(parts.subarray(0, 333));
    fill(parts.subarray(333));
    expect(parts).toEqual(whole);
    expect(whole.every((v) => Number.isFinite(v) && Math.abs(v) >= 2 ** -7 && Math.abs(v) < 2 ** -6)).toBe(true);
    expect(whole.some((v) => v < 0) && whole.some((v) => v > 0)).toBe(true);
  });
});
