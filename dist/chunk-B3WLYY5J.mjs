import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  Annotation,
  MediaType,
  isDigest
} from "./chunk-P47FFNDF.mjs";
import {
  FormatError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/model/artifact.ts
import path from "node:path";
var UnsupportedArtifactError = class extends FormatError {
  static {
    __name(this, "UnsupportedArtifactError");
  }
};
var UnsafePathError = class extends FormatError {
  static {
    __name(this, "UnsafePathError");
  }
};
var MODELPACK_PREFIX = "application/vnd.cncf.model.";
var DMR_ROLES = {
  [MediaType.dmrGguf]: "gguf",
  [MediaType.dmrMmproj]: "mmproj",
  [MediaType.dmrMmprojAlt]: "mmproj",
  [MediaType.dmrLicense]: "license",
  [MediaType.dmrChatTemplate]: "chat-template",
  [MediaType.dmrSafetensors]: "safetensors",
  [MediaType.dmrDduf]: "dduf",
  [MediaType.dmrModelFile]: "file",
  [MediaType.dmrDirTar]: "archive",
  [MediaType.dmrVllmConfigTar]: "archive"
};
var OLLAMA_ROLES = {
  [MediaType.ollamaModel]: "gguf",
  [MediaType.ollamaProjector]: "mmproj",
  [MediaType.ollamaLicense]: "license",
  [MediaType.ollamaTemplate]: "chat-template",
  [MediaType.ollamaPrompt]: "chat-template",
  [MediaType.ollamaSystem]: "system",
  [MediaType.ollamaParams]: "params",
  [MediaType.ollamaMessages]: "messages",
  [MediaType.ollamaAdapter]: "adapter"
};
function weightRoleByName(filePath) {
  if (filePath === void 0) return "gguf";
  const name = path.posix.basename(filePath).toLowerCase();
  if (name.endsWith(".gguf")) return "gguf";
  if (name.endsWith(".safetensors")) return "safetensors";
  if (name.endsWith(".dduf")) return "dduf";
  return "weight";
}
__name(weightRoleByName, "weightRoleByName");
function modelPackRole(mediaType, filePath) {
  if (mediaType === MediaType.modelPackWeightRaw) return weightRoleByName(filePath);
  if (mediaType === MediaType.modelPackWeightGguf) return "gguf";
  if (mediaType === MediaType.modelPackWeightSafetensors) return "safetensors";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}weight.v1.tar`)) return "archive";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}weight.config.v1.`)) return "weight-config";
  if (mediaType.startsWith(`${MODELPACK_PREFIX}doc.v1.`)) return "doc";
  if (/^application\/vnd\.cncf\.model\.(?:code|dataset)\.v1\./.test(mediaType)) return "file";
  return void 0;
}
__name(modelPackRole, "modelPackRole");
function projectorByName(role, filePath) {
  if (role !== "gguf" || filePath === void 0) return role;
  return path.posix.basename(filePath).toLowerCase().includes("mmproj") ? "mmproj" : role;
}
__name(projectorByName, "projectorByName");
var WEIGHT_ROLES = [
  ["gguf", "gguf"],
  ["safetensors", "safetensors"],
  ["dduf", "dduf"],
  ["weight", "unknown"],
  ["archive", "unknown"]
];
function recognizeArtifact(manifest) {
  const format = detectFormat(manifest);
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    if (typeof descriptor.digest !== "string" || !isDigest(descriptor.digest)) {
      throw new UnsafePathError(`refusing ${format} manifest: invalid digest ${JSON.stringify(descriptor.digest)}`);
    }
  }
  const roleOf = /* @__PURE__ */ __name((mediaType, filePath) => projectorByName(
    format === "dmr" ? DMR_ROLES[mediaType] : format === "ollama" ? OLLAMA_ROLES[mediaType] : modelPackRole(mediaType, filePath),
    filePath
  ), "roleOf");
  const named = manifest.layers.map((descriptor) => ({ descriptor, filePath: annotatedPath(descriptor) }));
  const unknown = named.filter((l) => roleOf(l.descriptor.mediaType, l.filePath) === void 0);
  if (unknown.length > 0) {
    throw new UnsupportedArtifactError(
      `${format} model manifest has layers of unknown media type: ${[...new Set(unknown.map((l) => l.descriptor.mediaType))].join(", ")}`
    );
  }
  const parts = named.map(
    ({ descriptor, filePath }) => ({
      role: roleOf(descriptor.mediaType, filePath),
      descriptor,
      ...filePath ? { filePath } : {}
    })
  );
  const weights = WEIGHT_ROLES.find(([role]) => parts.some((p) => p.role === role))?.[1];
  if (weights === void 0) {
    throw new UnsupportedArtifactError(
      `${format} model manifest has no model weights (layers: ${manifest.layers.map((l) => l.mediaType).join(", ") || "none"})`
    );
  }
  const gguf = parts.filter((p) => p.role === "gguf").map((p) => p.descriptor);
  const mmproj = parts.find((p) => p.role === "mmproj")?.descriptor;
  return { format, weights, gguf, ...mmproj ? { mmproj } : {}, parts };
}
__name(recognizeArtifact, "recognizeArtifact");
function weightFiles(artifact) {
  if (artifact.weights === "gguf") return artifact.gguf;
  const roles = WEIGHT_ROLES.filter(([, format]) => format === artifact.weights).map(([role]) => role);
  return artifact.parts.filter((p) => roles.includes(p.role)).map((p) => p.descriptor);
}
__name(weightFiles, "weightFiles");
function detectFormat(manifest) {
  const configType = manifest.config?.mediaType;
  if (configType === MediaType.dmrConfigV01 || configType === MediaType.dmrConfigV02) return "dmr";
  if (manifest.artifactType === MediaType.modelPackManifest || configType === MediaType.modelPackConfig) {
    return "modelpack";
  }
  if (manifest.layers?.some((l) => l.mediaType === MediaType.ollamaModel)) return "ollama";
  const layers = (manifest.layers ?? []).map((l) => l.mediaType);
  throw new UnsupportedArtifactError(
    `not a model artifact: config media type ${configType ?? "(none)"}${manifest.artifactType ? `, artifactType ${manifest.artifactType}` : ""}, layers ${layers.join(", ") || "(none)"}; expected Docker Model Runner, Ollama or ModelPack`
  );
}
__name(detectFormat, "detectFormat");
function annotatedPath(descriptor) {
  const annotations = descriptor.annotations ?? {};
  const name = annotations[Annotation.modelFilepath] ?? annotations[Annotation.title];
  if (name === void 0) return void 0;
  return checkRelativePath(name, descriptor.digest);
}
__name(annotatedPath, "annotatedPath");
function checkRelativePath(name, owner) {
  const refuse = /* @__PURE__ */ __name((why) => new UnsafePathError(`refusing file name ${JSON.stringify(name)} on ${owner}: ${why}`), "refuse");
  if (name === "" || name.includes("\0")) throw refuse("empty or contains NUL");
  if (name.includes("\\")) throw refuse("contains a backslash");
  if (path.posix.isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw refuse("absolute path");
  if (name.split("/").some((part) => part === "..")) throw refuse("leaves its directory (..)");
  const normalized = path.posix.normalize(name);
  if (normalized === "." || normalized.startsWith("../")) throw refuse("leaves its directory");
  return normalized;
}
__name(checkRelativePath, "checkRelativePath");

export {
  UnsafePathError,
  recognizeArtifact,
  weightFiles
};
