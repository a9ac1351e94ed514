import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import { parseReference } from "../../../src/core/ref.js";
import { DmrViewError, dmrTagName, writeDmrView } from "../../../src/dmr/store-view.js";
import { readGgufModelInfo } from "../../../src/model/gguf-metadata.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { isGoTemplate, ollamaHumanNumber } from "../../../src/ollama/ollama-manifest.js";
import { ollamaName, writeOllamaView } from "../../../src/ollama/store-view.js";
import { pull } from "../../../src/pull/pull.js";
import { ModelStore } from "../../../src/store/model-store.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { descriptorOf, makeModelLayout } from "../../helpers/model-layout.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const GO_TEMPLATE = "{{ if .System }}{{ .System }}\n{{ end }}{{ .Prompt }}";
const JINJA_TEMPLATE = "{% for message in messages %}{{ message['content'] }}{% endfor %}";
const LICENSE = "MIT <with & brackets>";
const text = (s: string) => new TextEncoder().encode(s);

async function storeWithDmrModel(dir: string, template: string) {
  const { path: ggufPath } = await synthesizeKnownAnswer({
    path: path.join(dir, "ka.gguf"),
    answers: [{ prompt: "ping", answer: "pong" }],
  });
  const gguf = new Uint8Array(await fs.readFile(ggufPath));
  const made = await makeModelLayout(path.join(dir, "layout"), {
    shards: [gguf],
    tag: "v1",
    extra: [
      { mediaType: "application/vnd.docker.ai.license", bytes: text(LICENSE) },
      { mediaType: "application/vnd.docker.ai.chat.template.jinja", bytes: text(template) },
    ],
  });
  const store = await ModelStore.open({ dir: path.join(dir, "store") });
  const reference = parseReference("127.0.0.1:5000/team/ka:v1");
  const pulled = await pull(made.layout, reference, store);
  return { store, reference, pulled, made, ggufPath };
}

describe("DMR store view", () => {
  const temp = useTempDir("cortex-dmr-view-");

  it("writes layout.json, models.json, the manifest and hard-linked blobs byte for byte", async () => {
    const { store, reference, pulled, made } = await storeWithDmrModel(temp(), JINJA_TEMPLATE);
    const storeDir = path.join(temp(), "dmr");
    const tag = dmrTagName(reference);
    expect(tag).toBe("127.0.0.1:5000/team/ka:v1");
    const view = await writeDmrView({ store, pulled, storeDir, tags: [tag] });

    expect(await fs.readFile(path.join(storeDir, "layout.json"), "utf8")).toBe('{\n  "version": "1.0.0"\n}');
    const hex = made.manifestDescriptor.digest.slice(7);
    const manifestBytes = await fs.readFile(path.join(storeDir, "manifests", "sha256", hex));
    expect(sha256Digest(manifestBytes)).toBe(made.manifestDescriptor.digest);
    const layers = made.manifest.layers.map((l) => `"${l.digest}"`);
    expect(await fs.readFile(path.join(storeDir, "models.json"), "utf8")).toBe(
      `{\n  "models": [\n    {\n      "id": "${made.manifestDescriptor.digest}",\n      "tags": [\n        "${tag}"\n      ],\n      "files": [\n        ${[...layers, `"${made.manifest.config.digest}"`].join(",\n        ")}\n      ]\n    }\n  ]\n}`,
    );
    expect((await fs.readdir(path.join(storeDir, "blobs", "sha256"))).sort()).toEqual(
      [...made.manifest.layers, made.manifest.config].map((d) => d.digest.slice(7)).sort(),
    );
    for (const blob of made.manifest.layers) {
      const inView = await fs.stat(path.join(storeDir, "blobs", "sha256", blob.digest.slice(7)));
      expect(inView.ino).toBe((await fs.stat(store.blobPath(blob.digest))).ino);
    }
    expect(view.id).toBe(made.manifestDescriptor.digest);
  });

  it("merges into an existing index: other models stay, our tag moves to our model", async () => {
    const { store, pulled, made } = await storeWithDmrModel(temp(), JINJA_TEMPLATE);
    const storeDir = path.join(temp(), "dmr");
    await fs.mkdir(storeDir);
    const other = `sha256:${"a".repeat(64)}`;
    await fs.writeFile(
      path.join(storeDir, "models.json"),
      JSON.stringify({
        models: [
          { id: other, tags: ["x/y:v1", "x/y:keep"], files: [] },
          { id: "sha256:b", tags: null, files: [] },
        ],
      }),
    );
    await writeDmrView({ store, pulled, storeDir, tags: ["x/y:v1"] });
    const index = JSON.parse(await fs.readFile(path.join(storeDir, "models.json"), "utf8"));
    expect(index.models.map((m: { id: string; tags: string[] | null }) => [m.id, m.tags])).toEqual([
      [other, ["x/y:keep"]],
      ["sha256:b", null],
      [made.manifestDescriptor.digest, ["x/y:v1"]],
    ]);
  });

  it("names Docker Hub models as go-containerregistry prints them", () => {
    expect(dmrTagName(parseReference("ai/smollm2"))).toBe("index.docker.io/ai/smollm2:latest");
    expect(dmrTagName(parseReference("oci:/tmp/My Models:v2"))).toBe("localhost/my-models:v2");
  });

  it("refuses an Ollama-format model, naming its format", async () => {
    const dir = temp();
    const layout = await OciLayout.open(path.join(dir, "ollama"), { create: true });
    const gguf = text("GGUF-not-really");
    const config = text("{}");
    const layer = descriptorOf("application/vnd.ollama.image.model", gguf);
    const configD = descriptorOf("application/vnd.docker.container.image.v1+json", config);
    await layout.pushBlob(layer, gguf);
    await layout.pushBlob(configD, config);
    const manifest = text(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        config: configD,
        layers: [layer],
      }),
    );
    const md = descriptorOf("application/vnd.docker.distribution.manifest.v2+json", manifest);
    await layout.pushManifest(md, manifest, { tag: "latest" });
    const store = await ModelStore.open({ dir: path.join(dir, "store") });
    const pulled = await pull(layout, parseReference(`oci:${path.join(dir, "ollama")}`), store);
    const error = await writeDmrView({ store, pulled, storeDir: path.join(dir, "dmr"), tags: [] }).catch((e) => e);
    expect(error).toBeInstanceOf(DmrViewError);
    expect(error.message).toMatch(/is an Ollama model/);
  });
});

describe("Ollama store view", () => {
  const temp = useTempDir("cortex-ollama-view-");
  const platform = { architecture: "amd64", os: "linux" };

  it("converts a DMR model: GGUF as the model layer (same digest), Go template and license kept, Ollama's bytes", async () => {
    const { store, reference, pulled, made, ggufPath } = await storeWithDmrModel(temp(), GO_TEMPLATE);
    const modelsDir = path.join(temp(), "ollama");
    const view = await writeOllamaView({ store, pulled, reference, modelsDir, platform });
    const [gguf, license, template] = made.manifest.layers as [
      typeof made.manifest.config,
      typeof made.manifest.config,
      typeof made.manifest.config,
    ];

    expect(view.manifestPath).toBe(path.join(modelsDir, "manifests", "127.0.0.1:5000", "team", "ka", "v1"));
    expect(view.modelId).toBe("127.0.0.1:5000/team/ka:v1");
    const info = await readGgufModelInfo(ggufPath);
    const config =
      `{"model_format":"gguf","model_family":"llama","model_families":["llama"],"model_type":"${ollamaHumanNumber(info.parameters)}",` +
      `"file_type":"F32","architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["${gguf.digest}","${license.digest}","${template.digest}"]}}\n`;
    const configDigest = sha256Digest(config);
    const layer = (t: string, d: { digest: string; size: number }) =>
      `{"mediaType":"${t}","digest":"${d.digest}","size":${d.size}}`;
    expect(await fs.readFile(view.manifestPath, "utf8")).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":${layer("application/vnd.docker.container.image.v1+json", { digest: configDigest, size: Buffer.byteLength(config) })},` +
        `"layers":[${layer("application/vnd.ollama.image.model", gguf)},${layer("application/vnd.ollama.image.license", license)},${layer("application/vnd.ollama.image.template", template)}]}\n`,
    );
    expect(await fs.readFile(path.join(modelsDir, "blobs", `sha256-${configDigest.slice(7)}`), "utf8")).toBe(config);
    expect((await fs.readdir(path.join(modelsDir, "blobs"))).sort()).toEqual(
      [gguf, license, template]
        .map((d) => `sha256-${d.digest.slice(7)}`)
        .concat(`sha256-${configDigest.slice(7)}`)
        .sort(),
    );
    const linked = await fs.stat(path.join(modelsDir, "blobs", `sha256-${gguf.digest.slice(7)}`));
    expect(linked.ino).toBe((await fs.stat(store.blobPath(gguf.digest))).ino);
  });

  it("leaves a Jinja chat template out (Ollama would render it literally)", async () => {
    const { store, reference, pulled } = await storeWithDmrModel(temp(), JINJA_TEMPLATE);
    const view = await writeOllamaView({ store, pulled, reference, modelsDir: path.join(temp(), "o"), platform });
    const manifest = JSON.parse(Buffer.from(view.manifestBytes).toString("utf8"));
    expect(manifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual([
      "application/vnd.ollama.image.model",
      "application/vnd.ollama.image.license",
    ]);
  });

  it("keeps an Ollama-format model's manifest bytes exactly", async () => {
    const dir = temp();
    const layout = await OciLayout.open(path.join(dir, "src"), { create: true });
    const gguf = text("GGUF model bytes");
    const config = text('{"model_format":"gguf"}');
    const layer = descriptorOf("application/vnd.ollama.image.model", gguf);
    const configD = descriptorOf("application/vnd.docker.container.image.v1+json", config);
    await layout.pushBlob(layer, gguf);
    await layout.pushBlob(configD, config);
    // Spacing no re-encoding would reproduce: the bytes must come through untouched.
    const manifest = text(
      `{ "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": ${JSON.stringify(configD)}, "layers": [${JSON.stringify(layer)}] }`,
    );
    const md = descriptorOf("application/vnd.docker.distribution.manifest.v2+json", manifest);
    await layout.pushManifest(md, manifest, { tag: "1b" });
    const store = await ModelStore.open({ dir: path.join(dir, "store") });
    const pulled = await pull(layout, parseReference(`oci:${path.join(dir, "src")}:1b`), store);
    const reference = parseReference("ollama://tiny:1b");
    const view = await writeOllamaView({ store, pulled, reference, modelsDir: path.join(dir, "o") });
    expect(view.modelId).toBe("tiny:1b");
    expect(view.manifestPath).toBe(path.join(dir, "o", "manifests", "registry.ollama.ai", "library", "tiny", "1b"));
    expect(Buffer.compare(await fs.readFile(view.manifestPath), Buffer.from(manifest))).toBe(0);
    expect((await fs.readdir(path.join(dir, "o", "blobs"))).sort()).toEqual(
      [configD, layer].map((d) => `sha256-${d.digest.slice(7)}`).sort(),
    );
  });

  it("gives layouts and deep repositories valid Ollama names", () => {
    expect(ollamaName(parseReference("oci:/data/Team Model:v3"))).toEqual({
      host: "local",
      namespace: "library",
      model: "team-model",
      tag: "v3",
    });
    expect(ollamaName(parseReference("ghcr.io/org/group/model"))).toEqual({
      host: "ghcr.io",
      namespace: "org-group",
      model: "model",
      tag: "latest",
    });
  });

  it("tells Go templates from Jinja and counts parameters as Ollama does", () => {
    expect(isGoTemplate(GO_TEMPLATE)).toBe(true);
    expect(isGoTemplate("{{- range .Messages }}{{ .Content }}{{ end }}")).toBe(true);
    expect(isGoTemplate(JINJA_TEMPLATE)).toBe(false);
    expect(isGoTemplate("{{ messages[0]['content'] }}")).toBe(false);
    expect(isGoTemplate("plain text")).toBe(false);
    expect([8e9, 1.5e9, 361_821_120, 135e6, 512_000, 42].map(ollamaHumanNumber)).toEqual([
      "8B",
      "1.5B",
      "361.82M",
      "135M",
      "512K",
      "42",
    ]);
  });
});
