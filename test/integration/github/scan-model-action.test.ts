import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../../src/core/media-types.js";
import { knownAnswerModel } from "../../../src/model/known-answer.js";
import { listResults } from "../../../src/promote/results.js";
import { ggufBytes } from "../../helpers/crafted-gguf.js";
import { type ModelLayout, makeModelLayout, tempDir } from "../../helpers/model-layout.js";
import { actionFromLib, makeRunnerDirs, runBundledAction } from "../../helpers/run-action.js";

const repo = path.resolve(import.meta.dirname, "../../..");
const gguf = ggufBytes(knownAnswerModel({ answers: [{ prompt: "say hi", answer: "hello" }] }));

describe("the scan-model action, run as the runner runs it (from lib/)", () => {
  let root: string;
  let action: string;
  let injected: ModelLayout;

  beforeAll(async () => {
    root = await tempDir("scan-model-action-");
    action = await actionFromLib(
      path.join(repo, "actions", "scan-model"),
      path.join(repo, "lib", "github", "scan-model.js"),
      path.join(root, "action"),
    );
    const template = new TextEncoder().encode("{{ lipsum.__globals__['os'].popen('id').read() }}");
    injected = await makeModelLayout(path.join(root, "layout"), {
      shards: [gguf],
      tag: "v1",
      extra: [{ mediaType: MediaType.dmrChatTemplate, bytes: template }],
    });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("fails on an injection template: annotations, summary, outputs, SARIF, and the result attached to the digest", async () => {
    const { main } = await runBundledAction(action, {
      inputs: { model: `oci:${path.join(root, "layout")}:v1`, publish: "true" },
    });
    expect(main.exitCode).toBe(1);
    expect(main.outputs).toMatchObject({
      verdict: "fail",
      findings: "5",
      errors: "5",
      digest: injected.manifestDescriptor.digest,
      "cyclonedx-path": "",
    });
    expect(main.annotations.map((a) => [a.level, a.properties.title])).toContainEqual([
      "error",
      "template/dunder (cortex-model scan)",
    ]);
    expect(main.annotations.at(-1)).toMatchObject({
      level: "error",
      message: "model scan: 5 finding(s) at error level",
    });
    expect(main.summary).toContain("### Model scan: fail");
    expect(main.summary).toContain("| error | `template/gadget` |");
    const sarif = JSON.parse(await readFile(main.outputs["sarif-path"] as string, "utf8"));
    expect(sarif.runs[0].results).toHaveLength(5);
    const results = await listResults(injected.layout, injected.manifestDescriptor);
    expect(results.map((r) => [r.kind, r.passed])).toEqual([["scan", false]]);
  });

  it("passes a clean GGUF in the workspace, writing the reports where asked; fail-on-findings false only reports", async () => {
    const dirs = await makeRunnerDirs();
    await writeFile(path.join(dirs.workspace, "model.gguf"), gguf);
    const clean = await runBundledAction(action, {
      dirs,
      inputs: { model: "model.gguf", sarif: "out/scan.sarif", cyclonedx: "out/bom.json" },
    });
    expect(clean.main.exitCode).toBe(0);
    expect(clean.main.outputs).toMatchObject({
      verdict: "pass",
      findings: "0",
      "sarif-path": path.join(dirs.workspace, "out/scan.sarif"),
      "cyclonedx-path": path.join(dirs.workspace, "out/bom.json"),
    });
    const bom = JSON.parse(await readFile(path.join(dirs.workspace, "out/bom.json"), "utf8"));
    expect(bom.components[0].type).toBe("machine-learning-model");

    const bad = Buffer.from(gguf);
    bad.writeBigUInt64LE(2n ** 60n, 8);
    await writeFile(path.join(dirs.workspace, "bad.gguf"), bad);
    const reported = await runBundledAction(action, {
      dirs,
      inputs: { model: "bad.gguf", "fail-on-findings": "false" },
    });
    expect(reported.main.exitCode).toBe(0);
    expect(reported.main.outputs).toMatchObject({ verdict: "fail", errors: "1" });
    expect(reported.main.annotations).toEqual([
      {
        level: "error",
        message: expect.stringMatching(/^the header declares 1152921504606846976 tensors; the limit is 65536$/),
        properties: { title: "gguf/count-limit (cortex-model scan)", file: "bad.gguf" },
      },
    ]);
    await rm(dirs.root, { recursive: true, force: true });
  });
});
