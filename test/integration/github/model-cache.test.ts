import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha256Digest } from "../../../src/core/digest.js";
import {
  type CachedModel,
  modelCacheKey,
  modelCachePaths,
  restoreModel,
  saveModel,
} from "../../../src/github/model-cache.js";
import { savePendingModel } from "../../../src/github/pull-model.js";
import { ModelStore } from "../../../src/store/model-store.js";
import { type ActionsCacheServer, startActionsCacheServer } from "../../helpers/actions-cache-server.js";
import { makeModelLayout, randomData } from "../../helpers/model-layout.js";

/** A model written into the store the way a pull leaves it. */
async function writeModel(dir: string): Promise<CachedModel> {
  const model = await makeModelLayout(dir, { shards: [randomData(512 * 1024)] });
  return {
    store: await ModelStore.open({ dir }),
    manifest: model.manifestDescriptor,
    blobs: [model.manifest.config, ...model.manifest.layers],
  };
}

const ENV_NAMES = ["ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_CACHE_SERVICE_V2"];

describe.each(["v1", "v2"] as const)("model cache through the real @actions/cache, protocol %s", (protocol) => {
  let server: ActionsCacheServer;
  let root: string;
  let store: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await startActionsCacheServer();
    root = await mkdtemp(path.join(tmpdir(), `model-cache-${protocol}-`));
    process.env.GITHUB_WORKSPACE = path.join(root, "workspace");
    process.env.RUNNER_TEMP = path.join(root, "temp");
    await mkdir(process.env.GITHUB_WORKSPACE, { recursive: true });
    await mkdir(process.env.RUNNER_TEMP, { recursive: true });
    Object.assign(process.env, server.env(protocol));
    store = path.join(root, "toolcache", "store");
  });

  afterAll(async () => {
    for (const name of [...ENV_NAMES, "GITHUB_WORKSPACE", "RUNNER_TEMP"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    server.fault = undefined;
    await rm(store, { recursive: true, force: true });
  });

  it("saves the model's own files and restores them, and only them, into an empty store", async () => {
    const model = await writeModel(store);
    const bystander = path.join(store, "blobs", "sha256", "0".repeat(64));
    await writeFile(bystander, "another model's blob");
    expect(await saveModel(model)).toEqual({ key: modelCacheKey(model.manifest.digest), saved: true });
    expect(server.entries().map((entry) => entry.key)).toContain(modelCacheKey(model.manifest.digest));

    const hashes = async () =>
      Promise.all(modelCachePaths(model).map(async (file) => sha256Digest(await readFile(file))));
    const originals = await hashes();
    await rm(store, { recursive: true, force: true });
    const result = await restoreModel(model);
    expect(result.hit).toBe(true);
    expect(await hashes()).toEqual(originals);
    await expect(readFile(bystander)).rejects.toThrow(/ENOENT/);
    const api = protocol === "v1" ? "/_apis/artifactcache/" : "/twirp/github.actions.results.api.v1.CacheService/";
    expect(server.requests.some((request) => request.path.startsWith(api))).toBe(true);
  });

  it("misses for a digest never saved", async () => {
    const model = await writeModel(store);
    await rm(store, { recursive: true, force: true });
    const result = await restoreModel(model);
    expect(result).toEqual({ key: modelCacheKey(model.manifest.digest), hit: false });
    await expect(readFile(modelCachePaths(model)[0] as string)).rejects.toThrow(/ENOENT/);
  });

  it("a second save of the same digest is not an error", async () => {
    const model = await writeModel(store);
    expect((await saveModel(model)).saved).toBe(true);
    expect((await saveModel(model)).saved).toBe(false);
    expect(server.entries().filter((entry) => entry.key === modelCacheKey(model.manifest.digest))).toHaveLength(1);
  });

  it("drops restored files whose content does not match their digest and reports a miss", async () => {
    const model = await writeModel(store);
    const layerFile = modelCachePaths(model)[2] as string;
    await writeFile(layerFile, randomBytes(512 * 1024));
    expect((await saveModel(model)).saved).toBe(true);
    await rm(store, { recursive: true, force: true });
    const result = await restoreModel(model);
    expect(result.hit).toBe(false);
    await expect(readFile(layerFile)).rejects.toThrow(/ENOENT/);
    expect(await readFile(modelCachePaths(model)[1] as string)).toBeInstanceOf(Buffer);
  });

  it("does not save a model with files missing from the store", async () => {
    const model = await writeModel(store);
    await rm(modelCachePaths(model)[2] as string);
    expect((await saveModel(model)).saved).toBe(false);
    expect(server.entries().some((entry) => entry.key === modelCacheKey(model.manifest.digest))).toBe(false);
  });

  it("a deferred save hashes first: a file that no longer matches its digest is removed, nothing is saved", async () => {
    const model = await writeModel(store);
    const layerFile = modelCachePaths(model)[2] as string;
    // Written by someone else after the pull: no stamp vouches for it, as when setup failed before its check.
    await writeFile(layerFile, randomBytes(512 * 1024));
    await savePendingModel({ store: model.store.root, manifest: model.manifest, blobs: model.blobs });
    expect(server.entries().some((entry) => entry.key === modelCacheKey(model.manifest.digest))).toBe(false);
    await expect(readFile(layerFile)).rejects.toThrow(/ENOENT/);
  });

  it("a failing cache service is a miss and an unsaved model, never an exception", async () => {
    const model = await writeModel(store);
    server.fault = 403;
    expect((await saveModel(model)).saved).toBe(false);
    expect((await restoreModel(model)).hit).toBe(false);
  });
});
