import { rmSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { referrersTag } from "../../../src/registry/referrers.js";
import { listBundles } from "../../../src/trust/attach.js";
import { parsePublicKey } from "../../../src/trust/keys.js";
import { LegacySignature, legacySignatureTag } from "../../../src/trust/legacy.js";
import { runCliInProcess as cli } from "../../helpers/cli.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { opensslKeyPair, opensslVerifies, pae } from "../../helpers/signing-keys.js";

const compatPassed = { suite: { name: "smoke" }, summary: { verdict: "pass" }, cases: [{ id: "a", status: "pass" }] };

describe("signing, attesting and verifying on a registry without the referrers API", () => {
  let registry: TestRegistry;
  let models: RemoteRepository;
  let repo: string;
  const keys = opensslKeyPair({ password: "hunter2" });
  const stranger = opensslKeyPair();
  const resultsFile = path.join(keys.dir, "compat.json");
  writeFileSync(resultsFile, JSON.stringify(compatPassed));

  beforeAll(async () => {
    registry = await startRegistry({ auth: "none" });
    repo = `${registry.host}/ai/model`;
    models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
  });
  afterAll(async () => {
    await registry?.stop();
    for (const k of [keys, stranger]) rmSync(k.dir, { recursive: true, force: true });
  });

  const env = { COSIGN_PASSWORD: "hunter2" };

  it("signs with an encrypted key, and the Sigstore verifier and openssl accept what the registry holds", async () => {
    const model = await pushTestModel(models, "signed");
    const digest = model.descriptor.digest;
    const signed = await cli(["sign", `${repo}@${digest}`, "--key", keys.privatePath], env);
    expect(signed).toMatchObject({ code: 0, stderr: "" });
    expect(signed.stdout).toMatch(new RegExp(`^signed ${digest} in ${repo}\\n  bundle  sha256:\\w{64}\\n  legacy  `));
    expect(JSON.stringify(signed)).not.toContain("hunter2");

    // The fallback index cosign and @sigstore/oci read, with the annotations they write.
    const index = JSON.parse(Buffer.from((await models.fetchManifest(referrersTag(digest))).bytes).toString());
    expect(index.manifests).toEqual([
      expect.objectContaining({
        artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
        annotations: expect.objectContaining({
          "dev.sigstore.bundle.content": "dsse-envelope",
          "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1",
        }),
      }),
    ]);
    const [attached] = await listBundles(models, model.descriptor);
    const json = JSON.parse(Buffer.from(attached?.bytes ?? []).toString());
    const material = toTrustMaterial(
      { mediaType: "", tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] },
      () => ({ publicKey: parsePublicKey(keys.publicPem).publicKey, validFor: () => true }),
    );
    new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
      toSignedEntity(bundleFromJSON(json)),
    );
    const payload = Buffer.from(json.dsseEnvelope.payload, "base64");
    const sig = Buffer.from(json.dsseEnvelope.signatures[0].sig, "base64");
    expect(opensslVerifies(keys.publicPath, pae(json.dsseEnvelope.payloadType, payload), sig)).toBe(true);

    const legacy = JSON.parse(Buffer.from((await models.fetchManifest(legacySignatureTag(digest))).bytes).toString());
    const layer = legacy.layers[0];
    const legacyPayload = Buffer.from(
      await (await models.fetchBlob(layer)).toArray().then((chunks) => Buffer.concat(chunks)),
    );
    expect(JSON.parse(legacyPayload.toString()).critical).toEqual({
      identity: { "docker-reference": repo },
      image: { "docker-manifest-digest": digest },
      type: "cosign container image signature",
    });
    const legacySig = Buffer.from(layer.annotations[LegacySignature.signatureAnnotation], "base64");
    expect(opensslVerifies(keys.publicPath, legacyPayload, legacySig)).toBe(true);

    const verified = await cli(["verify-signature", `${repo}@${digest}`, "--key", keys.publicPath]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`  signed by key ${parsePublicKey(keys.publicPem).hint}\n`);
    const report = JSON.parse(
      (await cli(["verify-signature", `${repo}@${digest}`, "--key", keys.publicPath, "--json"])).stdout,
    );
    expect(report).toMatchObject({
      digest,
      signed: true,
      verified: [{ predicateType: "https://sigstore.dev/cosign/sign/v1", signer: { kind: "key" } }],
      refused: [],
    });
    const refused = await cli(["verify-signature", `${repo}@${digest}`, "--key", stranger.publicPath]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/refused sha256:\w+: its signature does not verify with the trusted key/);
    expect(refused.stderr).toBe(
      `cortex-model verify-signature: ${digest} has no valid signature from a trusted signer\n`,
    );
  });

  it("promote --verify-key counts only signed attestations, and copies them with the model", async () => {
    const model = await pushTestModel(models, "gated");
    const ref = `${repo}@${model.descriptor.digest}`;
    const promoteArgs = ["promote", ref, "--to", "stable", "--verify-key", keys.publicPath, "--require", "compat"];

    const unsigned = await cli(promoteArgs);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(
      /has no valid signature from a trusted signer: nothing is attached; nothing was promoted\n$/,
    );

    expect((await cli(["sign", ref, "--key", keys.privatePath], env)).code).toBe(0);
    // An unsigned passing result does not count under a verification policy.
    expect((await cli(["publish-result", ref, "--kind", "compat", "--file", resultsFile])).code).toBe(0);
    const noAttestation = await cli(promoteArgs);
    expect(noAttestation.stderr).toMatch(
      /does not meet the result policy: no signed compat result; nothing was promoted/,
    );
    expect((await models.tags()).includes("stable")).toBe(false);

    // A signed result by a key nobody trusts does not count either.
    const strangerPublished = await cli([
      "publish-result",
      ref,
      "--kind",
      "compat",
      "--file",
      resultsFile,
      "--sign-key",
      stranger.privatePath,
    ]);
    expect(strangerPublished.stdout).toMatch(/attached signed compat attestation sha256:/);
    expect((await cli(promoteArgs)).code).toBe(1);

    const published = await cli(
      ["publish-result", ref, "--kind", "compat", "--file", resultsFile, "--sign-key", keys.privatePath],
      env,
    );
    expect(published.code).toBe(0);
    const promoted = await cli([...promoteArgs, "--to-repo", `${registry.host}/prod/model`]);
    expect(promoted).toMatchObject({ code: 0, stderr: "" });
    expect(promoted.stdout).toContain(`  signed by key ${parsePublicKey(keys.publicPem).hint}\n`);

    // At the destination the same policy holds: signatures and attestations came along.
    const again = await cli([
      "promote",
      `${registry.host}/prod/model@${model.descriptor.digest}`,
      "--to",
      "v1",
      "--verify-key",
      keys.publicPath,
      "--require",
      "compat",
    ]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    const prod = openRepository(parseReference(`${registry.host}/prod/model`) as RegistryReference, { env: {} });
    const legacy = await prod.fetchManifest(legacySignatureTag(model.descriptor.digest));
    expect(legacy.descriptor.digest).toBe(
      (await models.fetchManifest(legacySignatureTag(model.descriptor.digest))).descriptor.digest,
    );
    expect((await listBundles(prod, model.descriptor)).map((b) => b.predicateType).sort()).toEqual([
      "https://in-toto.io/attestation/test-result/v0.1",
      "https://in-toto.io/attestation/test-result/v0.1",
      "https://sigstore.dev/cosign/sign/v1",
    ]);
  });

  it("setup --verify-key refuses an unsigned digest before downloading a blob, and serves nothing", async () => {
    const model = await pushTestModel(models, "unsigned-setup");
    const store = path.join(keys.dir, "store");
    const refused = await cli([
      "setup",
      "--model",
      `${repo}@${model.descriptor.digest}`,
      "--backend",
      "embedded",
      "--store",
      store,
      "--verify-key",
      keys.publicPath,
    ]);
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr.split("\n").at(-2)).toBe(
      `cortex-model setup: ${model.descriptor.digest} in ${repo} has no valid signature from a trusted signer: nothing is attached`,
    );
    const blobs = await readdir(path.join(store, "blobs", "sha256")).catch(() => []);
    expect(blobs).toEqual([]);
  });

  it("refuses bad trust input with exit 2 and one line", async () => {
    const model = await pushTestModel(models, "bad-input");
    const ref = `${repo}@${model.descriptor.digest}`;
    const noPassword = await cli(["sign", ref, "--key", keys.privatePath]);
    expect(noPassword).toMatchObject({ code: 2 });
    expect(noPassword.stderr).toBe(
      `cortex-model sign: cannot read ${keys.privatePath}: it is encrypted and no password was given\n`,
    );
    const wrong = await cli(["sign", ref, "--key", keys.privatePath], { COSIGN_PASSWORD: "nope" });
    expect(wrong.stderr).toMatch(/the password does not open it\n$/);
    expect((await cli(["sign", `${repo}:latest`, "--key", keys.privatePath], env)).code).toBe(2);
    expect((await cli(["verify-signature", ref, "--certificate-identity-regexp", "("])).stderr).toMatch(
      /certificate identity "\(" is not a regular expression/,
    );
    expect((await cli(["sign", ref], env)).stderr).toMatch(
      /^cortex-model sign: give --key <private.pem> or --keyless$/m,
    );
  });
});
