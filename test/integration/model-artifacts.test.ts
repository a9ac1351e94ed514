import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BackendContext, StoreModel } from "../../src/backends/backend.js";
import { createEmbeddedBackend } from "../../src/backends/embedded.js";
import { llamaServerArgs } from "../../src/backends/llama-server.js";
import { OpenAIClient } from "../../src/client/openai-client.js";
import { MediaType } from "../../src/core/media-types.js";
import { formatReference, parseReference, pinReference } from "../../src/core/ref.js";
import { writeDmrView } from "../../src/dmr/store-view.js";
import { UnsafePathError } from "../../src/model/artifact.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { writeOllamaView } from "../../src/ollama/store-view.js";
import { writeFilesView } from "../../src/pull/files-view.js";
import { pull } from "../../src/pull/pull.js";
import { ModelStore } from "../../src/store/model-store.js";
import { runCliInProcess } from "../helpers/cli.js";
import { type ArtifactFile, makeArtifactLayout, tinyGguf } from "../helpers/model-layout.js";
import { useTempDir } from "../helpers/temp-dir.js";

// Artifacts as Docker Model Runner writes them today (config v0.2: one layer per file, each at its
// org.cncf.model.filepath) and as it still reads them (ModelPack weight.v1.gguf), pulled from an oci: layout.
const text = (s: string) => new TextEncoder().encode(s);
const answers = [{ prompt: "Say hello", answer: "hello again" }];

async function pulledArtifact(
  root: string,
  options: { configMediaType: string; files: readonly ArtifactFile[]; artifactType?: string },
) {
  const made = await makeArtifactLayout(path.join(root, "layout"), options);
  const store = await ModelStore.open({ dir: path.join(root, "store") });
  const reference = pinReference(parseReference(`oci:${made.layout.root}`), made.manifestDescriptor.digest);
  return { made, store, reference, pulled: await pull(made.layout, reference, store) };
}

async function knownAnswerGguf(root: string): Promise<Uint8Array> {
  const { path: file } = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
  return new Uint8Array(await fs.readFile(file));
}

/** Every file under a directory, relative and sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("Docker Model Runner config v0.2 artifacts", () => {
  const temp = useTempDir("cortex-artifacts-");

  it("pull, keep every file at its annotated path, and hand the projector to llama-server, Ollama and DMR", async () => {
    const projector = tinyGguf({ "general.architecture": "clip" });
    const { store, reference, pulled, made } = await pulledArtifact(temp(), {
      configMediaType: MediaType.dmrConfigV02,
      files: [
        { mediaType: MediaType.dmrGguf, bytes: await knownAnswerGguf(temp()), filePath: "weights/ka-F32.gguf" },
        { mediaType: MediaType.dmrGguf, bytes: projector, filePath: "mmproj-ka-f16.gguf" },
        { mediaType: MediaType.dmrModelFile, bytes: text('{"eos":"</s>"}'), filePath: "tokenizer/config.json" },
        { mediaType: MediaType.dmrChatTemplate, bytes: text("{{ messages }}"), filePath: "template.jinja" },
      ],
    });
    expect(pulled).toMatchObject({ format: "dmr", weights: "gguf" });
    expect(pulled.files).toEqual([store.blobPath(made.manifest.layers[0]?.digest as never)]);

    const dir = path.join(temp(), "view");
    const ctimes = async () =>
      Promise.all(made.manifest.layers.map(async (l) => (await fs.lstat(store.blobPath(l.digest))).ctimeMs));
    const before = await ctimes();
    const view = await writeFilesView({ store, pulled, dir });
    expect(await filesUnder(dir)).toEqual([
      "mmproj-ka-f16.gguf",
      "template.jinja",
      path.join("tokenizer", "config.json"),
      path.join("weights", "ka-F32.gguf"),
    ]);
    expect(view).toEqual({
      dir,
      model: path.join(dir, "weights", "ka-F32.gguf"),
      files: [path.join(dir, "weights", "ka-F32.gguf")],
      mmproj: path.join(dir, "mmproj-ka-f16.gguf"),
      chatTemplate: path.join(dir, "template.jinja"),
    });
    // Links to the verified store files, not copies; making and removing them leaves the store files' inodes
    // alone, so their verification stamps still hold.
    for (const layer of made.manifest.layers) {
      const file = path.join(dir, layer.annotations?.["org.cncf.model.filepath"] as string);
      expect((await fs.stat(file)).ino).toBe((await fs.stat(store.blobPath(layer.digest))).ino);
    }
    await fs.rm(dir, { recursive: true });
    expect(await ctimes()).toEqual(before);
    expect(llamaServerArgs(view.model, 8080, "ka", {}, view.mmproj).slice(0, 4)).toEqual([
      "-m",
      view.model,
      "--mmproj",
      view.mmproj,
    ]);

    const ollama = await writeOllamaView({
      store,
      pulled,
      reference,
      modelsDir: path.join(temp(), "ollama"),
      platform: { architecture: "amd64", os: "linux" },
    });
    const ollamaLayers = (
      JSON.parse(Buffer.from(ollama.manifestBytes).toString()) as { layers: { mediaType: string }[] }
    ).layers;
    expect(ollamaLayers.map((l) => l.mediaType)).toEqual([MediaType.ollamaModel, MediaType.ollamaProjector]);

    const dmr = await writeDmrView({ store, pulled, storeDir: path.join(temp(), "dmr"), tags: ["localhost/ka:v1"] });
    const models = JSON.parse(await fs.readFile(path.join(dmr.storeDir, "models.json"), "utf8")) as {
      models: { id: string; files: string[] }[];
    };
    expect(models.models[0]?.files).toHaveLength(5);
  });

  it("refuses a file path that leaves the model's directory before downloading, and two layers claiming one path", async () => {
    const escaping = await makeArtifactLayout(path.join(temp(), "escaping"), {
      configMediaType: MediaType.dmrConfigV02,
      files: [
        { mediaType: MediaType.dmrGguf, bytes: tinyGguf({}), filePath: "model.gguf" },
        { mediaType: MediaType.dmrModelFile, bytes: text("x"), filePath: "tokenizer/../../../.bashrc" },
      ],
    });
    const store = await ModelStore.open({ dir: path.join(temp(), "store") });
    const error = await pull(escaping.layout, parseReference(`oci:${escaping.layout.root}`), store).catch((e) => e);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect(error.message).toMatch(
      /refusing file name "tokenizer\/..\/..\/..\/.bashrc" on sha256:\w+: leaves its directory/,
    );
    expect(await fs.readdir(path.join(store.root, "blobs", "sha256"))).toEqual([]);

    const { pulled, store: twice } = await pulledArtifact(path.join(temp(), "twice"), {
      configMediaType: MediaType.dmrConfigV02,
      files: [
        { mediaType: MediaType.dmrGguf, bytes: tinyGguf({}), filePath: "model.gguf" },
        { mediaType: MediaType.dmrModelFile, bytes: text("a"), filePath: "config.json" },
        { mediaType: MediaType.dmrModelFile, bytes: text("b"), filePath: "./config.json" },
      ],
    });
    await expect(writeFilesView({ store: twice, pulled, dir: path.join(temp(), "view") })).rejects.toThrow(
      /layers sha256:\w+ and sha256:\w+ both name config.json/,
    );
  });

  it("pulls safetensors weights, and setup refuses to serve them, naming the format", async () => {
    const root = temp();
    const made = await makeArtifactLayout(path.join(root, "layout"), {
      configMediaType: MediaType.dmrConfigV02,
      files: [
        { mediaType: MediaType.dmrSafetensors, bytes: text("weights"), filePath: "model.safetensors" },
        { mediaType: MediaType.dmrModelFile, bytes: text("{}"), filePath: "config.json" },
      ],
    });
    const model = formatReference(
      pinReference(parseReference(`oci:${made.layout.root}`), made.manifestDescriptor.digest),
    );
    const env = { CORTEX_MODEL_STORE: path.join(root, "store"), CORTEX_MODEL_TOOLS: path.join(root, "tools") };
    const pulled = await runCliInProcess(["pull", model, "--json"], env);
    expect(pulled.code).toBe(0);
    const served = await runCliInProcess(["setup", "--model", model, "--backend", "embedded"], env);
    expect(served.code).toBe(2);
    expect(served.stderr.trimEnd().split("\n").at(-1)).toBe(
      `cortex-model setup: no backend here serves this format: ${model} holds safetensors weights; embedded, llama-server, Ollama and Docker Model Runner (llama.cpp) here serve GGUF models (pull, promote and revert work on any format)`,
    );
  });
});

describe("ModelPack artifacts with DMR's GGUF weight type", () => {
  const temp = useTempDir("cortex-modelpack-");

  it("pull and serve on the embedded backend from the files view", async () => {
    const { store, reference, pulled } = await pulledArtifact(temp(), {
      configMediaType: MediaType.modelPackConfig,
      artifactType: MediaType.modelPackManifest,
      files: [
        { mediaType: MediaType.modelPackWeightGguf, bytes: await knownAnswerGguf(temp()), filePath: "ka.gguf" },
        { mediaType: "application/vnd.cncf.model.doc.v1.raw", bytes: text("# KA"), filePath: "README.md" },
      ],
    });
    expect(pulled).toMatchObject({ format: "modelpack", weights: "gguf" });
    const model: StoreModel = { kind: "store", store, reference, pulled, modelId: "ka" };
    const context: BackendContext = {
      toolDir: path.join(temp(), "tools"),
      workDir: temp(),
      env: process.env,
      log: () => {},
      lifetime: "detached",
    };
    const backend = createEmbeddedBackend({ gpu: "none", port: 0, threads: 1, readyTimeoutMs: 120_000 }, context, {});
    const running = await backend.start(model);
    try {
      const endpoint = await running.ready();
      const answer = await new OpenAIClient({ baseUrl: endpoint.baseUrl }).generate({
        api: "completions",
        model: endpoint.modelId,
        prompt: "Say hello",
        options: { temperature: 0 },
      });
      expect(answer.text).toBe("hello again");
    } finally {
      await backend.stop(running.handle);
    }
    expect(await filesUnder(path.join(temp(), `model-${pulled.manifestDigest.slice(7)}`))).toEqual([
      "README.md",
      "ka.gguf",
    ]);
  }, 120_000);
});
