import { type ChildProcess, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../src/core/media-types.js";
import { parseReference } from "../../src/core/ref.js";
import type { Descriptor } from "../../src/core/target.js";
import { pull } from "../../src/pull/pull.js";
import { coveredBytes } from "../../src/pull/ranges.js";
import { ModelStore } from "../../src/store/model-store.js";
import { blob, imageManifest, jsonContent, pseudoRandomBytes } from "../helpers/artifacts.js";
import { CLI, runCli } from "../helpers/cli.js";
import { randomData, tempDir } from "../helpers/model-layout.js";
import { freePort } from "../helpers/ports.js";
import { registryBlobPath, startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";
import { startThrottleProxy, type ThrottleProxy } from "../helpers/throttle-proxy.js";

const MiB = 1024 * 1024;

interface PushedModel {
  readonly repository: string;
  readonly digest: string;
  readonly layers: readonly Descriptor[];
  readonly config: Descriptor;
}

let registry: TestRegistry;

/** Pushes a DMR model with the given GGUF shards (and layer annotations) to the test registry. */
async function pushModel(
  repository: string,
  shards: readonly Uint8Array[],
  annotations?: Record<string, string>,
): Promise<PushedModel> {
  const repo = testRepository(registry, repository);
  const config = jsonContent({ config: { format: "gguf" } }, MediaType.dmrConfigV01);
  await repo.pushBlob(config.descriptor, config.bytes);
  const layers: Descriptor[] = [];
  for (const bytes of shards) {
    const content = blob(bytes);
    await repo.pushBlob(content.descriptor, content.bytes);
    layers.push(annotations ? { ...content.descriptor, annotations } : content.descriptor);
  }
  const manifest = imageManifest(config.descriptor, layers);
  await repo.pushManifest(manifest.descriptor, manifest.bytes, { tag: "latest" });
  return { repository, digest: manifest.descriptor.digest, layers, config: config.descriptor };
}

async function storeBlobs(store: string): Promise<string[]> {
  return fs.readdir(path.join(store, "blobs", "sha256")).catch(() => []);
}

beforeAll(async () => {
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.stop();
});

describe("pull from a real registry", () => {
  let proxy: ThrottleProxy | undefined;
  afterAll(async () => {
    await proxy?.stop();
  });

  it("downloads a large blob as parallel ranged parts and verifies it", async () => {
    const model = await pushModel("pull/parts", [randomData(6 * MiB + 5)]);
    proxy = await startThrottleProxy(registry.host, 64 * MiB);
    const store = await ModelStore.open({ dir: await tempDir() });
    const ref = parseReference(`${proxy.host}/${model.repository}:latest`);
    const source = testRepository({ host: proxy.host }, model.repository);
    const result = await pull(source, ref, store, { partSize: MiB, concurrency: 4 });
    expect(result.digest).toBe(model.digest);
    expect(result.model).toBe(store.blobPath(model.layers[0]?.digest as Descriptor["digest"]));
    expect((await fs.stat(result.model)).size).toBe(6 * MiB + 5);
    // resolve + manifest + config + 7 ranged parts
    expect(proxy.requests).toBeGreaterThanOrEqual(10);
    expect(result.downloadedBytes).toBe(6 * MiB + 5 + model.config.size);
  });

  it("adds connections up to 16 behind a per-connection cap, without Node's listener-leak warning", async () => {
    const model = await pushModel("pull/wide", [randomData(32 * MiB)]);
    const capped = await startThrottleProxy(registry.host, 2 * MiB);
    const store = await ModelStore.open({ dir: await tempDir() });
    const ref = parseReference(`${capped.host}/${model.repository}:latest`);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const result = await pull(testRepository({ host: capped.host }, model.repository), ref, store, {
        partSize: MiB,
        concurrency: 16,
      });
      // Each doubling doubled the throughput, so the ramp went on past its start (2) and first doubling (4).
      expect(capped.mostInFlight).toBeGreaterThanOrEqual(8);
      expect(result.digest).toBe(model.digest);
      // Warnings are emitted on the next tick.
      await sleep(10);
    } finally {
      process.off("warning", onWarning);
      await capped.stop();
    }
    expect(warnings).toEqual([]);
  });

  it("resumes after SIGKILL, downloading less than half the second time", async () => {
    const size = 64 * MiB;
    const model = await pushModel("pull/resume", [randomData(size)]);
    const slow = await startThrottleProxy(registry.host, 3 * MiB);
    const store = await tempDir();
    const layer = model.layers[0] as Descriptor;
    const meta = path.join(store, "ingest", `sha256-${layer.digest.slice(7)}.json`);
    const child: ChildProcess = spawn(
      process.execPath,
      [
        CLI,
        "pull",
        `${slow.host}/${model.repository}@${model.digest}`,
        "--store",
        store,
        "--part-size",
        "4MiB",
        "--concurrency",
        "4",
      ],
      { stdio: "ignore" },
    );
    const exited = new Promise((resolve) => child.once("exit", resolve));
    let covered = 0;
    const deadline = Date.now() + 60_000;
    while (covered < 0.55 * size && Date.now() < deadline) {
      await sleep(50);
      try {
        covered = coveredBytes(JSON.parse(await fs.readFile(meta, "utf8")).done);
      } catch {
        covered = 0;
      }
    }
    child.kill("SIGKILL");
    await exited;
    await slow.stop();
    expect(covered).toBeGreaterThanOrEqual(0.55 * size);
    expect(covered).toBeLessThan(size);
    expect(await storeBlobs(store)).not.toContain(layer.digest.slice(7));

    const again = await runCli([
      "pull",
      `${registry.host}/${model.repository}@${model.digest}`,
      "--store",
      store,
      "--json",
    ]);
    expect(again.stderr).not.toContain("warning");
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout);
    expect(result.downloadedBytes).toBeLessThan(size / 2);
    expect(result.reusedBytes).toBeGreaterThanOrEqual(0.55 * size);
    expect((await runCli(["verify", "--store", store])).code).toBe(0);
    expect(await fs.readdir(path.join(store, "ingest"))).toEqual([]);
  });

  it("two processes pulling one digest at once both succeed with one download", async () => {
    const size = 16 * MiB;
    const model = await pushModel("pull/twice", [randomData(size)]);
    const slow = await startThrottleProxy(registry.host, 4 * MiB);
    const store = await tempDir();
    const args = [
      "pull",
      `${slow.host}/${model.repository}@${model.digest}`,
      "--store",
      store,
      "--json",
      "--part-size",
      "2MiB",
    ];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    await slow.stop();
    expect([a.code, b.code]).toEqual([0, 0]);
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ra.model).toBe(rb.model);
    expect(ra.downloadedBytes + rb.downloadedBytes).toBe(size + model.config.size);
  });

  it("a warm pinned pull makes no network request (the registry address is dead)", async () => {
    const model = await pushModel("pull/warm", [pseudoRandomBytes(MiB, "warm")]);
    const store = await tempDir();
    const cold = await runCli([
      "pull",
      `${registry.host}/${model.repository}@${model.digest}`,
      "--store",
      store,
      "--json",
    ]);
    expect(cold.code).toBe(0);
    const dead = `127.0.0.1:${await freePort()}`;
    const warm = await runCli(["pull", `${dead}/${model.repository}@${model.digest}`, "--store", store, "--json"]);
    expect(warm.code).toBe(0);
    expect(JSON.parse(warm.stdout)).toMatchObject({
      digest: model.digest,
      downloadedBytes: 0,
      model: JSON.parse(cold.stdout).model,
    });
  });

  it("refuses a corrupt blob served by the registry and keeps nothing of it", async () => {
    const model = await pushModel("pull/corrupt", [randomData(3 * MiB)]);
    const layer = model.layers[0] as Descriptor;
    const file = registryBlobPath(registry.rootDirectory, layer.digest.slice(7));
    const bytes = await fs.readFile(file);
    bytes[12345] = (bytes[12345] ?? 0) ^ 1;
    await fs.writeFile(file, bytes);
    const store = await tempDir();
    const result = await runCli([
      "pull",
      `${registry.host}/${model.repository}:latest`,
      "--store",
      store,
      "--part-size",
      "1MiB",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^cortex-model pull: ${layer.digest} from .*: content hashes to sha256:`, "m"),
    );
    expect(await storeBlobs(store)).not.toContain(layer.digest.slice(7));
    expect(await storeBlobs(store)).not.toContain(model.digest.slice(7));
    expect(JSON.parse(await fs.readFile(path.join(store, "index.json"), "utf8")).manifests).toEqual([]);
  });

  it("refuses a layer annotation that tries to leave the store, writing nothing outside it", async () => {
    const model = await pushModel("pull/escape", [pseudoRandomBytes(1000, "escape")], {
      "org.cncf.model.filepath": "../../../escaped.gguf",
    });
    const parent = await tempDir();
    const store = path.join(parent, "store");
    const result = await runCli(["pull", `${registry.host}/${model.repository}:latest`, "--store", store]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing file name "../../../escaped.gguf"');
    expect(await fs.readdir(parent)).toEqual(["store"]);
    expect(await storeBlobs(store)).toEqual([]);
  });
});
