import { describe, expect, it } from "vitest";
import { type Digest, sha256Digest } from "../../../src/core/digest.js";
import { MediaType } from "../../../src/core/media-types.js";
import type { Descriptor, ImageManifest } from "../../../src/core/target.js";
import {
  recognizeArtifact,
  UnsafePathError,
  UnsupportedArtifactError,
  weightFiles,
} from "../../../src/model/artifact.js";

function d(mediaType: string, name: string, annotations?: Record<string, string>): Descriptor {
  return {
    mediaType,
    digest: sha256Digest(name) as Digest,
    size: name.length,
    ...(annotations ? { annotations } : {}),
  };
}

function manifest(config: Descriptor, layers: Descriptor[], artifactType?: string): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers,
    ...(artifactType ? { artifactType } : {}),
  };
}

describe("recognizeArtifact", () => {
  it("reads a Docker Model Runner artifact: shards in order, license, template, mmproj", () => {
    const shards = [d(MediaType.dmrGguf, "s1"), d(MediaType.dmrGguf, "s2")];
    const artifact = recognizeArtifact(
      manifest(d(MediaType.dmrConfigV02, "c"), [
        shards[0] as Descriptor,
        d(MediaType.dmrLicense, "l"),
        shards[1] as Descriptor,
        d(MediaType.dmrMmprojAlt, "m"),
        d(MediaType.dmrChatTemplate, "t", { "org.cncf.model.filepath": "templates/chat.jinja" }),
      ]),
    );
    expect(artifact.format).toBe("dmr");
    expect(artifact.gguf).toEqual(shards);
    expect(artifact.parts.map((p) => p.role)).toEqual(["gguf", "license", "gguf", "mmproj", "chat-template"]);
    expect(artifact.parts[4]?.filePath).toBe("templates/chat.jinja");
  });

  it("reads an Ollama manifest", () => {
    const model = d(MediaType.ollamaModel, "m");
    const artifact = recognizeArtifact({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: d(MediaType.dockerContainerConfig, "c"),
      layers: [model, d(MediaType.ollamaTemplate, "t"), d(MediaType.ollamaParams, "p")],
    });
    expect(artifact.format).toBe("ollama");
    expect(artifact.gguf).toEqual([model]);
  });

  it("reads a ModelPack manifest, taking its .gguf weights", () => {
    const weight = d(MediaType.modelPackWeightRaw, "w", { "org.cncf.model.filepath": "model-q4.gguf" });
    const artifact = recognizeArtifact(
      manifest(
        d(MediaType.modelPackConfig, "c"),
        [d("application/vnd.cncf.model.doc.v1.raw", "readme"), weight],
        MediaType.modelPackManifest,
      ),
    );
    expect(artifact.format).toBe("modelpack");
    expect(artifact.gguf).toEqual([weight]);
  });

  it("reads a DMR config v0.2 artifact: one layer per file at its path, a projector told by its name", () => {
    const at = (filePath: string) => ({ "org.cncf.model.filepath": filePath });
    const weights = d(MediaType.dmrGguf, "w", at("weights/model-Q4_K_M.gguf"));
    const projector = d(MediaType.dmrGguf, "p", at("mmproj-model-f16.gguf"));
    const artifact = recognizeArtifact(
      manifest(d(MediaType.dmrConfigV02, "c"), [
        weights,
        projector,
        d(MediaType.dmrModelFile, "t", at("tokenizer/tokenizer.json")),
        d(MediaType.dmrDirTar, "x", at("extras")),
      ]),
    );
    expect(artifact).toMatchObject({ format: "dmr", weights: "gguf", gguf: [weights], mmproj: projector });
    expect(artifact.parts.map((p) => [p.role, p.filePath])).toEqual([
      ["gguf", "weights/model-Q4_K_M.gguf"],
      ["mmproj", "mmproj-model-f16.gguf"],
      ["file", "tokenizer/tokenizer.json"],
      ["archive", "extras"],
    ]);
  });

  it("reads ModelPack GGUF weights as Docker Model Runner wrote them (weight.v1.gguf)", () => {
    const weight = d(MediaType.modelPackWeightGguf, "w");
    const artifact = recognizeArtifact(
      manifest(d(MediaType.modelPackConfig, "c"), [weight, d("application/vnd.cncf.model.code.v1.raw", "py")]),
    );
    expect(artifact).toMatchObject({ format: "modelpack", weights: "gguf", gguf: [weight] });
    expect(artifact.parts.map((p) => p.role)).toEqual(["gguf", "file"]);
  });

  it.each([
    ["safetensors", MediaType.dmrSafetensors, "model.safetensors", MediaType.dmrConfigV02],
    ["dduf", MediaType.dmrDduf, "flux.dduf", MediaType.dmrConfigV02],
    ["safetensors", MediaType.modelPackWeightRaw, "model-00001-of-00002.safetensors", MediaType.modelPackConfig],
    ["unknown", MediaType.modelPackWeightRaw, "weights.bin", MediaType.modelPackConfig],
  ])("recognises %s weights (%s) for pulling, with no GGUF to serve", (weights, mediaType, name, config) => {
    const layer = d(mediaType, name, { "org.cncf.model.filepath": name });
    const file =
      config === MediaType.dmrConfigV02 ? MediaType.dmrModelFile : "application/vnd.cncf.model.weight.config.v1.raw";
    const artifact = recognizeArtifact(manifest(d(config, "c"), [d(file, "j"), layer]));
    expect(artifact.weights).toBe(weights);
    expect(artifact.gguf).toEqual([]);
    expect(weightFiles(artifact)).toEqual([layer]);
  });

  it("refuses a manifest without weights, naming its layers", () => {
    expect(() => recognizeArtifact(manifest(d(MediaType.dmrConfigV02, "c"), [d(MediaType.dmrModelFile, "j")]))).toThrow(
      "dmr model manifest has no model weights (layers: application/vnd.docker.ai.model.file)",
    );
  });

  it("reads Ollama's legacy prompt layer as the template", () => {
    const artifact = recognizeArtifact({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: d(MediaType.dockerContainerConfig, "c"),
      layers: [d(MediaType.ollamaModel, "m"), d(MediaType.ollamaPrompt, "p")],
    });
    expect(artifact.parts.map((p) => p.role)).toEqual(["gguf", "chat-template"]);
  });

  it("names unknown media types", () => {
    expect(() => recognizeArtifact(manifest(d("application/vnd.example.config", "c"), [d("x/y", "z")]))).toThrow(
      /not a model artifact: config media type application\/vnd.example.config.*layers x\/y/,
    );
    const error = (() => {
      try {
        recognizeArtifact(manifest(d(MediaType.dmrConfigV01, "c"), [d(MediaType.dmrGguf, "g"), d("x/unknown", "u")]));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedArtifactError);
    expect((error as Error).message).toBe("dmr model manifest has layers of unknown media type: x/unknown");
  });

  it.each(["../../etc/passwd", "/etc/passwd", "a/../../b", "..\\x", "C:evil"])("refuses the file name %s", (name) => {
    const layers = [d(MediaType.dmrGguf, "g", { "org.cncf.model.filepath": name })];
    expect(() => recognizeArtifact(manifest(d(MediaType.dmrConfigV01, "c"), layers))).toThrow(UnsafePathError);
  });

  it("refuses a digest that could name a path", () => {
    const layer = { ...d(MediaType.dmrGguf, "g"), digest: "sha256:../../etc/passwd" as Digest };
    expect(() => recognizeArtifact(manifest(d(MediaType.dmrConfigV01, "c"), [layer]))).toThrow(
      'refusing dmr manifest: invalid digest "sha256:../../etc/passwd"',
    );
  });
});
