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
import { blob, jsonContent } from "../../helpers/artifacts.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { ggufBytes } from "../../helpers/crafted-gguf.js";
import { makeModelLayout, tempDir } from "../../helpers/model-layout.js";
import { startOllamaLikeRegistry } from "../../helpers/ollama-registry.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { opensslKeyPair } from "../../helpers/signing-keys.js";
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

  it("attests a published scan with a signing key, which promote --require scan --verify-key then accepts", async () => {
    const signed = await makeModelLayout(dir, { shards: [gguf], tag: "signed", extra: layers("{{ messages }}") });
    const keys = opensslKeyPair();
    try {
      const scanned = await runCliInProcess(["scan", `oci:${dir}:signed`, "--publish", "--sign-key", keys.privatePath]);
      expect(scanned.code).toBe(0);
      expect(scanned.stdout).toMatch(/^signed attestation attached as sha256:[0-9a-f]{64}$/m);
      const pinned = `oci:${dir}@${signed.manifestDescriptor.digest}`;
      // A verified promotion also wants the digest itself signed, as a release pipeline does before promoting.
      expect((await runCliInProcess(["sign", pinned, "--key", keys.privatePath])).code).toBe(0);
      const promoteArgs = ["promote", pinned, "--to", "signed-stable"];
      const verified = await runCliInProcess([...promoteArgs, "--require", "scan", "--verify-key", keys.publicPath]);
      expect(verified.stderr).toBe("");
      expect(verified.code).toBe(0);
      // Signed by another key, the digest is trusted under that key, but the scan attested by the first is not.
      const stranger = opensslKeyPair();
      try {
        expect((await runCliInProcess(["sign", pinned, "--key", stranger.privatePath])).code).toBe(0);
        const refused = await runCliInProcess([
          ...promoteArgs,
          "--require",
          "scan",
          "--verify-key",
          stranger.publicPath,
        ]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/no signed scan result/);
      } finally {
        await rm(stranger.dir, { recursive: true, force: true });
      }
    } finally {
      await rm(keys.dir, { recursive: true, force: true });
    }
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

  it("scans an Ollama model (blobs behind a redirect): the GGUF's template is checked, the Go template layer is not Jinja", async () => {
    const base = knownAnswerModel({ answers: [{ prompt: "say hi", answer: "hello" }] });
    const injected = ggufBytes({
      ...base,
      metadata: [
        ...base.metadata.filter(([key]) => key !== "tokenizer.chat_template"),
        ["tokenizer.chat_template", { type: "string", value: "{{ joiner.__init__.__globals__ }}" }],
      ],
    });
    const model = blob(injected, MediaType.ollamaModel);
    const template = blob(text("{{ .Prompt }}{{ range .Messages }}{{ .Content }}{{ end }}"), MediaType.ollamaTemplate);
    const license = blob(text("MIT License\n\nCopyright (c) 2026"), MediaType.ollamaLicense);
    const config = jsonContent({ model_format: "gguf" }, MediaType.dockerContainerConfig);
    const manifest = jsonContent(
      {
        schemaVersion: 2,
        mediaType: MediaType.dockerManifest,
        config: config.descriptor,
        layers: [model.descriptor, template.descriptor, license.descriptor],
      },
      MediaType.dockerManifest,
    );
    const ollama = await startOllamaLikeRegistry();
    try {
      for (const part of [model, template, license, config]) ollama.putBlob(part.bytes);
      ollama.putManifest("library/tiny", "1b", manifest.bytes);
      const { report } = await runScan({ model: `${ollama.host}/library/tiny:1b`, target: { env: {} } });
      expect(report.model).toMatchObject({ format: "ollama", architecture: "llama", licenses: ["MIT"] });
      expect(report.files.map((f) => f.role)).toEqual(["gguf", "license"]);
      expect([...new Set(report.findings.map((f) => [f.ruleId, f.artifact].join(" ")))]).toEqual([
        `template/gadget ${model.descriptor.digest}`,
        `template/dunder ${model.descriptor.digest}`,
      ]);
    } finally {
      await ollama.close();
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
