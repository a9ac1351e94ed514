import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  isFeatureAvailable,
  restoreCache,
  saveCache
} from "./chunk-RRZJHVOH.mjs";
import {
  StampFiles,
  stampKey,
  stampKeyFile
} from "./chunk-35M3XGW2.mjs";
import {
  createProgress,
  damagedBlobWarning,
  pull,
  pullFromStore,
  resolveModel
} from "./chunk-3ILZPGYX.mjs";
import {
  resolveVerification
} from "./chunk-FYDH7VJB.mjs";
import {
  InputError,
  PullModel,
  booleanInput,
  credentialInputs,
  info,
  maskSecret,
  openTarget,
  optionalInput,
  requireSignature,
  requiredInput,
  runAction,
  setOutputs,
  warning
} from "./chunk-OKSVDTLS.mjs";
import {
  formatReference,
  isPinned,
  parseReference,
  pinReference,
  referenceVersion
} from "./chunk-JLHAMPB3.mjs";
import {
  OciLayout,
  fileExists,
  hashFile,
  isReadOnlyError,
  removeOrphanTemps
} from "./chunk-SBSIPN6N.mjs";
import {
  Annotation,
  digestHex,
  isDigest
} from "./chunk-P47FFNDF.mjs";
import {
  EnvironmentError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/pull-model.ts
import path2 from "node:path";

// src/store/model-store.ts
import { promises as fs, constants as fsConstants } from "node:fs";
import os from "node:os";
import path from "node:path";
var STORE_ENV = "CORTEX_MODEL_STORE";
var IMAGE_NAME_ANNOTATION = "io.containerd.image.name";
function storeEntryName(reference) {
  const ref = parseReference(reference);
  if (ref.kind !== "layout") return reference;
  const parts = ref.path.split(/[\\/]+/).map(
    (part) => part.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
  ).filter((part) => part !== "");
  const version = `${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
  return `localhost/oci/${parts.join("/") || "root"}${version}`;
}
__name(storeEntryName, "storeEntryName");
function defaultStoreDir(env = process.env) {
  if (env[STORE_ENV]) return path.resolve(env[STORE_ENV]);
  const cache = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(cache, "cortex-model");
}
__name(defaultStoreDir, "defaultStoreDir");
var ModelStore = class _ModelStore {
  constructor(layout, stampKeyPath) {
    this.layout = layout;
    this.stamps = new StampFiles(layout.root, layout.ingestDir, stampKey(stampKeyPath));
  }
  layout;
  static {
    __name(this, "ModelStore");
  }
  stamps;
  /**
   * Opens the store, making it when it is missing. A store on a read-only file system (a shared, pre-seeded
   * cache) opens for reading what it holds; one that is not a store yet cannot be made there, and says so.
   */
  static async open(options = {}) {
    const dir = options.dir ? path.resolve(options.dir) : defaultStoreDir(options.env);
    let layout;
    try {
      layout = await OciLayout.open(dir, { create: true });
    } catch (error) {
      const refused = await writeRefusal(dir);
      if (!refused) throw error;
      throw new EnvironmentError(
        `the store ${dir} is not a model store yet and cannot be made there (${refused.code}: read-only or not writable); give a writable --store or $${STORE_ENV}`,
        { cause: refused }
      );
    }
    await removeOrphanTemps(layout.ingestDir);
    return new _ModelStore(layout, stampKeyFile(options.env));
  }
  get root() {
    return this.layout.root;
  }
  blobPath(digest) {
    return this.layout.blobPath(digest);
  }
  /**
   * The blob's file, checked on its way into the store, with the inode it is now (so a link made from it can be
   * checked to reach that very file); undefined without a file of the right size.
   */
  async blobFile(descriptor) {
    const file = this.blobPath(descriptor.digest);
    const stat = await fs.lstat(file, { bigint: true }).catch(() => void 0);
    if (!stat?.isFile() || stat.size !== BigInt(descriptor.size)) return void 0;
    return { file, identity: { dev: stat.dev, ino: stat.ino } };
  }
  /** A file of the right size is there; says nothing of its content (see holds()). */
  has(descriptor) {
    return this.layout.exists(descriptor);
  }
  /**
   * The blob is there with its content verified: its stamp matches (nothing wrote to the file since it last
   * hashed to its name), or it hashes to its name now. A blob that does not is removed, so a pull fetches it.
   */
  async holds(descriptor) {
    if (!await this.has(descriptor)) return false;
    if (await this.stamps.matches(digestHex(descriptor.digest), this.blobPath(descriptor.digest))) return true;
    return this.verifyBlob(descriptor);
  }
  /** Hashes the blob whatever its stamp says; true when it matches (stamped), false when not (removed). */
  async verifyBlob(descriptor) {
    const file = this.blobPath(descriptor.digest);
    const hex = digestHex(descriptor.digest);
    const found = await fs.lstat(file).catch(() => void 0);
    const actual = found?.isFile() ? await hashFile(file).catch(() => void 0) : void 0;
    if (actual && actual.size === descriptor.size && actual.digest === descriptor.digest) {
      await this.stamps.record(hex, actual.stat);
      return true;
    }
    await this.stamps.remove(hex);
    if (found) {
      await fs.rm(file, { force: true }).catch((error) => {
        if (!isReadOnlyError(error)) throw error;
      });
    }
    return false;
  }
  /**
   * The blobs among these the store does not hold verified (see holds()): each one whose stamp does not vouch
   * for it is hashed, and removed when it does not match.
   */
  async verifyBlobs(descriptors) {
    const damaged = [];
    for (const descriptor of descriptors) {
      if (!await this.holds(descriptor)) damaged.push(descriptor);
    }
    return damaged;
  }
  /** Records that a blob just written was verified on its way in (its size and digest checked). */
  async stamp(descriptor) {
    const stat = await fs.lstat(this.blobPath(descriptor.digest), { bigint: true });
    await this.stamps.record(digestHex(descriptor.digest), stat);
  }
  /**
   * Throws when nothing can be written here: said before a pull starts downloading into a read-only store,
   * instead of a failure on its first lock file.
   */
  async assertWritable(what) {
    const refused = await writeRefusal(this.layout.ingestDir);
    if (refused) {
      throw new EnvironmentError(
        `the store ${this.root} is read-only and ${what}; pull into a writable --store or $${STORE_ENV} first`,
        { cause: refused }
      );
    }
  }
  partialFiles(digest) {
    const base = path.join(this.layout.ingestDir, `sha256-${digestHex(digest)}`);
    return { data: `${base}.partial`, meta: `${base}.json`, lock: `${base}.lock` };
  }
  /** Stores a manifest and lists it in index.json, writing nothing when both are done already. */
  async addManifest(manifest) {
    const listed = (await this.layout.entries()).some((d) => d.digest === manifest.descriptor.digest);
    if (listed && await this.has(manifest.descriptor)) return;
    await this.layout.pushManifest(manifest.descriptor, manifest.bytes);
  }
  /** Names a stored manifest by a full reference (`registry/repo:tag`, `oci:/dir:tag`, `...@sha256:...`). */
  async record(descriptor, reference) {
    const name = storeEntryName(reference);
    if ((await this.find(reference))?.digest === descriptor.digest) return;
    try {
      await this.layout.nameManifest(descriptor, { [Annotation.refName]: name, [IMAGE_NAME_ANNOTATION]: name });
    } catch (error) {
      if (!isReadOnlyError(error)) throw error;
    }
  }
  /** The manifest stored under a full reference, if any. */
  async find(reference) {
    const name = storeEntryName(reference);
    const entries = await this.layout.entries();
    const matches = entries.filter((d) => d.annotations?.[Annotation.refName] === name);
    return matches[matches.length - 1];
  }
  async list() {
    return (await this.layout.entries()).flatMap((d) => {
      const name = d.annotations?.[IMAGE_NAME_ANNOTATION] ?? d.annotations?.[Annotation.refName];
      return name === void 0 ? [] : [{ name, descriptor: d }];
    });
  }
  /** Re-hashes every blob; removes those whose content does not match their name (a later pull fetches them). */
  async verify(options = {}) {
    const dir = path.join(this.root, "blobs", "sha256");
    const removed = [];
    let checked = 0;
    let checkedBytes = 0;
    for (const name of (await fs.readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const expected = `sha256:${name}`;
      const { digest, size, stat } = await hashFile(file);
      checked += 1;
      checkedBytes += size;
      const ok = isDigest(expected) && digest === expected;
      options.onBlob?.(expected, ok);
      if (ok) await this.stamps.record(name, stat);
      else {
        await fs.rm(file, { force: true });
        await this.stamps.remove(name);
        removed.push(expected);
      }
    }
    return { checked, checkedBytes, removed };
  }
};
async function writeRefusal(dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      await fs.access(current, fsConstants.W_OK);
      return void 0;
    } catch (error) {
      const code = error.code;
      if (isReadOnlyError(error)) return error;
      if (code !== "ENOENT" || path.dirname(current) === current) return void 0;
    }
  }
}
__name(writeRefusal, "writeRefusal");

// src/github/model-cache.ts
function modelCacheKey(manifest, platform = process.platform) {
  return `cortex-model-${platform}-${digestHex(manifest)}`;
}
__name(modelCacheKey, "modelCacheKey");
function modelCachePaths(model) {
  const digests = [model.manifest.digest, ...new Set(model.blobs.map((blob) => blob.digest))];
  return digests.map((digest) => model.store.blobPath(digest));
}
__name(modelCachePaths, "modelCachePaths");
async function restoreModel(model) {
  const key = modelCacheKey(model.manifest.digest);
  if (!isFeatureAvailable()) {
    info("The Actions cache service is not available here; the model will be pulled.");
    return { key, hit: false };
  }
  let matched;
  try {
    matched = await restoreCache(modelCachePaths(model), key);
  } catch (error) {
    warning(`Could not restore the model from the Actions cache (${key}): ${describeError(error)}`);
    return { key, hit: false };
  }
  if (matched !== key) return { key, hit: false };
  const bad = await invalidFiles(model);
  if (bad.length > 0) {
    warning(
      `The Actions cache entry ${key} held ${bad.length} file(s) not matching their digest; they were removed and will be pulled.`
    );
    return { key, hit: false };
  }
  return { key, hit: true };
}
__name(restoreModel, "restoreModel");
async function saveModel(model) {
  const key = modelCacheKey(model.manifest.digest);
  if (!isFeatureAvailable()) return { key, saved: false };
  const paths = modelCachePaths(model);
  const missing = (await Promise.all(paths.map(async (file) => await fileExists(file) ? [] : [file]))).flat();
  if (missing.length > 0) {
    warning(
      `Not saving ${key} to the Actions cache: ${missing.length} of the model's files are not in the store.`
    );
    return { key, saved: false };
  }
  try {
    return { key, saved: await saveCache(paths, key) !== -1 };
  } catch (error) {
    warning(`Could not save the model to the Actions cache (${key}): ${describeError(error)}`);
    return { key, saved: false };
  }
}
__name(saveModel, "saveModel");
async function invalidFiles(model) {
  const descriptors = [model.manifest, ...model.blobs];
  const bad = [];
  for (const descriptor of descriptors) {
    if (!await model.store.verifyBlob(descriptor)) bad.push(model.store.blobPath(descriptor.digest));
  }
  return bad;
}
__name(invalidFiles, "invalidFiles");

// src/github/pull-model.ts
async function savePendingModel(pending) {
  const store = await ModelStore.open({ dir: pending.store });
  const unverified = await store.verifyBlobs(pending.blobs);
  if (unverified.length > 0) {
    warning(
      `Not saving ${pending.manifest.digest} to the Actions cache: ${unverified.map((d) => d.digest).join(", ")} did not match its digest and was removed from the store`
    );
    return;
  }
  await saveModel({ store, manifest: pending.manifest, blobs: pending.blobs });
}
__name(savePendingModel, "savePendingModel");
function getInputs(env = process.env) {
  const { inputs } = PullModel;
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  return {
    model: parseReference(requiredInput(inputs.model)),
    store: path2.resolve(optionalInput(inputs.store) ?? defaultStore(env)),
    cache: booleanInput(inputs.cache, true),
    ...credentials ? { credentials } : {}
  };
}
__name(getInputs, "getInputs");
function defaultStore(env) {
  const toolCache = env.RUNNER_TOOL_CACHE;
  if (!toolCache) throw new InputError(`input "${PullModel.inputs.store}" is empty and RUNNER_TOOL_CACHE is not set`);
  return path2.join(toolCache, "cortex-model", "store");
}
__name(defaultStore, "defaultStore");
async function pullModel(inputs, options = {}) {
  const store = await ModelStore.open({ dir: inputs.store });
  const onDamaged = /* @__PURE__ */ __name((blob) => warning(damagedBlobWarning(store, blob)), "onDamaged");
  const checks = { onDamaged, deferHashOfPresent: options.deferHashOfPresent === true };
  const trust = inputs.verification && await resolveVerification(inputs.verification);
  const local = trust ? void 0 : await pullFromStore(store, inputs.model, checks);
  if (local) {
    return {
      digest: local.digest,
      modelPath: local.model,
      store: store.root,
      cacheHit: false,
      downloadedBytes: 0,
      pulled: local
    };
  }
  const source = await openTarget(inputs.model, {
    ...inputs.credentials ? { credentials: inputs.credentials } : {},
    onSecret: maskSecret
  });
  const top = await source.fetchManifest(referenceVersion(inputs.model));
  if (trust) await requireSignature(source, top.descriptor, trust);
  const digest = top.descriptor.digest;
  const pinned = pinReference(inputs.model, digest);
  if (!isPinned(inputs.model)) {
    warning(
      `${formatReference(inputs.model)} is a tag, which can move: it resolved to ${digest}. Pin it to test and ship exactly this model: ${formatReference(pinned)}`
    );
  }
  const resolved = await resolveModel(
    top.descriptor,
    async (descriptor) => descriptor.digest === digest ? top : source.fetchManifest(descriptor)
  );
  const cached = {
    store,
    manifest: top.descriptor,
    blobs: [
      ...resolved.manifest === resolved.top ? [] : [resolved.manifest.descriptor],
      resolved.parsed.config,
      ...resolved.parsed.layers
    ]
  };
  const restored = inputs.cache ? await restoreModel(cached) : void 0;
  const pulled = await pull(source, pinned, store, {
    progress: createProgress(process.stdout, { label: formatReference(pinned), tty: false }),
    ...checks
  });
  const mustSave = inputs.cache && !restored?.hit;
  if (mustSave && options.save !== "defer") await saveModel(cached);
  return {
    digest,
    modelPath: pulled.model,
    store: store.root,
    cacheHit: restored?.hit ?? false,
    downloadedBytes: pulled.downloadedBytes,
    pulled,
    ...mustSave && options.save === "defer" ? { pendingSave: { store: store.root, manifest: cached.manifest, blobs: cached.blobs } } : {}
  };
}
__name(pullModel, "pullModel");
async function pullModelStep() {
  const outputs = await pullModel(getInputs());
  const { outputs: names } = PullModel;
  setOutputs({
    [names.digest]: outputs.digest,
    [names.modelPath]: outputs.modelPath,
    [names.store]: outputs.store,
    [names.cacheHit]: outputs.cacheHit,
    [names.downloadedBytes]: outputs.downloadedBytes
  });
  info(
    `${outputs.digest}: ${outputs.cacheHit ? "restored from the Actions cache" : "pulled"}, ${outputs.downloadedBytes} bytes downloaded, model at ${outputs.modelPath}`
  );
}
__name(pullModelStep, "pullModelStep");
function run() {
  return runAction(pullModelStep);
}
__name(run, "run");

export {
  ModelStore,
  savePendingModel,
  defaultStore,
  pullModel,
  run
};
