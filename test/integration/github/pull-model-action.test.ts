import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestHex, sha256Digest } from "../../../src/core/digest.js";
import type { Descriptor } from "../../../src/core/target.js";
import { modelCacheKey } from "../../../src/github/model-cache.js";
import { type ActionsCacheServer, startActionsCacheServer } from "../../helpers/actions-cache-server.js";
import { type ModelLayout, makeModelLayout, randomData } from "../../helpers/model-layout.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { testRepository } from "../../helpers/registry-client.js";
import { makeRunnerDirs, type RunnerDirs, runBundledAction } from "../../helpers/run-action.js";

const action = path.resolve(import.meta.dirname, "../../../actions/pull-model");

describe("the bundled pull-model action, run as the runner runs it", () => {
  let server: ActionsCacheServer;
  let root: string;
  let source: string;
  let model: ModelLayout;
  let dirs: RunnerDirs;

  beforeAll(async () => {
    server = await startActionsCacheServer();
    root = await mkdtemp(path.join(tmpdir(), "pull-model-action-"));
    source = path.join(root, "source");
    model = await makeModelLayout(source, { shards: [randomData(512 * 1024)], tag: "v1" });
    dirs = await makeRunnerDirs();
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
    await rm(dirs.root, { recursive: true, force: true });
  });

  const store = () => path.join(dirs.toolCache, "cortex-model", "store");
  const blobs = () => [model.manifest.config, ...model.manifest.layers];
  const modelBytes = () => blobs().reduce((sum, blob) => sum + blob.size, 0);
  const layerDigest = () => (model.ggufDescriptors[0] as Descriptor).digest;

  it("pulls a tag on a cache miss, warns with the digest to pin, and saves the model under its digest", async () => {
    const run = await runBundledAction(action, {
      inputs: { model: `oci:${source}:v1`, "registry-username": "ci", "registry-password": "hunter2-secret" },
      env: server.env("v2"),
      dirs,
    });
    expect(run.main.stderr).toBe("");
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs).toEqual({
      digest: model.manifestDescriptor.digest,
      "model-path": path.join(store(), "blobs", "sha256", digestHex(layerDigest())),
      store: store(),
      "cache-hit": "false",
      "downloaded-bytes": String(modelBytes()),
    });
    const warnings = run.main.annotations.filter((annotation) => annotation.level === "warning");
    expect(warnings.map((warning) => warning.message).join("\n")).toContain(`@${model.manifestDescriptor.digest}`);
    expect(run.main.masks).toContain("hunter2-secret");
    expect(run.main.stdout.replaceAll("::add-mask::hunter2-secret", "")).not.toContain("hunter2-secret");
    expect(server.entries().map((entry) => entry.key)).toEqual([modelCacheKey(model.manifestDescriptor.digest)]);
  });

  it("restores from the cache into a fresh store: a hit, nothing downloaded, the model file intact", async () => {
    await rm(path.join(dirs.toolCache, "cortex-model"), { recursive: true, force: true });
    // The layer is gone from the source: only the cache can provide it.
    await rm(path.join(source, "blobs", "sha256", digestHex(layerDigest())));
    const run = await runBundledAction(action, {
      inputs: { model: `oci:${source}@${model.manifestDescriptor.digest}` },
      env: server.env("v2"),
      dirs,
    });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs["cache-hit"]).toBe("true");
    expect(run.main.outputs["downloaded-bytes"]).toBe("0");
    expect(run.main.annotations.filter((annotation) => annotation.level === "warning")).toEqual([]);
    expect(sha256Digest(await readFile(run.main.outputs["model-path"] as string))).toBe(layerDigest());
    expect(server.entries()).toHaveLength(1);
  });

  it("answers a pinned model already in the store without the source or the cache", async () => {
    await rm(source, { recursive: true, force: true });
    const before = server.requests.length;
    const run = await runBundledAction(action, {
      inputs: { model: `oci:${source}@${model.manifestDescriptor.digest}` },
      env: server.env("v2"),
      dirs,
    });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs).toMatchObject({ "cache-hit": "false", "downloaded-bytes": "0" });
    expect(sha256Digest(await readFile(run.main.outputs["model-path"] as string))).toBe(layerDigest());
    expect(server.requests.length).toBe(before);
  });

  it("fails with one line naming the input when the model is missing", async () => {
    const run = await runBundledAction(action, { env: server.env("v2"), dirs });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.annotations).toEqual([
      { level: "error", message: 'input "model" is required and was not given', properties: {} },
    ]);
  });
});

describe("the bundled pull-model action against a registry with Basic auth", () => {
  let registry: TestRegistry;
  let model: ModelLayout;
  let dirs: RunnerDirs;
  const noDockerConfig = { DOCKER_CONFIG: "/nonexistent-docker-config" };

  beforeAll(async () => {
    registry = await startRegistry({ auth: "basic" });
    model = await makeModelLayout(await mkdtemp(path.join(tmpdir(), "pull-model-registry-")), {
      shards: [randomData(256 * 1024)],
    });
    const repository = testRepository(registry, "ai/tiny");
    for (const blob of [model.manifest.config, ...model.manifest.layers]) {
      await repository.pushBlob(blob, await readFile(model.layout.blobPath(blob.digest)));
    }
    const fetched = await model.layout.fetchManifest(model.manifestDescriptor);
    await repository.pushManifest(model.manifestDescriptor, fetched.bytes, { tag: "v1" });
    dirs = await makeRunnerDirs();
  });

  afterAll(async () => {
    await registry.stop();
    await rm(model.layout.root, { recursive: true, force: true });
    await rm(dirs.root, { recursive: true, force: true });
  });

  it("pulls with the registry-username and registry-password inputs and never prints the password", async () => {
    const run = await runBundledAction(action, {
      inputs: {
        model: `${registry.host}/ai/tiny:v1`,
        "registry-username": registry.username as string,
        "registry-password": registry.password as string,
      },
      env: noDockerConfig,
      dirs,
    });
    expect(run.main.stderr).toBe("");
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs.digest).toBe(model.manifestDescriptor.digest);
    expect(run.main.outputs["cache-hit"]).toBe("false");
    expect(Number(run.main.outputs["downloaded-bytes"])).toBeGreaterThanOrEqual(256 * 1024);
    expect(run.main.masks).toContain(registry.password);
    const unmasked = run.main.stdout.split("\n").filter((line) => !line.startsWith("::add-mask::"));
    expect(unmasked.join("\n")).not.toContain(registry.password);
  });

  it("fails in one line naming the registry when the password is wrong", async () => {
    const run = await runBundledAction(action, {
      inputs: {
        model: `${registry.host}/ai/tiny:v1`,
        "registry-username": "cortex-tester",
        "registry-password": "wrong-pw",
      },
      env: noDockerConfig,
      dirs,
    });
    expect(run.main.exitCode).toBe(1);
    const errors = run.main.annotations.filter((annotation) => annotation.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain(registry.host);
    expect(errors[0]?.message).not.toContain("wrong-pw");
  });
});
