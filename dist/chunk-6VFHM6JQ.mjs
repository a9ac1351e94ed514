import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  UnsafePathError,
  recognizeArtifact
} from "./chunk-YY43Y67E.mjs";
import {
  tempPath
} from "./chunk-JXCN2HKS.mjs";
import {
  digestHex
} from "./chunk-XKBFHU6M.mjs";
import {
  CortexError
} from "./chunk-O2MWNKLJ.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/pull/files-view.ts
import path2 from "node:path";

// src/store/link.ts
import { promises as fs } from "node:fs";
import path from "node:path";
async function linkOrCopy(source, target) {
  const existing = await fs.lstat(target).catch(() => void 0);
  if (existing) {
    const original = await fs.stat(source);
    if (existing.isFile() && existing.ino === original.ino && existing.dev === original.dev) return "kept";
    await fs.rm(target, { force: true });
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.link(source, target);
    return "linked";
  } catch (error) {
    const code = error.code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK") throw error;
  }
  const tmp = tempPath(path.dirname(target), ".copy");
  try {
    await fs.copyFile(source, tmp);
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  return "copied";
}
__name(linkOrCopy, "linkOrCopy");
async function symlinkOrLink(source, target) {
  const existing = await fs.readlink(target).catch(() => void 0);
  if (existing === source) return "kept";
  await fs.rm(target, { force: true });
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.symlink(source, target, "file");
    return "symlinked";
  } catch (error) {
    if (error.code !== "EPERM") throw error;
  }
  return linkOrCopy(source, target);
}
__name(symlinkOrLink, "symlinkOrLink");

// src/pull/files-view.ts
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
  return path2.join(workDir, `model-${digestHex(pulled.manifestDigest)}`);
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
    const file = path2.join(dir, ...name.split("/"));
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
  linkOrCopy,
  isBackendName,
  GPU_MODES,
  requireStoreModel,
  storeModelFiles,
  BackendError
};
