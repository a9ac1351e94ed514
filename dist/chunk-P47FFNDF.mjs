import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  FormatError,
  InvalidReferenceError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/core/bounds.ts
var MiB = 1024 * 1024;
var GiB = 1024 * MiB;
var whole = /* @__PURE__ */ __name((min, max) => ({ min, max, integer: true }), "whole");
var BOUNDS = {
  /**
   * Bytes per ranged part of a pull: below 1 MiB a large blob becomes so many requests that the pull
   * crawls (1 byte per request never ends); above 1 GiB one part holds up a resume for too long.
   */
  partSize: { min: MiB, max: GiB, integer: true, bytes: true },
  /** Parallel connections of a pull. */
  connections: whole(1, 64),
  /** A TCP port to listen on; 0 picks a free one. */
  listenPort: whole(0, 65535),
  /** A TCP port to connect to. */
  port: whole(1, 65535),
  threads: whole(1, 1024),
  /** Tokens per request context. */
  contextSize: whole(1, 1 << 24),
  /** Requests generated at once by the embedded server. */
  parallel: whole(1, 256),
  /** Requests in flight in a compatibility suite. */
  suiteConcurrency: whole(1, 256),
  /** Seconds to wait for a backend to answer. */
  readyTimeoutSeconds: { min: 1e-3, max: 86400, integer: false },
  /** A load time reported by another step, in seconds and in milliseconds. */
  loadSeconds: { min: 0, max: 86400, integer: false },
  loadMilliseconds: { min: 0, max: 864e5, integer: false },
  runs: whole(1, 1e4),
  warmup: whole(0, 1e4),
  seed: whole(0, 2 ** 32 - 1),
  /** Linux's largest pid_max. */
  pid: whole(1, 4194304),
  /** How long a release's post-switch check may take, in seconds. */
  checkTimeoutSeconds: { min: 1e-3, max: 86400, integer: false },
  /** How long a release waits for another release of its channel, in seconds. */
  lockWaitSeconds: { min: 0, max: 86400, integer: false },
  /** Changes back in a tag's history. */
  revertSteps: whole(1, 1e4),
  /** llama.context_length of a synthetic model. */
  contextLength: whole(1, 2 ** 31 - 1),
  /** Size of a synthetic model file. */
  modelSize: { min: 1, max: 1024 * GiB, integer: true, bytes: true }
};
function formatBytes(bytes) {
  for (const [unit, size] of [
    ["TiB", 1024 * GiB],
    ["GiB", GiB],
    ["MiB", MiB],
    ["KiB", 1024]
  ]) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return bytes === 1 ? "1 byte" : `${bytes} bytes`;
}
__name(formatBytes, "formatBytes");
function boundsRange(bounds) {
  const show = /* @__PURE__ */ __name((n) => bounds.bytes ? formatBytes(n) : String(n), "show");
  return `${show(bounds.min)} to ${show(bounds.max)}`;
}
__name(boundsRange, "boundsRange");
function describeBounds(bounds) {
  const kind = bounds.bytes ? "a size" : bounds.integer ? "an integer" : "a number";
  return `${kind} from ${boundsRange(bounds)}`;
}
__name(describeBounds, "describeBounds");
function withinBounds(value, bounds) {
  return Number.isFinite(value) && (!bounds.integer || Number.isSafeInteger(value)) && value >= bounds.min && value <= bounds.max;
}
__name(withinBounds, "withinBounds");
function parseDecimal(text) {
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}
__name(parseDecimal, "parseDecimal");

// src/core/digest.ts
import { createHash } from "node:crypto";
var KNOWN_ALGORITHMS = { sha256: 64 };
function parseDigest(value) {
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw new InvalidReferenceError(
      `invalid digest "${value}": expected <algorithm>:<hex>, for example sha256:<64 hex>`
    );
  }
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  const length = KNOWN_ALGORITHMS[algorithm];
  if (length === void 0) {
    throw new InvalidReferenceError(
      `unsupported digest algorithm "${algorithm}" in "${value}": only sha256 is supported`
    );
  }
  if (!/^[0-9a-f]*$/.test(encoded)) {
    throw new InvalidReferenceError(`invalid ${algorithm} digest "${value}": the hex part must be lowercase 0-9a-f`);
  }
  if (encoded.length !== length) {
    throw new InvalidReferenceError(
      `invalid ${algorithm} digest "${value}": the hex part has ${encoded.length} characters, expected ${length}`
    );
  }
  return value;
}
__name(parseDigest, "parseDigest");
function isDigest(value) {
  return /^sha256:[0-9a-f]{64}$/.test(value);
}
__name(isDigest, "isDigest");
function digestHex(digest) {
  return digest.slice(digest.indexOf(":") + 1);
}
__name(digestHex, "digestHex");
function sha256Digest(data) {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
__name(sha256Digest, "sha256Digest");

// src/core/media-types.ts
var MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerContainerConfig: "application/vnd.docker.container.image.v1+json",
  dmrConfigV01: "application/vnd.docker.ai.model.config.v0.1+json",
  dmrConfigV02: "application/vnd.docker.ai.model.config.v0.2+json",
  dmrGguf: "application/vnd.docker.ai.gguf.v3",
  dmrLicense: "application/vnd.docker.ai.license",
  dmrMmproj: "application/vnd.docker.ai.mmproj",
  dmrMmprojAlt: "application/vnd.docker.ai.gguf.v3.mmproj",
  dmrChatTemplate: "application/vnd.docker.ai.chat.template.jinja",
  dmrSafetensors: "application/vnd.docker.ai.safetensors",
  /** Config v0.2's generic file (config, tokenizer, ...), placed at its `org.cncf.model.filepath`. */
  dmrModelFile: "application/vnd.docker.ai.model.file",
  dmrDirTar: "application/vnd.docker.ai.dir.tar",
  dmrDduf: "application/vnd.docker.ai.dduf",
  dmrVllmConfigTar: "application/vnd.docker.ai.vllm.config.tar",
  ollamaModel: "application/vnd.ollama.image.model",
  ollamaTemplate: "application/vnd.ollama.image.template",
  ollamaSystem: "application/vnd.ollama.image.system",
  ollamaParams: "application/vnd.ollama.image.params",
  ollamaMessages: "application/vnd.ollama.image.messages",
  ollamaLicense: "application/vnd.ollama.image.license",
  ollamaAdapter: "application/vnd.ollama.image.adapter",
  ollamaProjector: "application/vnd.ollama.image.projector",
  /** Ollama's legacy name for the template layer, which it still reads as one. */
  ollamaPrompt: "application/vnd.ollama.image.prompt",
  modelPackManifest: "application/vnd.cncf.model.manifest.v1+json",
  modelPackConfig: "application/vnd.cncf.model.config.v1+json",
  modelPackWeightRaw: "application/vnd.cncf.model.weight.v1.raw",
  /** Format-specific weights Docker Model Runner wrote under the ModelPack prefix, and still reads. */
  modelPackWeightGguf: "application/vnd.cncf.model.weight.v1.gguf",
  modelPackWeightSafetensors: "application/vnd.cncf.model.weight.v1.safetensors",
  cortexResult: "application/vnd.cortex.model.result.v1+json"
};
var MANIFEST_MEDIA_TYPES = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList
];
function isIndexMediaType(mediaType) {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}
__name(isIndexMediaType, "isIndexMediaType");
function isManifestMediaType(mediaType) {
  return MANIFEST_MEDIA_TYPES.includes(mediaType);
}
__name(isManifestMediaType, "isManifestMediaType");
var Annotation = {
  refName: "org.opencontainers.image.ref.name",
  created: "org.opencontainers.image.created",
  title: "org.opencontainers.image.title",
  modelFilepath: "org.cncf.model.filepath",
  modelFileMetadata: "org.cncf.model.file.metadata+json",
  modelMediaTypeUntested: "org.cncf.model.file.mediatype.untested",
  /** On a model migrated from Ollama: its Ollama name, `host/namespace/model:tag`. */
  ollamaName: "ai.cortex.ollama.name",
  /** On a model migrated from Ollama: the original Ollama manifest bytes, base64, restored exactly on the way back. */
  ollamaManifest: "ai.cortex.ollama.manifest",
  /** On a model migrated from Ollama: JSON {digest: base64} of the small blobs DMR has no layer for. */
  ollamaBlobs: "ai.cortex.ollama.blobs"
};

// src/core/manifest-document.ts
var InvalidManifestError = class extends FormatError {
  static {
    __name(this, "InvalidManifestError");
  }
};
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
__name(isObject, "isObject");
function checkAnnotations(value, where) {
  if (value === void 0) return;
  if (!isObject(value) || Object.values(value).some((entry) => typeof entry !== "string")) {
    throw new InvalidManifestError(`${where}: annotations must map names to strings`);
  }
}
__name(checkAnnotations, "checkAnnotations");
function checkDescriptor(value, where) {
  if (!isObject(value)) throw new InvalidManifestError(`${where} is not a descriptor object`);
  if (typeof value.mediaType !== "string" || value.mediaType === "") {
    throw new InvalidManifestError(`${where} has no mediaType`);
  }
  if (typeof value.digest !== "string" || !isDigest(value.digest)) {
    throw new InvalidManifestError(`${where} has an invalid digest ${JSON.stringify(value.digest)}`);
  }
  if (typeof value.size !== "number" || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new InvalidManifestError(
      `${where} has size ${JSON.stringify(value.size)}: a size must be a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}`
    );
  }
  checkAnnotations(value.annotations, where);
}
__name(checkDescriptor, "checkDescriptor");
function checkDescriptors(value, field, what) {
  if (!Array.isArray(value)) throw new InvalidManifestError(`${what}: "${field}" is not a list`);
  value.forEach((entry, i) => {
    checkDescriptor(entry, `${what}: ${field}[${i}]`);
  });
}
__name(checkDescriptors, "checkDescriptors");
function parseJson(bytes, what) {
  let value;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new InvalidManifestError(`${what} is not JSON`, { cause: error });
  }
  if (!isObject(value)) throw new InvalidManifestError(`${what} is not a JSON object`);
  if (value.subject !== void 0) checkDescriptor(value.subject, `${what}: subject`);
  checkAnnotations(value.annotations, what);
  return value;
}
__name(parseJson, "parseJson");
function decodeManifest(bytes, what, mediaType) {
  const document = parseJson(bytes, what);
  if (mediaType !== void 0 && isIndexMediaType(mediaType) || Array.isArray(document.manifests)) {
    checkDescriptors(document.manifests, "manifests", what);
    return { kind: "index", index: document };
  }
  checkDescriptor(document.config, `${what}: config`);
  checkDescriptors(document.layers, "layers", what);
  return { kind: "manifest", manifest: document };
}
__name(decodeManifest, "decodeManifest");
function decodeImageManifest(bytes, what) {
  const document = decodeManifest(bytes, what);
  if (document.kind !== "manifest") throw new InvalidManifestError(`${what} is an index, expected a manifest`);
  return document.manifest;
}
__name(decodeImageManifest, "decodeImageManifest");
function decodeIndex(bytes, what) {
  const document = parseJson(bytes, what);
  checkDescriptors(document.manifests, "manifests", what);
  return document;
}
__name(decodeIndex, "decodeIndex");

export {
  BOUNDS,
  boundsRange,
  describeBounds,
  withinBounds,
  parseDecimal,
  parseDigest,
  isDigest,
  digestHex,
  sha256Digest,
  MediaType,
  MANIFEST_MEDIA_TYPES,
  isIndexMediaType,
  isManifestMediaType,
  Annotation,
  decodeManifest,
  decodeImageManifest,
  decodeIndex
};
