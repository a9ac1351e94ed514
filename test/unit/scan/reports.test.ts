import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { Ajv } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { type GgufFile, writeGguf } from "../../../src/model/gguf-writer.js";
import { knownAnswerModel } from "../../../src/model/known-answer.js";
import { DEFAULT_LIMITS } from "../../../src/scan/gguf-structure.js";
import { runScan } from "../../../src/scan/run-scan.js";
import { scanGgufFiles } from "../../../src/scan/scan-model.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { tensorFields } from "../../helpers/crafted-gguf.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const sarifSchema = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../../fixtures/scan/sarif-schema-2.1.0.json"), "utf8"),
);
// Both packages are CommonJS with a `default` export, which NodeNext types only as a property.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(sarifSchema);

const INJECTION = "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}";

function model(template: string, extra: GgufFile["metadata"] = []): GgufFile {
  const base = knownAnswerModel({ answers: [{ prompt: "say hi", answer: "hello" }] });
  return {
    ...base,
    metadata: [
      ...base.metadata.filter(([key]) => key !== "tokenizer.chat_template"),
      ["tokenizer.chat_template", { type: "string", value: template }],
      ...extra,
    ],
  };
}

/** A model whose template is an injection and whose first tensor starts off the alignment. */
async function craftedModel(file: string): Promise<void> {
  await writeGguf(file, model(INJECTION));
  const bytes = await readFile(file);
  bytes.writeBigUInt64LE(4n, tensorFields(bytes, "token_embd.weight").offset);
  await writeFile(file, bytes);
}

describe("scan reports", () => {
  const temp = useTempDir();

  it("writes SARIF that validates against the SARIF 2.1.0 schema, with stable rule ids and GitHub's fields", async () => {
    const file = path.join(temp(), "crafted.gguf");
    await craftedModel(file);
    const sarifFile = path.join(temp(), "scan.sarif");
    const { report } = await runScan({ model: "crafted.gguf", cwd: temp(), sarifFile });
    expect(report.verdict).toBe("fail");
    const sarif = JSON.parse(await readFile(sarifFile, "utf8"));
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    const run = sarif.runs[0];
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toContain("template/dunder");
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    const results = run.results as { ruleId: string; ruleIndex: number; locations: unknown[] }[];
    expect(results.map((r) => r.ruleId)).toEqual(
      expect.arrayContaining(["gguf/tensor-alignment", "template/dunder", "template/escape-call"]),
    );
    for (const r of results) expect(ruleIds[r.ruleIndex]).toBe(r.ruleId);
    expect(results.find((r) => r.ruleId === "gguf/tensor-alignment")?.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "crafted.gguf" },
          region: { startLine: 1, byteOffset: expect.any(Number) },
        },
        logicalLocations: [{ name: "token_embd.weight" }],
      },
    ]);
    const security = run.tool.driver.rules.find((r: { id: string }) => r.id === "template/dunder");
    expect(security.properties["security-severity"]).toBe("9.0");
    expect(security.help.text).toContain("CVE-2024-34359");
  });

  it("writes a CycloneDX 1.6 ML-BOM the library's own strict validator accepts", async () => {
    const file = path.join(temp(), "clean.gguf");
    const written = await writeGguf(
      file,
      model("{{ messages[0]['content'] }}", [["general.license", { type: "string", value: "apache-2.0" }]]),
    );
    const bomFile = path.join(temp(), "bom.json");
    const { report } = await runScan({ model: file, cycloneDxFile: bomFile });
    expect(report.verdict).toBe("pass");
    const text = await readFile(bomFile, "utf8");
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const bom = JSON.parse(text);
    expect(bom.specVersion).toBe("1.6");
    const [component] = bom.components;
    expect(component).toMatchObject({
      type: "machine-learning-model",
      name: "cortex-synthetic-known-answer",
      hashes: [{ alg: "SHA-256", content: written.digest.slice("sha256:".length) }],
      licenses: [{ license: { id: "Apache-2.0" } }],
      modelCard: { modelParameters: { architectureFamily: "llama", modelArchitecture: "llama F32" } },
    });
    const props = Object.fromEntries(
      component.properties.map((p: { name: string; value: string }) => [p.name, p.value]),
    );
    expect(props).toMatchObject({
      "cortex:model:format": "gguf",
      "cortex:scan:verdict": "pass",
      "cortex:model:quantization": "F32",
    });
  });

  it("applies a policy: licences, architectures, maximum size and required keys", async () => {
    const file = path.join(temp(), "model.gguf");
    await writeGguf(
      file,
      model("{{ messages[0]['content'] }}", [["general.license", { type: "string", value: "llama3" }]]),
    );
    const policy = path.join(temp(), "policy.yaml");
    await writeFile(
      policy,
      "licenses: [Apache-2.0, MIT]\narchitectures: [qwen2]\nmax-size: 1KiB\nrequired-keys: [general.license, llama.context_length, general.description]\n",
    );
    const { report } = await runScan({ model: file, policyFile: policy });
    expect(report.findings.map((f) => [f.ruleId, f.message])).toEqual([
      ["policy/license", 'licence "llama3" is not allowed by the policy'],
      ["policy/architecture", 'architecture "llama" is not allowed by the policy'],
      ["policy/max-size", expect.stringMatching(/^the model is \d+ bytes, more than the policy's 1024$/)],
      ["policy/required-key", 'metadata key "general.description" is required by the policy'],
    ]);
    await writeFile(policy, "licences: [MIT]\n");
    await expect(runScan({ model: file, policyFile: policy })).rejects.toThrow(/must NOT have additional properties/);
  });

  it("reports a template larger than the scanner reads instead of parsing it, and scans named template variants", async () => {
    const file = path.join(temp(), "templates.gguf");
    await writeGguf(
      file,
      model("{{ messages[0]['content'] }}", [
        ["tokenizer.chat_template.tool_use", { type: "string", value: INJECTION }],
      ]),
    );
    const full = await scanGgufFiles([file]);
    expect(new Set(full.findings.map((f) => f.name))).toEqual(new Set(["tokenizer.chat_template.tool_use"]));
    const small = await scanGgufFiles([file], { limits: { ...DEFAULT_LIMITS, maxTemplateBytes: 40 } });
    expect(small.findings.map((f) => [f.ruleId, f.level, f.name])).toEqual([
      ["template/size", "warning", "tokenizer.chat_template.tool_use"],
    ]);
    expect(small.verdict).toBe("pass");
  });

  it("scans every shard a shard's name brings in, and reports shards that disagree", async () => {
    const shard = (no: number, count: number, tensor: string): GgufFile => ({
      metadata: [
        ["general.architecture", { type: "string", value: "llama" }],
        ["split.no", { type: "uint16", value: no }],
        ["split.count", { type: "uint16", value: count }],
        ["split.tensors.count", { type: "int32", value: 3 }],
      ],
      tensors: [{ name: tensor, shape: [8], type: "F32", data: () => [new Uint8Array(32)] }],
    });
    await writeGguf(path.join(temp(), "m-00001-of-00002.gguf"), shard(0, 2, "a.weight"));
    await writeGguf(path.join(temp(), "m-00002-of-00002.gguf"), shard(0, 2, "a.weight"));
    const { report } = await runScan({ model: "m-00002-of-00002.gguf", cwd: temp() });
    expect(report.files.map((f) => f.name)).toEqual(["m-00001-of-00002.gguf", "m-00002-of-00002.gguf"]);
    expect(report.findings.map((f) => [f.ruleId, f.artifact, f.message])).toEqual([
      ["gguf/shards", "m-00002-of-00002.gguf", "shard 2 of 2 says split.no 0 of split.count 2"],
      ["gguf/shards", "m-00002-of-00002.gguf", 'tensor "a.weight" is also in m-00001-of-00002.gguf'],
      ["gguf/shards", "m-00001-of-00002.gguf", "split.tensors.count is 3, but the shards hold 2 tensors"],
    ]);
    await writeGguf(path.join(temp(), "m-00002-of-00002.gguf"), shard(1, 2, "b.weight"));
    await writeGguf(path.join(temp(), "m-00001-of-00002.gguf"), {
      ...shard(0, 2, "a.weight"),
      metadata: shard(0, 2, "a.weight").metadata.map(([key, value]) =>
        key === "split.tensors.count" ? [key, { type: "int32", value: 2 }] : [key, value],
      ),
    });
    expect((await runScan({ model: "m-00001-of-00002.gguf", cwd: temp() })).report.findings).toEqual([]);
  });

  it("runs as cortex-model scan: one line per finding, exit 1 on errors, 0 when clean, 2 when it cannot scan", async () => {
    const crafted = path.join(temp(), "crafted.gguf");
    await craftedModel(crafted);
    const failing = await runCliInProcess(["scan", "crafted.gguf", "--json", "out/scan.json"], {}, temp());
    expect(failing.code).toBe(1);
    const lines = failing.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^error +gguf\/tensor-alignment +crafted\.gguf byte \d+: tensor "token_embd\.weight" starts at/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^error +template\/dunder +crafted\.gguf line 1: tokenizer\.chat_template: reaches/),
    );
    expect(lines.at(-1)).toMatch(
      /^scan fail: crafted\.gguf: \d+ error\(s\), 0 warning\(s\), 0 note\(s\) in 1 file\(s\)$/,
    );
    const document = JSON.parse(await readFile(path.join(temp(), "out/scan.json"), "utf8"));
    const reportSchema = JSON.parse(
      readFileSync(new URL("../../../schemas/scan-report.schema.json", import.meta.url), "utf8"),
    );
    const validateReport = new Ajv({ allErrors: true }).compile(reportSchema);
    expect(validateReport(document), JSON.stringify(validateReport.errors)).toBe(true);
    expect(document).toMatchObject({
      verdict: "fail",
      subject: { file: "crafted.gguf" },
      model: { architecture: "llama" },
    });

    const clean = path.join(temp(), "clean.gguf");
    await writeGguf(clean, model("{% for m in messages %}{{ m['content'] }}{% endfor %}"));
    const passing = await runCliInProcess(["scan", clean], {}, temp());
    expect([passing.code, passing.stdout.trim()]).toEqual([
      0,
      "scan pass: clean.gguf: 0 error(s), 0 warning(s), 0 note(s) in 1 file(s)",
    ]);

    const missing = await runCliInProcess(["scan", "oci:./nowhere:latest"], {}, temp());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^cortex-model scan: could not scan oci:\.\/nowhere:latest/);
    const publishFile = await runCliInProcess(["scan", clean, "--publish"], {}, temp());
    expect([publishFile.code, publishFile.stderr]).toEqual([
      2,
      "cortex-model scan: publishing a scan needs a model reference, not a local file\n",
    ]);
  });
});
