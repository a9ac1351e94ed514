import { rm } from "node:fs/promises";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../../src/core/media-types.js";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { packageModel } from "../../../src/dmr/package-model.js";
import { knownAnswerModel } from "../../../src/model/known-answer.js";
import { synthesizeSized } from "../../../src/model/sized-model.js";
import { promote } from "../../../src/promote/promote.js";
import { listResults } from "../../../src/promote/results.js";
import { openRepository } from "../../../src/registry/index.js";
import { runScan } from "../../../src/scan/run-scan.js";
import { ggufBytes } from "../../helpers/crafted-gguf.js";
import { makeModelLayout, tempDir } from "../../helpers/model-layout.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { startThrottleProxy } from "../../helpers/throttle-proxy.js";

const gguf = ggufBytes(knownAnswerModel({ answers: [{ prompt: "say hi", answer: "hello" }] }));
const text = (value: string) => new TextEncoder().encode(value);
const APACHE =
  "\n                                 Apache License\n                           Version 2.0, January 2004\n";
const INJECTION = "{% for m in messages %}{{ m.content.__class__.__mro__[1].__subclasses__() }}{% endfor %}";

function layers(template: string) {
  return [
    { mediaType: MediaType.dmrChatTemplate, bytes: text(template) },
    { mediaType: MediaType.dmrLicense, bytes: text(APACHE) },
  ];
}

describe("scanning a model by reference, publishing the result, and promotion requiring it", () => {
  let dir: string;
  let registry: TestRegistry;

  beforeAll(async () => {
    dir = await tempDir("cortex-scan-");
    registry = await startRegistry({ auth: "basic" });
  });
  afterAll(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("scans an oci: layout's DMR artifact (GGUF header, template layer, licence layer) and gates promotion", async () => {
    const bad = await makeModelLayout(dir, { shards: [gguf], tag: "bad", extra: layers(INJECTION) });
    const good = await makeModelLayout(dir, {
      shards: [gguf],
      tag: "good",
      extra: layers("{% for m in messages %}{{ m.content }}{% endfor %}"),
    });

    const failed = await runScan({ model: `oci:${dir}:bad`, publish: true });
    expect(failed.report.subject).toEqual({ reference: `oci:${dir}:bad`, digest: bad.manifestDescriptor.digest });
    expect(failed.report.model).toMatchObject({ format: "dmr", architecture: "llama", licenses: ["Apache-2.0"] });
    expect(failed.report.files.map((f) => f.role)).toEqual(["gguf", "chat-template", "license"]);
    const templateDigest = failed.report.files[1]?.digest;
    expect(failed.report.findings.map((f) => [f.ruleId, f.artifact])).toEqual([
      ["template/dunder", templateDigest],
      ["template/dunder", templateDigest],
      ["template/dunder", templateDigest],
      ["template/escape-call", templateDigest],
    ]);
    expect(failed.published?.digest).toBe(bad.manifestDescriptor.digest);

    const passed = await runScan({ model: `oci:${dir}:good`, publish: true });
    expect([passed.report.verdict, passed.report.findings]).toEqual(["pass", []]);

    const results = await listResults(bad.layout, bad.manifestDescriptor);
    expect(results.map((r) => [r.kind, r.passed])).toEqual([["scan", false]]);
    await expect(
      promote({
        source: bad.layout,
        destination: bad.layout,
        digest: bad.manifestDescriptor.digest,
        tags: ["stable"],
        require: ["scan"],
      }),
    ).rejects.toThrow(/scan failing \(1 result, none passed\)/);
    const promoted = await promote({
      source: good.layout,
      destination: good.layout,
      digest: good.manifestDescriptor.digest,
      tags: ["stable"],
      require: ["scan"],
    });
    expect(promoted.digest).toBe(good.manifestDescriptor.digest);
  });

  it("fetches only the header of a registry blob: a 64 MB model costs a few megabytes of transfer", async () => {
    const file = path.join(dir, "sized.gguf");
    const written = await synthesizeSized({ path: file, bytes: 64e6 });
    const credentials = { username: registry.username ?? "", password: registry.password ?? "" };
    const repo = parseReference(`${registry.host}/ai/sized`) as RegistryReference;
    await packageModel({ gguf: file }, openRepository(repo, { credentials, env: {} }), "v1");
    // Paced, so the proxy sends only what the scanner's reads pull through it (backpressure stops the rest).
    const proxy = await startThrottleProxy(registry.host, 32 * 2 ** 20);
    try {
      const { report } = await runScan({ model: `${proxy.host}/ai/sized:v1`, target: { credentials, env: {} } });
      expect(report.verdict).toBe("pass");
      expect(report.files).toEqual([
        { role: "gguf", name: written.digest, size: written.size, digest: written.digest },
      ]);
      expect(proxy.bytes).toBeLessThan(16 * 2 ** 20);
    } finally {
      await proxy.stop();
    }
  });

  it("scans a model in a registry by tag and attaches the result to the digest the tag resolved to", async () => {
    const source = await makeModelLayout(dir, { shards: [gguf], tag: "push", extra: layers("{{ messages }}") });
    const repo = `${registry.host}/ai/scanned`;
    const credentials = { username: registry.username ?? "", password: registry.password ?? "" };
    const remote = openRepository(parseReference(repo) as RegistryReference, { credentials, env: {} });
    for (const blob of [source.manifest.config, ...source.manifest.layers]) {
      await remote.pushBlob(blob, new Uint8Array(await buffer(await source.layout.fetchBlob(blob))));
    }
    const { bytes } = await source.layout.fetchManifest(source.manifestDescriptor);
    await remote.pushManifest(source.manifestDescriptor, bytes, { tag: "candidate" });

    const { report, published } = await runScan({
      model: `${repo}:candidate`,
      publish: true,
      target: { credentials, env: {} },
    });
    expect(report.verdict).toBe("pass");
    expect(report.subject.digest).toBe(source.manifestDescriptor.digest);
    expect(published?.model).toBe(`${repo}:candidate@${source.manifestDescriptor.digest}`);
    const results = await listResults(remote, source.manifestDescriptor);
    expect(results.map((r) => [r.kind, r.passed])).toEqual([["scan", true]]);
  });
});
