import path from "node:path";
import { isDigest } from "../core/digest.js";
import { CortexError } from "../core/errors.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { Descriptor, ImageManifest } from "../core/target.js";

/** A manifest that is not a model artifact this suite can serve; the message names the media types. */
export class UnsupportedArtifactError extends CortexError {}

/** A file name in an annotation that would leave the directory it is meant for (`../`, absolute paths). */
export class UnsafePathError extends CortexError {}

export type ModelFormat = "dmr" | "ollama" | "modelpack";

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
  /** The model's GGUF files in manifest order (several = shards of one model). */
  readonly gguf: readonly Descriptor[];
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
};

const OLLAMA_ROLES: Record<string, PartRole> = {
  [MediaType.ollamaModel]: "gguf",
  [MediaType.ollamaProjector]: "mmproj",
  [MediaType.ollamaLicense]: "license",
  [MediaType.ollamaTemplate]: "chat-template",
  [MediaType.ollamaSystem]: "system",
  [MediaType.ollamaParams]: "params",
  [MediaType.ollamaMessages]: "messages",
  [MediaType.ollamaAdapter]: "adapter",
};

function modelPackRole(mediaType: string): PartRole | undefined {
  if (mediaType === MediaType.modelPackWeightRaw) return "gguf";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}weight.config.v1.`)) return "weight-config";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}doc.v1.`)) return "doc";
  return undefined;
}

/**
 * Recognises a Docker Model Runner, Ollama or CNCF ModelPack manifest and names its parts. Refuses, before
 * anything is downloaded, a manifest with layer media types it does not know or file names that leave their
 * directory.
 */
export function recognizeArtifact(manifest: ImageManifest): ModelArtifact {
  const format = detectFormat(manifest);
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    // Blob file names come from digests: anything but sha256:<64 hex> could name a path.
    if (typeof descriptor.digest !== "string" || !isDigest(descriptor.digest)) {
      throw new UnsafePathError(`refusing ${format} manifest: invalid digest ${JSON.stringify(descriptor.digest)}`);
    }
  }
  const roleOf =
    format === "dmr"
      ? (t: string) => DMR_ROLES[t]
      : format === "ollama"
        ? (t: string) => OLLAMA_ROLES[t]
        : modelPackRole;
  const unknown = manifest.layers.map((l) => l.mediaType).filter((t) => roleOf(t) === undefined);
  if (unknown.length > 0) {
    throw new UnsupportedArtifactError(
      `${format} model manifest has layers of unknown media type: ${[...new Set(unknown)].join(", ")}`,
    );
  }
  const parts = manifest.layers.map((descriptor): ModelPart => {
    const filePath = annotatedPath(descriptor);
    return { role: roleOf(descriptor.mediaType) as PartRole, descriptor, ...(filePath ? { filePath } : {}) };
  });
  const gguf = parts
    .filter((p) => p.role === "gguf" && (format !== "modelpack" || isGgufName(p.filePath)))
    .map((p) => p.descriptor);
  if (gguf.length === 0) {
    throw new UnsupportedArtifactError(
      `${format} model manifest has no GGUF file (layers: ${manifest.layers.map((l) => l.mediaType).join(", ") || "none"})`,
    );
  }
  return { format, gguf, parts };
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

function isGgufName(filePath: string | undefined): boolean {
  return filePath === undefined || filePath.toLowerCase().endsWith(".gguf");
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
