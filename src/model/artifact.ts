import path from "node:path";
import { isDigest } from "../core/digest.js";
import { FormatError } from "../core/errors.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor, ImageManifest } from "../core/target.js";

/** A manifest that is not a model artifact this suite can serve; the message names the media types. */
export class UnsupportedArtifactError extends FormatError {}

/** A file name in an annotation that would leave the directory it is meant for (`../`, absolute paths). */
export class UnsafePathError extends FormatError {}

export type ModelFormat = "dmr" | "ollama" | "modelpack";

/** The format of a model's weights; only GGUF has a backend here. */
export type WeightFormat = "gguf" | "safetensors" | "dduf" | "unknown";

export type PartRole =
  | "gguf"
  | "mmproj"
  | "license"
  | "chat-template"
  | "system"
  | "params"
  | "messages"
  | "adapter"
  | "safetensors"
  | "dduf"
  /** Weights in a format no name or media type tells (a ModelPack raw weight without a known extension). */
  | "weight"
  /** A tar archive (DMR's dir.tar and vllm.config.tar, ModelPack's tar weights): kept, never unpacked. */
  | "archive"
  /** Any other file of the model (config, tokenizer, code), placed at its annotated path. */
  | "file"
  | "weight-config"
  | "doc";

export interface ModelPart {
  readonly role: PartRole;
  readonly descriptor: Descriptor;
  /** The file name the artifact gives this part, checked to stay inside its directory. */
  readonly filePath?: string;
}

export interface ModelArtifact {
  readonly format: ModelFormat;
  readonly weights: WeightFormat;
  /** The model's GGUF files in manifest order (several = shards of one model); empty for other weights. */
  readonly gguf: readonly Descriptor[];
  /** The multimodal projector, when the model has one. */
  readonly mmproj?: Descriptor;
  /** Every layer with its role, in manifest order. */
  readonly parts: readonly ModelPart[];
}

const MODELPACK_PREFIX = "application/vnd.cncf.model.";

const DMR_ROLES: Record<string, PartRole> = {
  [MediaType.dmrGguf]: "gguf",
  [MediaType.dmrMmproj]: "mmproj",
  [MediaType.dmrMmprojAlt]: "mmproj",
  [MediaType.dmrLicense]: "license",
  [MediaType.dmrChatTemplate]: "chat-template",
  [MediaType.dmrSafetensors]: "safetensors",
  [MediaType.dmrDduf]: "dduf",
  [MediaType.dmrModelFile]: "file",
  [MediaType.dmrDirTar]: "archive",
  [MediaType.dmrVllmConfigTar]: "archive",
};

const OLLAMA_ROLES: Record<string, PartRole> = {
  [MediaType.ollamaModel]: "gguf",
  [MediaType.ollamaProjector]: "mmproj",
  [MediaType.ollamaLicense]: "license",
  [MediaType.ollamaTemplate]: "chat-template",
  [MediaType.ollamaPrompt]: "chat-template",
  [MediaType.ollamaSystem]: "system",
  [MediaType.ollamaParams]: "params",
  [MediaType.ollamaMessages]: "messages",
  [MediaType.ollamaAdapter]: "adapter",
};

/** The role a weight file's name gives it, as Docker Model Runner classifies files (files.Classify). */
function weightRoleByName(filePath: string | undefined): PartRole {
  // A raw weight without a name was always taken for GGUF; DMR takes it from the config's format instead.
  if (filePath === undefined) return "gguf";
  const name = path.posix.basename(filePath).toLowerCase();
  if (name.endsWith(".gguf")) return "gguf";
  if (name.endsWith(".safetensors")) return "safetensors";
  if (name.endsWith(".dduf")) return "dduf";
  return "weight";
}

function modelPackRole(mediaType: string, filePath: string | undefined): PartRole | undefined {
  if (mediaType === MediaType.modelPackWeightRaw) return weightRoleByName(filePath);
  if (mediaType === MediaType.modelPackWeightGguf) return "gguf";
  if (mediaType === MediaType.modelPackWeightSafetensors) return "safetensors";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}weight.v1.tar`)) return "archive";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}weight.config.v1.`)) return "weight-config";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}doc.v1.`)) return "doc";
  if (/^application\/vnd\.cncf\.model\.(?:code|dataset)\.v1\./.test(mediaType)) return "file";
  return undefined;
}

/**
 * A GGUF layer whose file name says "mmproj" is a multimodal projector: directory packaging (config v0.2) and
 * ModelPack give projectors the same media type as the weights, and DMR tells them apart by this name.
 */
function projectorByName(role: PartRole | undefined, filePath: string | undefined): PartRole | undefined {
  if (role !== "gguf" || filePath === undefined) return role;
  return path.posix.basename(filePath).toLowerCase().includes("mmproj") ? "mmproj" : role;
}

const WEIGHT_ROLES: readonly [PartRole, WeightFormat][] = [
  ["gguf", "gguf"],
  ["safetensors", "safetensors"],
  ["dduf", "dduf"],
  ["weight", "unknown"],
  ["archive", "unknown"],
];

/**
 * Recognises a Docker Model Runner (config v0.1 or v0.2), Ollama or CNCF ModelPack manifest and names its
 * parts. Refuses, before anything is downloaded, a manifest with layer media types it does not know, file
 * names that leave their directory, or no weights at all. Weights other than GGUF are recognised (and can be
 * pulled and promoted); serving them is refused later, by the one check in src/backends/setup.ts.
 */
export function recognizeArtifact(manifest: ImageManifest): ModelArtifact {
  const format = detectFormat(manifest);
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    // Blob file names come from digests: anything but sha256:<64 hex> could name a path.
    if (typeof descriptor.digest !== "string" || !isDigest(descriptor.digest)) {
      throw new UnsafePathError(`refusing ${format} manifest: invalid digest ${JSON.stringify(descriptor.digest)}`);
    }
  }
  const roleOf = (mediaType: string, filePath: string | undefined): PartRole | undefined =>
    projectorByName(
      format === "dmr"
        ? DMR_ROLES[mediaType]
        : format === "ollama"
          ? OLLAMA_ROLES[mediaType]
          : modelPackRole(mediaType, filePath),
      filePath,
    );
  const named = manifest.layers.map((descriptor) => ({ descriptor, filePath: annotatedPath(descriptor) }));
  const unknown = named.filter((l) => roleOf(l.descriptor.mediaType, l.filePath) === undefined);
  if (unknown.length > 0) {
    throw new UnsupportedArtifactError(
      `${format} model manifest has layers of unknown media type: ${[...new Set(unknown.map((l) => l.descriptor.mediaType))].join(", ")}`,
    );
  }
  const parts = named.map(
    ({ descriptor, filePath }): ModelPart => ({
      role: roleOf(descriptor.mediaType, filePath) as PartRole,
      descriptor,
      ...(filePath ? { filePath } : {}),
    }),
  );
  const weights = WEIGHT_ROLES.find(([role]) => parts.some((p) => p.role === role))?.[1];
  if (weights === undefined) {
    throw new UnsupportedArtifactError(
      `${format} model manifest has no model weights (layers: ${manifest.layers.map((l) => l.mediaType).join(", ") || "none"})`,
    );
  }
  const gguf = parts.filter((p) => p.role === "gguf").map((p) => p.descriptor);
  const mmproj = parts.find((p) => p.role === "mmproj")?.descriptor;
  return { format, weights, gguf, ...(mmproj ? { mmproj } : {}), parts };
}

/** The layers holding the model's weights, in order: its GGUF files, else the files of its weight format. */
export function weightFiles(artifact: ModelArtifact): readonly Descriptor[] {
  if (artifact.weights === "gguf") return artifact.gguf;
  const roles = WEIGHT_ROLES.filter(([, format]) => format === artifact.weights).map(([role]) => role);
  return artifact.parts.filter((p) => roles.includes(p.role)).map((p) => p.descriptor);
}

function detectFormat(manifest: ImageManifest): ModelFormat {
  const configType = manifest.config?.mediaType;
  if (configType === MediaType.dmrConfigV01 || configType === MediaType.dmrConfigV02) return "dmr";
  if (manifest.artifactType === MediaType.modelPackManifest || configType === MediaType.modelPackConfig) {
    return "modelpack";
  }
  if (manifest.layers?.some((l) => l.mediaType === MediaType.ollamaModel)) return "ollama";
  const layers = (manifest.layers ?? []).map((l) => l.mediaType);
  throw new UnsupportedArtifactError(
    `not a model artifact: config media type ${configType ?? "(none)"}${manifest.artifactType ? `, artifactType ${manifest.artifactType}` : ""}, layers ${layers.join(", ") || "(none)"}; expected Docker Model Runner, Ollama or ModelPack`,
  );
}

/** The layer's file name from its annotations, refused when it could escape the directory it belongs in. */
function annotatedPath(descriptor: Descriptor): string | undefined {
  const annotations = descriptor.annotations ?? {};
  const name = annotations[Annotation.modelFilepath] ?? annotations[Annotation.title];
  if (name === undefined) return undefined;
  return checkRelativePath(name, descriptor.digest);
}

/** A relative path that stays inside its base directory, with `/` separators; anything else is refused. */
export function checkRelativePath(name: string, owner: string): string {
  const refuse = (why: string) => new UnsafePathError(`refusing file name ${JSON.stringify(name)} on ${owner}: ${why}`);
  if (name === "" || name.includes("\0")) throw refuse("empty or contains NUL");
  if (name.includes("\\")) throw refuse("contains a backslash");
  if (path.posix.isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw refuse("absolute path");
  if (name.split("/").some((part) => part === "..")) throw refuse("leaves its directory (..)");
  const normalized = path.posix.normalize(name);
  if (normalized === "." || normalized.startsWith("../")) throw refuse("leaves its directory");
  return normalized;
}
