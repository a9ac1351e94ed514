import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Digest } from "../../src/core/digest.js";
import { MediaType } from "../../src/core/media-types.js";
import type { ImageManifest } from "../../src/core/target.js";
import { packageModel } from "../../src/dmr/package-model.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { runCli } from "../helpers/cli.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";
import { useTempDir } from "../helpers/temp-dir.js";

describe("packaging a synthetic model", () => {
  const temp = useTempDir("cortex-package-");
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("pushes to a real registry: the tag resolves to the returned digest, blobs come back intact", async () => {
    const model = await synthesizeKnownAnswer({
      path: join(temp(), "m.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    const repository = testRepository(registry, "synthetic/known-answer");
    const descriptor = await packageModel({ gguf: model.path }, repository, "v1");

    expect((await repository.resolve("v1")).digest).toBe(descriptor.digest);
    const { bytes } = await repository.fetchManifest(descriptor.digest);
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest;
    expect(manifest.mediaType).toBe(MediaType.ociManifest);
    expect(manifest.layers).toMatchObject([{ mediaType: MediaType.dmrGguf, size: model.size, digest: model.digest }]);
    const chunks: Buffer[] = [];
    for await (const chunk of await repository.fetchBlob(manifest.layers[0] as ImageManifest["layers"][number])) {
      chunks.push(chunk as Buffer);
    }
    expect(sha256Digest(Buffer.concat(chunks))).toBe(model.digest);

    // Packaging again sends nothing new and lands on the same digest.
    expect((await packageModel({ gguf: model.path }, repository, "v2")).digest).toBe(descriptor.digest);
  });

  it("CLI: synth, package to an oci: layout, pull from it; the pulled GGUF is the synthesized one", async () => {
    const dir = temp();
    const answers = join(dir, "answers.json");
    await writeFile(answers, JSON.stringify([{ prompt: "What is the capital of France?", answer: "Paris" }]));
    const synth = await runCli(["synth", "--answers", answers, "-o", join(dir, "m.gguf"), "--json"]);
    expect(synth).toMatchObject({ code: 0, stderr: "" });
    const synthesized = JSON.parse(synth.stdout);

    const packaged = await runCli(["package", join(dir, "m.gguf"), "--to", `oci:${dir}/layout:candidate`, "--json"], {
      SOURCE_DATE_EPOCH: "1700000000",
    });
    expect(packaged).toMatchObject({ code: 0, stderr: "" });
    const { digest, reference } = JSON.parse(packaged.stdout);
    expect(reference).toBe(`oci:${dir}/layout:candidate@${digest}`);

    const pulled = await runCli(["pull", reference, "--store", join(dir, "store"), "--json"]);
    expect(pulled.code).toBe(0);
    const result = JSON.parse(pulled.stdout);
    expect(result.digest).toBe(digest);
    expect(sha256Digest(await readFile(result.model))).toBe(synthesized.digest);
  });

  it("CLI: packages to a registry repository; pull by the printed reference gets the same GGUF", async () => {
    const dir = temp();
    const model = await synthesizeKnownAnswer({
      path: join(dir, "m.gguf"),
      answers: [{ prompt: "Ping", answer: "pong" }],
    });
    const env = { DOCKER_CONFIG: join(dir, "no-docker-config") };
    const packaged = await runCli(["package", model.path, "--to", `${registry.host}/synthetic/cli:v1`, "--json"], env);
    expect(packaged).toMatchObject({ code: 0, stderr: "" });
    const { digest, reference } = JSON.parse(packaged.stdout);
    expect(reference).toBe(`${registry.host}/synthetic/cli:v1@${digest}`);
    const pulled = await runCli(["pull", reference, "--store", join(dir, "store"), "--json"], env);
    expect(pulled.code).toBe(0);
    expect(sha256Digest(await readFile(JSON.parse(pulled.stdout).model))).toBe(model.digest);
  });

  it("CLI: refuses a digest as destination and a missing file, exit 2 with one line", async () => {
    const dir = temp();
    const digestTarget = await runCli(["package", "x.gguf", "--to", `oci:${dir}/l@${sha256Digest("x")}`]);
    expect(digestTarget.code).toBe(2);
    expect(digestTarget.stderr).toMatch(/not a digest/);
    const missing = await runCli(["package", join(dir, "missing.gguf"), "--to", `oci:${dir}/l:t`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/missing.gguf/);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });
});
