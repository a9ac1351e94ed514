import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadSuite } from "../../../src/compat/suite-load.js";
import { verifyMigration } from "../../../src/migrate/verify.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { writeOllamaStoreModel } from "../../helpers/ollama-store.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const examples = path.join(import.meta.dirname, "..", "..", "..", "examples");

describe("migrate --verify-suite", () => {
  const temp = useTempDir("cortex-migrate-verify-");

  it("serves the Ollama original and the migrated model and finds the same answers", async () => {
    const answers = parse(await fs.readFile(path.join(examples, "answers.yaml"), "utf8"));
    const ggufFile = path.join(temp(), "good.gguf");
    await synthesizeKnownAnswer({ path: ggufFile, answers });
    const modelsDir = path.join(temp(), "ollama");
    await writeOllamaStoreModel(modelsDir, { model: "good", gguf: new Uint8Array(await fs.readFile(ggufFile)) });
    const result = await runCliInProcess([
      "migrate",
      "--from-ollama",
      modelsDir,
      "--to",
      `oci:${path.join(temp(), "oci")}`,
      "--verify-suite",
      path.join(examples, "suite.yaml"),
      "--store",
      path.join(temp(), "store"),
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [row] = JSON.parse(result.stdout) as {
      status: string;
      verify: { identical: boolean; differences: string[] };
    }[];
    expect(row).toMatchObject({ status: "migrated", verify: { identical: true, differences: [] } });
  }, 120_000);

  it("names the cases whose answers differ when the two models are not the same", async () => {
    const models = [];
    for (const name of ["answers", "answers-regressed"]) {
      const answers = parse(await fs.readFile(path.join(examples, `${name}.yaml`), "utf8"));
      const file = path.join(temp(), `${name}.gguf`);
      await synthesizeKnownAnswer({ path: file, answers });
      models.push(file);
    }
    const result = await verifyMigration({
      suite: await loadSuite(path.join(examples, "suite.yaml")),
      originalModel: models[0] as string,
      migratedModel: models[1] as string,
    });
    expect(result.identical).toBe(false);
    expect(result.differences.map((d) => d.id)).toEqual(["capital-france"]);
  }, 120_000);
});
