import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import { ModelStore } from "../../src/store/model-store.js";
import { blob, jsonContent, pseudoRandomBytes } from "../helpers/artifacts.js";
import { runCliInProcess } from "../helpers/cli.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";
import { mountTmpfs, type Tmpfs } from "../helpers/tmpfs.js";

/*
 * A store on a small tmpfs and a real registry: layer sizes that cannot be true are refused by name, a pull
 * that cannot fit is refused before a byte is written, one that runs out of space part way removes its
 * partial file, and the next pull (after space was freed) is not held off by a lock its holder never wrote.
 */

const MiB = 1024 * 1024;
const config = jsonContent({ config: { format: "gguf" } }, MediaType.dmrConfigV01);

let registry: TestRegistry;
let disk: Tmpfs;
beforeAll(async () => {
  [registry, disk] = await Promise.all([startRegistry(), mountTmpfs(8 * MiB)]);
  await testRepository(registry, "space/model").pushBlob(config.descriptor, config.bytes);
});
afterAll(async () => {
  await Promise.all([registry?.stop(), disk?.unmount()]);
});

/** Pushes a manifest whose text is given as it is (so sizes like 2^64 keep their spelling); returns its digest. */
async function pushRawManifest(tag: string, text: string): Promise<string> {
  const bytes = new Uint8Array(Buffer.from(text));
  const descriptor = { mediaType: MediaType.ociManifest, digest: sha256Digest(bytes), size: bytes.length };
  await testRepository(registry, "space/model").pushManifest(descriptor, bytes, { tag });
  return descriptor.digest;
}

function manifestText(layer: { digest: string; size: string }): string {
  return `{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}","config":${JSON.stringify(config.descriptor)},"layers":[{"mediaType":"${MediaType.dmrGguf}","digest":"${layer.digest}","size":${layer.size}}]}`;
}

async function pull(args: string[], store: string) {
  return runCliInProcess(["pull", ...args, "--store", store], { DOCKER_CONFIG: "/nonexistent-docker-config" });
}

async function ingest(store: string): Promise<string[]> {
  return (await fs.readdir(path.join(store, "ingest")).catch(() => [] as string[])).sort();
}

async function freeBytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
}

describe("a pull into a store on an 8 MiB file system", () => {
  it("refuses a 10^12-byte layer before downloading, with what it needs and what is free", async () => {
    const store = path.join(disk.dir, "absurd");
    const layer = blob(pseudoRandomBytes(1000, "claims-a-terabyte"));
    await testRepository(registry, "space/model").pushBlob(layer.descriptor, layer.bytes);
    const digest = await pushRawManifest(
      "huge",
      manifestText({ digest: layer.descriptor.digest, size: "1000000000000" }),
    );
    const result = await pull([`${registry.host}/space/model@${digest}`], store);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^cortex-model pull: not enough free space to pull 127\.0\.0\.1:\d+\/space\/model@sha256:[0-9a-f]{64}: it needs 931\.3 GiB \(10000000000\d\d bytes\) more in the store \S+\/absurd, whose file system has [\d.]+ MiB \(\d+ bytes\) free\n$/,
    );
    expect(await ingest(store)).toEqual([]);
  });

  it.each([
    ["2^64", "18446744073709551616", "18446744073709552000"],
    ["-5", "-5", "-5"],
    ["1.5", "1.5", "1.5"],
  ])("refuses a layer of size %s in one line naming the layer", async (_name, written, shown) => {
    const layer = blob(pseudoRandomBytes(1000, `size-${written}`));
    await testRepository(registry, "space/model").pushBlob(layer.descriptor, layer.bytes);
    const text = manifestText({ digest: layer.descriptor.digest, size: written });
    const store = path.join(disk.dir, `odd-${written}`);
    // distribution refuses some of these itself; an OCI layout holds whatever it is given.
    const layout = path.join(disk.dir, `layout-${written}`);
    const bytes = Buffer.from(text);
    const digest = sha256Digest(new Uint8Array(bytes));
    await fs.mkdir(path.join(layout, "blobs", "sha256"), { recursive: true });
    await fs.writeFile(path.join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
    await fs.writeFile(path.join(layout, "blobs", "sha256", digest.slice(7)), bytes);
    await fs.writeFile(
      path.join(layout, "index.json"),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: MediaType.ociManifest, digest, size: bytes.length }],
      }),
    );
    const result = await pull([`oci:${layout}@${digest}`], store);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cortex-model pull: manifest ${digest}: layers[0] has size ${shown}: a size must be a whole number of bytes from 0 to 9007199254740991\n`,
    );
    expect(await ingest(store)).toEqual([]);
    await fs.rm(layout, { recursive: true });
  });

  it("removes its partial when the disk fills part way, and the next pull after freeing space takes an ownerless lock at once", async () => {
    const store = path.join(disk.dir, "fills");
    // An empty store first, so what the pull will need can be sized against what is then free: the check
    // before the download passes (layer and config fit), and the lock files take the last pages while it runs.
    await ModelStore.open({ dir: store });
    const free = await freeBytes(disk.dir);
    const layer = blob(pseudoRandomBytes(free - 4096, "fills-the-disk"));
    await testRepository(registry, "space/model").pushBlob(layer.descriptor, layer.bytes);
    const manifest = manifestText({ digest: layer.descriptor.digest, size: String(layer.bytes.length) });
    const digest = await pushRawManifest("fills", manifest);
    const ref = `${registry.host}/space/model@${digest}`;

    const full = await pull([ref, "--part-size", "1MiB"], store);
    expect(full.code).toBe(1);
    // The progress line comes first; the failure is the last line.
    const failure = full.stderr.trimEnd().split("\n").at(-1);
    expect(failure).toMatch(
      /^cortex-model pull: the store's file system filled up while pulling \S+: the pull needed [\d.]+ MiB \(\d+ bytes\) in \S+\/fills and had [\d.]+ MiB \(\d+ bytes\) free when it began; .*free some space and pull again: .*ENOSPC/,
    );
    expect(await ingest(store)).toEqual([]);

    // A holder that died when the full disk refused to write its lock's owner left an empty lock behind.
    const lock = path.join(store, "ingest", `sha256-${layer.descriptor.digest.slice(7)}.lock`);
    await fs.writeFile(lock, "");
    const past = new Date(Date.now() - 5000);
    await fs.utimes(lock, past, past);
    await disk.resize(24 * MiB);
    const started = Date.now();
    const again = await pull([ref, "--part-size", "1MiB", "--json"], store);
    expect(again.stderr).not.toContain("cortex-model pull:");
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.digest).toBe(digest);
    expect(summary.downloadedBytes + summary.reusedBytes).toBe(layer.bytes.length + config.bytes.length);
    // Far below the 30 s after which a lock whose holder cannot be identified would otherwise expire.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
