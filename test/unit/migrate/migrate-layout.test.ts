import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { Annotation, MediaType } from "../../../src/core/media-types.js";
import { parseReference } from "../../../src/core/ref.js";
import type { Descriptor, ImageManifest } from "../../../src/core/target.js";
import { packageModel } from "../../../src/dmr/package-model.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { pull } from "../../../src/pull/pull.js";
import { ModelStore } from "../../../src/store/model-store.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { hashTree, writeOllamaStoreModel } from "../../helpers/ollama-store.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const TEMPLATE = "{{ if .System }}{{ .System }} {{ end }}{{ .Prompt }}";

interface Row {
  ollama: string;
  target?: string;
  manifestDigest?: string;
  ggufDigest?: string;
  size?: number;
  status: string;
  reason?: string;
  blobs?: { pushed: number; linked: number; copied: number; skipped: number };
}

async function knownAnswerBytes(dir: string, prompt: string, answer: string): Promise<Uint8Array> {
  const { path: file } = await synthesizeKnownAnswer({
    path: path.join(dir, `${prompt}.gguf`),
    answers: [{ prompt, answer }],
  });
  return new Uint8Array(await fs.readFile(file));
}

/** An Ollama store with a full model (template, system, params, license), a bare one and a corrupt one. */
async function ollamaStore(dir: string) {
  const modelsDir = path.join(dir, "ollama");
  const tiny = await writeOllamaStoreModel(modelsDir, {
    model: "tiny",
    gguf: await knownAnswerBytes(dir, "ping", "pong"),
    template: TEMPLATE,
    system: "You answer <briefly> & well.",
    params: { num_ctx: 4096, stop: ["</s>"], temperature: 0 },
    license: "MIT",
  });
  const bare = await writeOllamaStoreModel(modelsDir, {
    host: "127.0.0.1:5000",
    namespace: "team",
    model: "bare",
    tag: "v1",
    gguf: await knownAnswerBytes(dir, "hello", "world"),
  });
  const broken = await writeOllamaStoreModel(modelsDir, {
    model: "broken",
    gguf: await knownAnswerBytes(dir, "left", "right"),
  });
  const brokenBlob = path.join(modelsDir, "blobs", `sha256-${broken.gguf.digest.slice(7)}`);
  const bytes = await fs.readFile(brokenBlob);
  bytes.writeUInt8((bytes.at(-1) as number) ^ 0xff, bytes.length - 1);
  await fs.writeFile(brokenBlob, bytes);
  return { modelsDir, tiny, bare, broken };
}

async function migrate(args: string[]) {
  const result = await runCliInProcess(["migrate", ...args, "--json"]);
  return { ...result, rows: result.stdout ? (JSON.parse(result.stdout) as Row[]) : [] };
}

describe("migrate --from-ollama to oci: layouts", () => {
  const temp = useTempDir("cortex-migrate-");

  it("migrates every model with its GGUF hard-linked and unchanged, and fails only the corrupt one", async () => {
    const { modelsDir, tiny, bare } = await ollamaStore(temp());
    const out = path.join(temp(), "oci");
    const { code, rows, stderr } = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(rows.map((r) => [r.ollama, r.status])).toEqual([
      ["127.0.0.1:5000/team/bare:v1", "migrated"],
      ["broken:latest", "failed"],
      ["tiny:latest", "migrated"],
    ]);
    expect(rows[1]?.reason).toMatch(/broken:latest: blob sha256:[0-9a-f]{64} is corrupt/);
    const row = rows[2] as Row;
    expect(row.ggufDigest).toBe(tiny.gguf.digest);
    expect(row.blobs).toEqual({ pushed: 1, linked: 2, copied: 0, skipped: 0 });
    expect(rows[0]?.ggufDigest).toBe(bare.gguf.digest);

    const layout = await OciLayout.open(path.join(out, "library", "tiny"));
    const ollamaGguf = await fs.stat(path.join(modelsDir, "blobs", `sha256-${tiny.gguf.digest.slice(7)}`));
    expect((await fs.stat(layout.blobPath(tiny.gguf.digest))).ino).toBe(ollamaGguf.ino);

    const manifest = JSON.parse(
      Buffer.from((await layout.fetchManifest(row.manifestDigest as string)).bytes).toString("utf8"),
    ) as ImageManifest;
    expect(manifest.mediaType).toBe(MediaType.ociManifest);
    expect(manifest.config.mediaType).toBe(MediaType.dmrConfigV01);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.dmrGguf, MediaType.dmrLicense]);
    expect(manifest.annotations?.[Annotation.ollamaName]).toBe("registry.ollama.ai/library/tiny:latest");
    const config = JSON.parse(await fs.readFile(layout.blobPath(manifest.config.digest), "utf8"));
    expect(config.config.context_size).toBe(4096);
    expect(config.config.format).toBe("gguf");
    expect(config.rootfs.diff_ids).toEqual(manifest.layers.map((l) => l.digest));
    expect(config.rootfs.diff_ids[0]).toBe(tiny.gguf.digest);

    const store = await ModelStore.open({ dir: path.join(temp(), "store") });
    const ref = parseReference(`oci:${path.join(out, "library", "tiny")}@${row.manifestDigest}`);
    const pulled = await pull(layout, ref, store);
    expect(pulled.digest).toBe(row.manifestDigest);
    expect(pulled.manifest.layers[0]?.digest).toBe(tiny.gguf.digest);
  });

  it("a second migration transfers no blob, and a dry run changes nothing", async () => {
    const { modelsDir } = await ollamaStore(temp());
    const out = path.join(temp(), "oci");
    await fs.mkdir(out);
    const before = { ollama: await hashTree(modelsDir), oci: await hashTree(out) };
    const dry = await migrate([
      "--from-ollama",
      modelsDir,
      "--to",
      `oci:${out}`,
      "--dry-run",
      "--models",
      "tiny,bare:v1",
    ]);
    expect(dry.rows.map((r) => r.status)).toEqual(["would migrate", "would migrate"]);
    expect(dry.code).toBe(0);
    expect({ ollama: await hashTree(modelsDir), oci: await hashTree(out) }).toEqual(before);

    const first = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`, "--models", "tiny,bare:v1"]);
    const second = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`, "--models", "tiny,bare:v1"]);
    expect(second.code).toBe(0);
    expect(second.rows.map((r) => r.status)).toEqual(["up to date", "up to date"]);
    for (const row of second.rows) expect(row.blobs).toMatchObject({ pushed: 0, linked: 0, copied: 0 });
    expect(second.rows.map((r) => r.manifestDigest)).toEqual(first.rows.map((r) => r.manifestDigest));
    expect(dry.rows.map((r) => r.manifestDigest)).toEqual(first.rows.map((r) => r.manifestDigest));
  });

  it("comes back into an Ollama layout byte for byte, manifest included", async () => {
    const { modelsDir, tiny, bare } = await ollamaStore(temp());
    const out = path.join(temp(), "oci");
    const { rows } = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`, "--models", "tiny,bare:v1"]);
    const back = path.join(temp(), "back");
    const refs = rows.map(
      (r) =>
        `oci:${path.join(out, ...(r.ollama.startsWith("tiny") ? ["library", "tiny"] : ["team", "bare"]))}@${r.manifestDigest}`,
    );
    const result = await runCliInProcess([
      "migrate",
      "--to-ollama",
      back,
      ...refs,
      "--store",
      path.join(temp(), "store"),
      "--json",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const model of [tiny, bare]) {
      const relative = path.relative(modelsDir, model.manifestPath);
      expect((await fs.readFile(path.join(back, relative))).toString("utf8")).toBe(
        Buffer.from(model.manifestBytes).toString("utf8"),
      );
      for (const blob of model.blobs) {
        const name = path.join("blobs", `sha256-${blob.digest.slice(7)}`);
        expect(sha256Digest(await fs.readFile(path.join(back, name)))).toBe(blob.digest);
      }
    }
  });

  it("carries Ollama's legacy prompt layer there and back, byte for byte", async () => {
    const modelsDir = path.join(temp(), "ollama");
    const legacy = await writeOllamaStoreModel(modelsDir, {
      model: "legacy",
      gguf: await knownAnswerBytes(temp(), "old", "timer"),
      prompt: "{{ .Prompt }}",
    });
    const out = path.join(temp(), "oci");
    const { rows, code } = await migrate(["--from-ollama", modelsDir, "--to", `oci:${out}`, "--models", "legacy"]);
    expect(code).toBe(0);
    const back = path.join(temp(), "back");
    const ref = `oci:${path.join(out, "library", "legacy")}@${rows[0]?.manifestDigest}`;
    const result = await runCliInProcess(["migrate", "--to-ollama", back, ref, "--store", path.join(temp(), "s")]);
    expect(result.code).toBe(0);
    const relative = path.relative(modelsDir, legacy.manifestPath);
    expect(await fs.readFile(path.join(back, relative))).toEqual(Buffer.from(legacy.manifestBytes));
    const prompt = legacy.blobs.find((b) => b.mediaType === MediaType.ollamaPrompt) as Descriptor;
    expect(await fs.readFile(path.join(back, "blobs", `sha256-${prompt.digest.slice(7)}`), "utf8")).toBe(
      "{{ .Prompt }}",
    );
  });

  it("pull --into-ollama gives a packaged DMR model an Ollama manifest that names the same GGUF", async () => {
    const gguf = path.join(temp(), "m.gguf");
    await fs.writeFile(gguf, await knownAnswerBytes(temp(), "ping", "pong"));
    const layoutDir = path.join(temp(), "pkg");
    const digest = await packageModel({ gguf }, await OciLayout.open(layoutDir, { create: true }), "v1");
    const modelsDir = path.join(temp(), "ollama");
    const result = await runCliInProcess([
      "pull",
      `oci:${layoutDir}@${digest.digest}`,
      "--store",
      path.join(temp(), "store"),
      `--into-ollama=${modelsDir}`,
      "--json",
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { ollamaManifest: string; files: string[] };
    const manifest = JSON.parse(await fs.readFile(summary.ollamaManifest, "utf8")) as ImageManifest;
    expect(manifest.mediaType).toBe(MediaType.dockerManifest);
    expect(manifest.layers[0]?.mediaType).toBe(MediaType.ollamaModel);
    const blob = path.join(modelsDir, "blobs", `sha256-${manifest.layers[0]?.digest.slice(7)}`);
    expect(sha256Digest(await fs.readFile(blob))).toBe(sha256Digest(await fs.readFile(gguf)));
  });

  it("reads $OLLAMA_MODELS when no directory is given", async () => {
    const { modelsDir } = await ollamaStore(temp());
    const result = await runCliInProcess(
      ["migrate", "--from-ollama", "--to", `oci:${temp()}/env`, "--models", "tiny", "--dry-run"],
      { OLLAMA_MODELS: modelsDir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^tiny:latest +oci:\S+\/env\/library\/tiny:latest +sha256:[0-9a-f]{12} .* would migrate$/m,
    );
  });

  it("a mapping file names the targets", async () => {
    const { modelsDir } = await ollamaStore(temp());
    const mapping = path.join(temp(), "map.yaml");
    const out = path.join(temp(), "mapped");
    await fs.writeFile(mapping, `tiny: oci:${out}:first\n`);
    const { rows } = await migrate([
      "--from-ollama",
      modelsDir,
      "--to",
      `oci:${temp()}/x`,
      "--models",
      "tiny",
      "--mapping",
      mapping,
    ]);
    expect(rows[0]?.target).toBe(`oci:${out}:first@${rows[0]?.manifestDigest}`);
    expect(await (await OciLayout.open(out)).tags()).toEqual(["first"]);
  });
});
