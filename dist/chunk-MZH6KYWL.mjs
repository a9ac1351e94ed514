import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  UnsafePathError,
  recognizeArtifact
} from "./chunk-B3WLYY5J.mjs";
import {
  symlinkOrLink
} from "./chunk-SBSIPN6N.mjs";
import {
  digestHex
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/pull/files-view.ts
import path from "node:path";
function defaultName(part, shard) {
  switch (part.role) {
    case "gguf":
      return shard.count === 1 ? "model.gguf" : `model-${String(shard.index + 1).padStart(5, "0")}-of-${String(shard.count).padStart(5, "0")}.gguf`;
    case "mmproj":
      return "model.mmproj";
    case "chat-template":
      return "template.jinja";
    default:
      return `${part.role}-${digestHex(part.descriptor.digest).slice(0, 12)}`;
  }
}
__name(defaultName, "defaultName");
function filesViewDir(workDir, pulled) {
  return path.join(workDir, `model-${digestHex(pulled.manifestDigest)}`);
}
__name(filesViewDir, "filesViewDir");
async function writeFilesView(options) {
  const { store, pulled, dir } = options;
  const artifact = recognizeArtifact(pulled.manifest);
  const ggufCount = artifact.parts.filter((p) => p.role === "gguf").length;
  const claimed = /* @__PURE__ */ new Map();
  const placed = /* @__PURE__ */ new Map();
  let ggufIndex = 0;
  for (const part of artifact.parts) {
    const name = part.filePath ?? defaultName(part, { index: ggufIndex, count: ggufCount });
    if (part.role === "gguf") ggufIndex += 1;
    const owner = claimed.get(name);
    if (owner !== void 0 && owner !== part.descriptor.digest) {
      throw new UnsafePathError(
        `refusing ${pulled.reference}: layers ${owner} and ${part.descriptor.digest} both name ${name}`
      );
    }
    const file = path.join(dir, ...name.split("/"));
    if (owner === void 0) {
      await symlinkOrLink(store.blobPath(part.descriptor.digest), file);
      claimed.set(name, part.descriptor.digest);
    }
    placed.set(part, file);
  }
  const pathOf = /* @__PURE__ */ __name((role) => artifact.parts.filter((p) => p.role === role).map((p) => placed.get(p)), "pathOf");
  const weights = new Set(pulled.files);
  const files = artifact.parts.filter((p) => weights.has(store.blobPath(p.descriptor.digest))).map((p) => placed.get(p));
  const [mmproj] = pathOf("mmproj");
  const [chatTemplate] = pathOf("chat-template");
  return {
    dir,
    model: files[0],
    files,
    ...mmproj ? { mmproj } : {},
    ...chatTemplate ? { chatTemplate } : {}
  };
}
__name(writeFilesView, "writeFilesView");

// src/backends/backend.ts
var BACKEND_NAMES = ["embedded", "ollama", "docker", "llama-server", "openai"];
function isBackendName(value) {
  return BACKEND_NAMES.includes(value);
}
__name(isBackendName, "isBackendName");
var GPU_MODES = ["none", "auto", "cuda"];
function requireStoreModel(backend, model) {
  if (model.kind !== "store") {
    throw new BackendError(backend, `needs a model pulled into the store, got only the name "${model.modelId}"`);
  }
  return model;
}
__name(requireStoreModel, "requireStoreModel");
function storeModelFiles(model, context) {
  return writeFilesView({ store: model.store, pulled: model.pulled, dir: filesViewDir(context.workDir, model.pulled) });
}
__name(storeModelFiles, "storeModelFiles");
var BackendError = class _BackendError extends CortexError {
  constructor(backend, message, options = {}) {
    super(`${backend} backend: ${message}`, { cause: options.cause });
    this.backend = backend;
    this.logTail = options.logTail ?? "";
  }
  backend;
  static {
    __name(this, "BackendError");
  }
  logTail;
  /** The same failure with another log tail: the log read again once the process has ended says more. */
  withLogTail(logTail) {
    const fresher = new _BackendError(this.backend, "", { cause: this.cause, logTail });
    fresher.message = this.message;
    return fresher;
  }
};

export {
  isBackendName,
  GPU_MODES,
  requireStoreModel,
  storeModelFiles,
  BackendError
};
