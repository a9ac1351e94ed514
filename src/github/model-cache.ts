import * as cache from "@actions/cache";
import * as core from "@actions/core";
import { type Digest, digestHex } from "../core/digest.js";
import { describeError } from "../core/errors.js";
import type { Descriptor } from "../core/target.js";
import { fileExists } from "../store/files.js";
import type { ModelStore } from "../store/model-store.js";

/**
 * A model in the Actions cache: its manifest and the blobs it names, as files of an OCI image layout store
 * (`blobs/sha256/<hex>`). Only the model's own files are cached, never the whole store, so a store shared by
 * several models makes one entry per model. The cache is an accelerator: every failure of the service is a
 * warning and the model is pulled instead.
 */
export interface CachedModel {
  readonly store: ModelStore;
  readonly manifest: Descriptor;
  /** Every other file of the model: config and layers, and the selected manifest when `manifest` is an index. */
  readonly blobs: readonly Descriptor[];
}

export interface RestoreResult {
  readonly key: string;
  /** True only when every file came back from the cache and matched its digest. */
  readonly hit: boolean;
}

export interface SaveResult {
  readonly key: string;
  readonly saved: boolean;
}

/** One entry per manifest digest; the OS is part of the key because the archive's tar and paths are. */
export function modelCacheKey(manifest: Digest, platform: NodeJS.Platform = process.platform): string {
  return `cortex-model-${platform}-${digestHex(manifest)}`;
}

/** The cached paths. They are also the entry's version, so save and restore must list them identically. */
export function modelCachePaths(model: CachedModel): string[] {
  const digests = [model.manifest.digest, ...new Set(model.blobs.map((blob) => blob.digest))];
  return digests.map((digest) => model.store.blobPath(digest));
}

/**
 * Restores the model's files into the store. It does not name the manifest in the store's index.json: the
 * digest-pinned pull that follows finds every file present, names it, and makes no network request.
 */
export async function restoreModel(model: CachedModel): Promise<RestoreResult> {
  const key = modelCacheKey(model.manifest.digest);
  if (!cache.isFeatureAvailable()) {
    core.info("The Actions cache service is not available here; the model will be pulled.");
    return { key, hit: false };
  }
  let matched: string | undefined;
  try {
    matched = await cache.restoreCache(modelCachePaths(model), key);
  } catch (error) {
    core.warning(`Could not restore the model from the Actions cache (${key}): ${describeError(error)}`);
    return { key, hit: false };
  }
  if (matched !== key) return { key, hit: false };
  const bad = await invalidFiles(model);
  if (bad.length > 0) {
    core.warning(
      `The Actions cache entry ${key} held ${bad.length} file(s) not matching their digest; they were removed and will be pulled.`,
    );
    return { key, hit: false };
  }
  return { key, hit: true };
}

/** Saves the model under its key; call it only after a restore that missed, with every file in the store. */
export async function saveModel(model: CachedModel): Promise<SaveResult> {
  const key = modelCacheKey(model.manifest.digest);
  if (!cache.isFeatureAvailable()) return { key, saved: false };
  const paths = modelCachePaths(model);
  const missing = (await Promise.all(paths.map(async (file) => ((await fileExists(file)) ? [] : [file])))).flat();
  if (missing.length > 0) {
    core.warning(
      `Not saving ${key} to the Actions cache: ${missing.length} of the model's files are not in the store.`,
    );
    return { key, saved: false };
  }
  try {
    // The library reports its own service failures as warnings and returns -1 for "not saved".
    return { key, saved: (await cache.saveCache(paths, key)) !== -1 };
  } catch (error) {
    core.warning(`Could not save the model to the Actions cache (${key}): ${describeError(error)}`);
    return { key, saved: false };
  }
}

/**
 * Checks size and sha256 of every restored file, removing the ones that do not match (a store never lies) and
 * stamping the others, so the pull that follows trusts them without hashing them again.
 */
async function invalidFiles(model: CachedModel): Promise<string[]> {
  const descriptors = [model.manifest, ...model.blobs];
  const bad: string[] = [];
  for (const descriptor of descriptors) {
    if (!(await model.store.verifyBlob(descriptor))) bad.push(model.store.blobPath(descriptor.digest));
  }
  return bad;
}
