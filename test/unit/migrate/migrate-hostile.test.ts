import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Annotation, MediaType } from "../../../src/core/media-types.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { makeModelLayout } from "../../helpers/model-layout.js";
import { type OllamaModelSpec, writeOllamaStoreModel } from "../../helpers/ollama-store.js";
import { useTempDir } from "../../helpers/temp-dir.js";

interface Row {
  ollama: string;
  status: string;
  reason?: string;
  blobs?: { linked: number; copied: number };
}

async function gguf(dir: string, prompt: string): Promise<Uint8Array> {
  const { path: file } = await synthesizeKnownAnswer({
    path: path.join(dir, `${prompt}.gguf`),
    answers: [{ prompt, answer: "x" }],
  });
  return new Uint8Array(await fs.readFile(file));
}

async function migrate(args: string[]) {
  const result = await runCliInProcess(["migrate", ...args, "--json"]);
  return { ...result, rows: result.stdout ? (JSON.parse(result.stdout) as Row[]) : [] };
}

/** Every symbolic link under a directory, as paths relative to it. */
async function symlinksUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isSymbolicLink()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe("migration from a hostile Ollama directory", () => {
  const temp = useTempDir("cortex-migrate-hostile-");

  it("refuses a blob that links out of the models directory, follows one that stays inside, and writes no link", async () => {
    const modelsDir = path.join(temp(), "ollama");
    const outside = await writeOllamaStoreModel(modelsDir, { model: "outside", gguf: await gguf(temp(), "left") });
    const inside = await writeOllamaStoreModel(modelsDir, { model: "inside", gguf: await gguf(temp(), "right") });
    // The "outside" model's GGUF becomes a link to a file elsewhere holding exactly the bytes it claims.
    const outsideBlob = path.join(modelsDir, "blobs", `sha256-${outside.gguf.digest.slice(7)}`);
    const elsewhere = path.join(temp(), "elsewhere.bin");
    await fs.rename(outsideBlob, elsewhere);
    await fs.symlink(elsewhere, outsideBlob);
    // The "inside" model's GGUF is a link to a file kept in another folder of the same models directory.
    const insideBlob = path.join(modelsDir, "blobs", `sha256-${inside.gguf.digest.slice(7)}`);
    const kept = path.join(modelsDir, "kept", "right.gguf");
    await fs.mkdir(path.dirname(kept));
    await fs.rename(insideBlob, kept);
    await fs.symlink(path.relative(path.dirname(insideBlob), kept), insideBlob);

    const out = path.join(temp(), "oci");
    const { code, rows } = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`]);
    expect(code).toBe(1);
    const byName = Object.fromEntries(rows.map((r) => [r.ollama, r]));
    expect(byName["outside:latest"]?.status).toBe("failed");
    expect(byName["outside:latest"]?.reason).toContain(`is a link to ${elsewhere}, outside the models directory`);
    expect(byName["inside:latest"]?.status).toBe("migrated");
    expect(byName["inside:latest"]?.blobs?.linked).toBe(1);
    expect(await symlinksUnder(out)).toEqual([]);
    const migrated = path.join(out, "library", "inside", "blobs", "sha256", inside.gguf.digest.slice(7));
    expect((await fs.stat(migrated)).ino).toBe((await fs.stat(kept)).ino);
    await expect(fs.access(path.join(out, "library", "outside"))).rejects.toThrow();
  });

  it("gives a name references cannot spell a failed row of its own, and migrates the others", async () => {
    const modelsDir = path.join(temp(), "ollama");
    const specs: OllamaModelSpec[] = [
      { model: "good", gguf: await gguf(temp(), "one") },
      { model: "tiny", tag: "..x", gguf: await gguf(temp(), "two") },
      { model: "Upper", gguf: await gguf(temp(), "three") },
      { namespace: "...", model: "dots", gguf: await gguf(temp(), "four") },
    ];
    for (const spec of specs) await writeOllamaStoreModel(modelsDir, spec);

    const registry = await migrate(["--from-ollama", modelsDir, "--to", "127.0.0.1:5999/team", "--dry-run"]);
    expect(registry.code).toBe(1);
    const statuses = Object.fromEntries(registry.rows.map((r) => [r.ollama, r.status]));
    expect(statuses).toEqual({
      "good:latest": "would migrate",
      "tiny:..x": "failed",
      "Upper:latest": "failed",
      "registry.ollama.ai/.../dots:latest": "failed",
    });
    const reasons = registry.rows.filter((r) => r.status === "failed").map((r) => r.reason);
    expect(reasons).toEqual([
      expect.stringContaining(`repository component "Upper" must be lowercase`),
      expect.stringContaining(`repository component "..." must be lowercase`),
      expect.stringContaining(`tag "..x" must be`),
    ]);

    const out = path.join(temp(), "oci");
    const layout = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`]);
    expect(layout.code).toBe(1);
    expect(layout.rows.map((r) => [r.ollama, r.status])).toEqual([
      ["Upper:latest", "migrated"],
      ["good:latest", "migrated"],
      ["registry.ollama.ai/.../dots:latest", "migrated"],
      ["tiny:..x", "failed"],
    ]);
  });
});

describe("pull --into-ollama with damaged kept annotations", () => {
  const temp = useTempDir("cortex-into-ollama-");

  async function pullInto(annotations: Record<string, string>) {
    const bytes = await gguf(temp(), "ping");
    const dir = path.join(temp(), `layout-${Object.keys(annotations).length}-${Math.random().toString(36).slice(2)}`);
    const model = await makeModelLayout(dir, { shards: [bytes], annotations });
    return runCliInProcess([
      "pull",
      `oci:${dir}@${model.manifestDescriptor.digest}`,
      "--store",
      path.join(temp(), "store"),
      `--into-ollama=${path.join(temp(), "ollama")}`,
    ]);
  }

  it("writes nothing through a folder of the Ollama directory that links elsewhere", async () => {
    const modelsDir = path.join(temp(), "ollama");
    const elsewhere = path.join(temp(), "elsewhere");
    await fs.mkdir(elsewhere);
    await fs.mkdir(modelsDir);
    await fs.symlink(elsewhere, path.join(modelsDir, "manifests"));
    const dir = path.join(temp(), "layout");
    const model = await makeModelLayout(dir, { shards: [await gguf(temp(), "pong")] });
    const result = await runCliInProcess([
      "pull",
      `oci:${dir}@${model.manifestDescriptor.digest}`,
      "--store",
      path.join(temp(), "store"),
      `--into-ollama=${modelsDir}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("leads out of the models directory");
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });

  const name = { [Annotation.ollamaName]: "registry.ollama.ai/library/tiny:latest" };
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  const manifest = base64(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config: {}, layers: "none" }),
  );

  const valid = base64(
    JSON.stringify({
      config: { mediaType: MediaType.dockerContainerConfig, digest: `sha256:${"a".repeat(64)}`, size: 2 },
      layers: [],
    }),
  );

  it.each([
    ["a manifest with no list of layers", { [Annotation.ollamaManifest]: manifest }, Annotation.ollamaManifest],
    ["a manifest that is not JSON", { [Annotation.ollamaManifest]: base64("{oops") }, Annotation.ollamaManifest],
    [
      "blobs that are not JSON",
      { [Annotation.ollamaManifest]: valid, [Annotation.ollamaBlobs]: "{not json" },
      Annotation.ollamaBlobs,
    ],
    [
      "blobs that are a list",
      { [Annotation.ollamaManifest]: valid, [Annotation.ollamaBlobs]: "[1]" },
      Annotation.ollamaBlobs,
    ],
  ])("%s: one line naming the annotation", async (_label, annotations, named) => {
    const result = await pullInto({ ...name, ...annotations });
    expect(result.code).toBe(1);
    // The progress line aside, the failure is one line.
    const lines = result.stderr.split("\n").filter((line) => line.startsWith("cortex-model"));
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`annotation ${named}`);
    expect(result.stderr).not.toMatch(/not iterable|Unexpected token|SyntaxError/);
  });
});
