import { sha256Digest } from "../core/digest.js";
import { FormatError } from "../core/errors.js";
import { MediaType } from "../core/media-types.js";
import type { Descriptor } from "../core/target.js";
import { goJson } from "../dmr/dmr-artifact.js";
import type { ModelArtifact } from "../model/artifact.js";
import type { GgufModelInfo } from "../model/gguf-metadata.js";
import { formatFixed } from "../model/human-units.js";

/**
 * Docker Model Runner artifact -> Ollama model, the one place this conversion lives (the store view and the
 * migrate command both use it). The GGUF layer keeps its digest, so the Ollama model blob is the very file our
 * store holds; only the manifest and the small config are new bytes, written as Ollama writes them
 * (server/manifest.go WriteManifest and server/create.go: json.Encoder, so Go's escapes and a final newline).
 */

export interface OllamaPlatform {
  /** Go's GOARCH of the machine the model is written for ("amd64", "arm64"). */
  readonly architecture: string;
  readonly os: string;
}

/** The platform Ollama would record when it creates a model on this machine. */
export function currentOllamaPlatform(): OllamaPlatform {
  const architecture = process.arch === "x64" ? "amd64" : process.arch;
  return { architecture, os: process.platform };
}

export interface OllamaModel {
  readonly manifest: Uint8Array;
  readonly config: { readonly descriptor: Descriptor; readonly bytes: Uint8Array };
  /** The layers the manifest lists, every one a blob of the source artifact. */
  readonly layers: readonly Descriptor[];
}

export interface ConversionInput {
  readonly artifact: ModelArtifact;
  readonly info: GgufModelInfo;
  /** Reads a small layer (the chat template) as text. */
  readonly readText: (descriptor: Descriptor) => Promise<string>;
  readonly platform?: OllamaPlatform;
}

/** Builds the Ollama manifest and config of a DMR model; the blobs themselves are left where they are. */
export async function ollamaModelFromDmr(input: ConversionInput): Promise<OllamaModel> {
  const { artifact, info } = input;
  if (artifact.gguf.length !== 1) {
    throw new FormatError(
      `Ollama loads a model from one GGUF file; this model is split into ${artifact.gguf.length} shards`,
    );
  }
  const layers: Descriptor[] = [];
  for (const part of artifact.parts) {
    const mediaType = await ollamaMediaType(part.role, part.descriptor, input.readText);
    if (mediaType) layers.push({ mediaType, digest: part.descriptor.digest, size: part.descriptor.size });
  }
  const platform = input.platform ?? currentOllamaPlatform();
  const architecture = info.architecture ?? "unknown";
  const configBytes = encode({
    model_format: "gguf",
    model_family: architecture,
    model_families: [architecture],
    model_type: ollamaHumanNumber(parameterCount(info)),
    file_type: info.quantization,
    architecture: platform.architecture,
    os: platform.os,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
  });
  const config: Descriptor = {
    mediaType: MediaType.dockerContainerConfig,
    digest: sha256Digest(configBytes),
    size: configBytes.byteLength,
  };
  const manifest = encode({
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: layerJson(config),
    layers: layers.map(layerJson),
  });
  return { manifest, config: { descriptor: config, bytes: configBytes }, layers };
}

async function ollamaMediaType(
  role: ModelArtifact["parts"][number]["role"],
  descriptor: Descriptor,
  readText: (descriptor: Descriptor) => Promise<string>,
): Promise<string | undefined> {
  switch (role) {
    case "gguf":
      return MediaType.ollamaModel;
    case "mmproj":
      return MediaType.ollamaProjector;
    case "license":
      return MediaType.ollamaLicense;
    case "chat-template":
      // Ollama renders Go templates; a Jinja template would be taken literally, so it is left out and Ollama
      // falls back to its own default.
      return isGoTemplate(await readText(descriptor)) ? MediaType.ollamaTemplate : undefined;
    default:
      return undefined;
  }
}

/** Ollama's Layer JSON: mediaType, digest, size (from omitted). */
function layerJson(descriptor: Descriptor) {
  return { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${goJson(value)}\n`);
}

/** `general.parameter_count` when the file says it (Ollama reads that key), else the tensors' element count. */
function parameterCount(info: GgufModelInfo): number {
  const value = info.metadata.get("general.parameter_count")?.value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return info.parameters;
}

/** Ollama's format.HumanNumber: "8B", "1.5B", "361.82M", "512K", "42". */
export function ollamaHumanNumber(count: number): string {
  const scaled = (base: number, unit: string, decimals: number) => {
    const value = count / base;
    return Number.isInteger(value) ? `${value}${unit}` : `${formatFixed(value, decimals)}${unit}`;
  };
  if (count >= 1e9) return scaled(1e9, "B", 1);
  if (count >= 1e6) return scaled(1e6, "M", 2);
  if (count >= 1e3) return `${Math.round(count / 1e3)}K`;
  return String(count);
}

/**
 * A Go text/template as Ollama uses them (`{{ .Prompt }}`, `{{ if .System }}`, `{{ range .Messages }}`), as
 * opposed to Jinja (`{% ... %}`, `{{ messages[0] }}`): every action must begin with a field, a variable or a
 * Go template keyword.
 */
export function isGoTemplate(text: string): boolean {
  if (text.includes("{%") || text.includes("{#")) return false;
  const actions = [...text.matchAll(/\{\{-?\s*([^}]*?)\s*-?\}\}/g)].map((m) => m[1] ?? "");
  if (actions.length === 0) return false;
  return actions.every((body) =>
    /^(?:\.|\$|\/\*|(?:if|else|end|range|with|template|define|block|not|and|or|eq|ne|len|slice|index|json|break|continue)\b)/.test(
      body,
    ),
  );
}
