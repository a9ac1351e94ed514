import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestHex } from "../../../src/digest.js";
import { modelCacheKey } from "../../../src/github/model-cache.js";
import { type ActionsCacheServer, startActionsCacheServer } from "../../helpers/actions-cache-server.js";
import { type LayoutModel, writeLayoutModel } from "../../helpers/layout-model.js";
import { makeRunnerDirs, type RunnerDirs, runBundledAction } from "../../helpers/run-action.js";

const action = path.resolve(import.meta.dirname, "../../../actions/pull-model");

describe("the bundled pull-model action, run as the runner runs it", () => {
  let server: ActionsCacheServer;
  let root: string;
  let source: string;
  let model: LayoutModel;
  let dirs: RunnerDirs;
  let layer: Buffer;

  beforeAll(async () => {
    server = await startActionsCacheServer();
    root = await mkdtemp(path.join(tmpdir(), "pull-model-action-"));
    source = path.join(root, "source");
    model = await writeLayoutModel(source, { tag: "v1" });
    layer = await readFile(
      path.join(source, "blobs", "sha256", digestHex((model.blobs[1] as LayoutModel["manifest"]).digest)),
    );
    dirs = await makeRunnerDirs();
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
    await rm(dirs.root, { recursive: true, force: true });
  });

  const store = () => path.join(dirs.toolCache, "cortex-model", "store");
  const modelBytes = () => model.blobs.reduce((sum, blob) => sum + blob.size, 0);

  it("pulls a tag on a cache miss, warns with the digest to pin, and saves the model under its digest", async () => {
    const run = await runBundledAction(action, {
      inputs: { model: `oci:${source}:v1`, "registry-username": "ci", "registry-password": "hunter2-secret" },
      env: server.env("v2"),
      dirs,
    });
    expect(run.main.stderr).toBe("");
    expect(run.main.exitCode).toBe(0);
    const layerDigest = (model.blobs[1] as LayoutModel["manifest"]).digest;
    expect(run.main.outputs).toEqual({
      digest: model.manifest.digest,
      "model-path": path.join(store(), "blobs", "sha256", digestHex(layerDigest)),
      store: store(),
      "cache-hit": "false",
      "downloaded-bytes": String(modelBytes()),
    });
    const warnings = run.main.annotations.filter((annotation) => annotation.level === "warning");
    expect(warnings.map((warning) => warning.message).join("\n")).toContain(`@${model.manifest.digest}`);
    expect(run.main.masks).toContain("hunter2-secret");
    expect(run.main.stdout.replaceAll("::add-mask::hunter2-secret", "")).not.toContain("hunter2-secret");
    expect(server.entries().map((entry) => entry.key)).toEqual([modelCacheKey(model.manifest.digest)]);
  });

  it("restores from the cache into a fresh store: a hit, nothing downloaded, the model file intact", async () => {
    await rm(path.join(dirs.toolCache, "cortex-model"), { recursive: true, force: true });
    // The layer is gone from the source: only the cache can provide it.
    await rm(path.join(source, "blobs", "sha256", digestHex((model.blobs[1] as LayoutModel["manifest"]).digest)));
    const run = await runBundledAction(action, {
      inputs: { model: `oci:${source}@${model.manifest.digest}` },
      env: server.env("v2"),
      dirs,
    });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs["cache-hit"]).toBe("true");
    expect(run.main.outputs["downloaded-bytes"]).toBe("0");
    expect(run.main.annotations.filter((annotation) => annotation.level === "warning")).toEqual([]);
    expect(await readFile(run.main.outputs["model-path"] as string)).toEqual(layer);
    expect(server.entries()).toHaveLength(1);
  });

  it("fails with one line naming the input when the model is missing", async () => {
    const run = await runBundledAction(action, { env: server.env("v2"), dirs });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.annotations).toEqual([
      { level: "error", message: 'input "model" is required and was not given', properties: {} },
    ]);
  });
});
