import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MediaType } from "../../src/core/media-types.js";
import { runCli } from "../helpers/cli.js";
import { makeModelLayout, randomData, tempDir, tinyGguf } from "../helpers/model-layout.js";

const MiB = 1024 * 1024;

describe("cortex-model pull, inspect, verify on OCI layouts", () => {
  it("pulls with --json, warns about a tag-only reference, then answers the pinned reference offline", async () => {
    const gguf = tinyGguf({ "general.architecture": "llama", "general.name": "tiny", "llama.context_length": 256 });
    const src = await makeModelLayout(await tempDir(), {
      shards: [gguf],
      extra: [{ mediaType: MediaType.dmrLicense, bytes: new TextEncoder().encode("MIT") }],
      tag: "v1",
    });
    const store = await tempDir();
    const first = await runCli(["pull", `oci:${src.layout.root}:v1`, "--store", store, "--json"]);
    expect(first.stderr).toContain(`warning: oci:${src.layout.root}:v1 is not pinned`);
    expect(first.stderr).toContain(`@${src.manifestDescriptor.digest}`);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ digest: src.manifestDescriptor.digest, downloadedBytes: expect.any(Number) });
    expect(result.model).toBe(path.join(store, "blobs", "sha256", src.ggufDescriptors[0]?.digest.slice(7) ?? ""));
    expect(result.downloadedBytes).toBeGreaterThan(gguf.byteLength);

    await fs.rm(src.layout.root, { recursive: true });
    const warm = await runCli(["pull", `oci:${src.layout.root}@${result.digest}`, "--store", store, "--json"]);
    expect(warm.code).toBe(0);
    expect(warm.stderr).not.toContain("warning");
    expect(JSON.parse(warm.stdout)).toMatchObject({ digest: result.digest, downloadedBytes: 0, model: result.model });

    const inspect = await runCli(["inspect", `oci:${src.layout.root}@${result.digest}`, "--store", store, "--json"]);
    expect(inspect.code).toBe(0);
    const report = JSON.parse(inspect.stdout);
    expect(report.format).toBe("dmr");
    expect(report.parts.map((p: { role: string }) => p.role)).toEqual(["gguf", "license"]);
    expect(report.gguf).toMatchObject({ architecture: "llama", name: "tiny", contextLength: 256, tensorCount: 0 });
  });

  it("fails with a one-line reason and exit 2 on a missing tag and on a malformed reference (the run could not be made)", async () => {
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(100)] });
    const missing = await runCli(["pull", `oci:${src.layout.root}:nope`, "--store", await tempDir()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`cortex-model pull: tag "nope" not found in oci:${src.layout.root}`);
    const bad = await runCli(["pull", "Bad//Ref", "--store", await tempDir()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cortex-model pull: invalid reference "Bad\/\/Ref"/);
  });

  it("verify removes a blob whose content was changed and exits 1", async () => {
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(1000)] });
    const store = await tempDir();
    const pulled = JSON.parse((await runCli(["pull", `oci:${src.layout.root}`, "--store", store, "--json"])).stdout);
    expect((await runCli(["verify", "--store", store])).code).toBe(0);
    await fs.appendFile(pulled.model, "x");
    const verify = await runCli(["verify", "--store", store, "--json"]);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).removed).toEqual([src.ggufDescriptors[0]?.digest]);
    await expect(fs.access(pulled.model)).rejects.toThrow();
  });

  it("two processes pulling the same model at once both succeed with one download", async () => {
    const size = 48 * MiB;
    const src = await makeModelLayout(await tempDir(), { shards: [randomData(size)] });
    const store = await tempDir();
    const args = ["pull", `oci:${src.layout.root}@${src.manifestDescriptor.digest}`, "--store", store, "--json"];
    const [a, b] = await Promise.all([
      runCli([...args, "--part-size", "4MiB"]),
      runCli([...args, "--part-size", "4MiB"]),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.model).toBe(rb.model);
    expect(ra.downloadedBytes + rb.downloadedBytes).toBe(size + src.manifest.config.size);
    expect((await fs.stat(ra.model)).size).toBe(size);
  });
});
