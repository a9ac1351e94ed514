import { rmSync } from "node:fs";
import { buffer } from "node:stream/consumers";
import { bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { afterAll, describe, expect, it } from "vitest";
import { MediaType } from "../../../src/core/media-types.js";
import type { ImageManifest } from "../../../src/core/target.js";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { listBundles } from "../../../src/trust/attach.js";
import { TrustUsageError } from "../../../src/trust/errors.js";
import { attestResult, gatherEvidence, requireSignature, signDigest } from "../../../src/trust/evidence.js";
import { parsePrivateKey, parsePublicKey } from "../../../src/trust/keys.js";
import { LegacySignature, legacySignatureTag, simpleSigningPayload } from "../../../src/trust/legacy.js";
import { PredicateType } from "../../../src/trust/predicates.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { opensslKeyPair, opensslVerifies, pae } from "../../helpers/signing-keys.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const keys = opensslKeyPair();
const other = opensslKeyPair();
afterAll(() => {
  for (const k of [keys, other]) rmSync(k.dir, { recursive: true, force: true });
});

const identity = { kind: "key", key: parsePrivateKey(keys.privatePem) } as const;
const trustKeys = { keys: [parsePublicKey(keys.publicPem)], identities: [] };

describe("signing a digest in an oci: layout", () => {
  const dir = useTempDir();

  it("writes a v0.3 bundle referrer and a legacy .sig that openssl and @sigstore/verify accept", async () => {
    const layout = await OciLayout.open(dir(), { create: true });
    const model = await pushTestModel(layout, "signed");
    const digest = model.descriptor.digest;
    const signed = await signDigest(layout, model.descriptor, "registry.example/ai/model", identity);

    const [attached] = await listBundles(layout, model.descriptor);
    expect(attached?.referrer.digest).toBe(signed.bundle.digest);
    const referrer = JSON.parse(
      Buffer.from((await layout.fetchManifest(signed.bundle)).bytes).toString(),
    ) as ImageManifest;
    expect(referrer).toMatchObject({
      artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      config: { mediaType: "application/vnd.oci.empty.v1+json", size: 2 },
      layers: [{ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }],
      subject: { digest },
      annotations: {
        "dev.sigstore.bundle.content": "dsse-envelope",
        "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1",
      },
    });

    // The Sigstore verifier, given only the public key, and openssl over the DSSE PAE bytes.
    const json = JSON.parse(Buffer.from(attached?.bytes ?? []).toString());
    expect(json.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    const bundle = bundleFromJSON(json);
    const material = toTrustMaterial(
      { mediaType: "", tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] },
      () => ({ publicKey: parsePublicKey(keys.publicPem).publicKey, validFor: () => true }),
    );
    const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    expect(() => verifier.verify(toSignedEntity(bundle))).not.toThrow();
    const envelope = json.dsseEnvelope;
    const payload = Buffer.from(envelope.payload, "base64");
    expect(envelope.payloadType).toBe("application/vnd.in-toto+json");
    expect(JSON.parse(payload.toString())).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ digest: { sha256: digest.slice(7) } }],
      predicateType: "https://sigstore.dev/cosign/sign/v1",
      predicate: {},
    });
    const sig = Buffer.from(envelope.signatures[0].sig, "base64");
    expect(opensslVerifies(keys.publicPath, pae(envelope.payloadType, payload), sig)).toBe(true);
    expect(opensslVerifies(other.publicPath, pae(envelope.payloadType, payload), sig)).toBe(false);

    // cosign's legacy form: the simple-signing payload, signed as is.
    const legacy = JSON.parse(
      Buffer.from((await layout.fetchManifest(legacySignatureTag(digest))).bytes).toString(),
    ) as ImageManifest;
    expect(legacy.mediaType).toBe(MediaType.ociManifest);
    expect(legacy.layers).toHaveLength(1);
    const layer = legacy.layers[0];
    expect(layer?.mediaType).toBe(LegacySignature.payloadMediaType);
    const legacyPayload = new Uint8Array(await buffer(await layout.fetchBlob(layer ?? model.descriptor)));
    expect(Buffer.from(legacyPayload).toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"registry.example/ai/model"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
    );
    expect(legacyPayload).toEqual(simpleSigningPayload("registry.example/ai/model", digest));
    const legacySig = Buffer.from(layer?.annotations?.[LegacySignature.signatureAnnotation] ?? "", "base64");
    expect(opensslVerifies(keys.publicPath, legacyPayload, legacySig)).toBe(true);

    // Signing again adds a bundle but no second legacy signature by the same key.
    await signDigest(layout, model.descriptor, "registry.example/ai/model", identity);
    const again = JSON.parse(Buffer.from((await layout.fetchManifest(legacySignatureTag(digest))).bytes).toString());
    expect(again.layers).toHaveLength(1);

    const { signers } = await requireSignature(layout, model.descriptor, trustKeys);
    expect(signers).toEqual([
      { kind: "key", hint: identity.key.hint },
      { kind: "key", hint: identity.key.hint },
    ]);
  });

  it("refuses a wrong key, an unsigned digest and a bundle moved to another subject, one line each", async () => {
    const layout = await OciLayout.open(dir(), { create: true });
    const a = await pushTestModel(layout, "a");
    const b = await pushTestModel(layout, "b");
    await signDigest(layout, a.descriptor, "r/m", identity, { legacy: false });
    const wrong = { keys: [parsePublicKey(other.publicPem)], identities: [] };
    await expect(requireSignature(layout, a.descriptor, wrong)).rejects.toThrow(
      /^sha256:\w+ in oci:.* has no valid signature from a trusted signer: 1 bundle refused, sha256:\w+: its signature does not verify with the trusted key: signature verification failed$/,
    );
    await expect(requireSignature(layout, b.descriptor, trustKeys)).rejects.toThrow(/nothing is attached$/);

    // A valid bundle about a attached to b: the signature verifies, the subject does not match.
    const [moved] = await listBundles(layout, a.descriptor);
    const { attachBundle } = await import("../../../src/trust/attach.js");
    await attachBundle(layout, b.descriptor, moved?.bytes ?? new Uint8Array(), PredicateType.cosignSign);
    await expect(requireSignature(layout, b.descriptor, trustKeys)).rejects.toThrow(
      new RegExp(`its statement is about ${a.descriptor.digest}, not ${b.descriptor.digest}$`),
    );

    // A tampered payload: the statement edited, the signature kept.
    const json = JSON.parse(Buffer.from(moved?.bytes ?? []).toString());
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, "base64").toString());
    statement.subject[0].digest.sha256 = b.descriptor.digest.slice(7);
    json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const c = await pushTestModel(layout, "c");
    await attachBundle(layout, b.descriptor, new TextEncoder().encode(JSON.stringify(json)), PredicateType.cosignSign);
    const evidence = await gatherEvidence(layout, b.descriptor, trustKeys);
    expect(evidence.verified).toEqual([]);
    expect(evidence.refused.map((r) => r.reason).sort()).toEqual([
      "its signature does not verify with the trusted key: signature verification failed",
      `its statement is about ${a.descriptor.digest}, not ${b.descriptor.digest}`,
    ]);
    expect((await gatherEvidence(layout, c.descriptor, trustKeys)).refused).toEqual([]);

    // A legacy signature over another digest, put at c's .sig tag: valid bytes, the wrong digest inside.
    await signDigest(layout, a.descriptor, "r/m", identity);
    const legacyOfA = await layout.fetchManifest(legacySignatureTag(a.descriptor.digest));
    await layout.tag(legacyOfA.descriptor, legacySignatureTag(c.descriptor.digest));
    expect((await gatherEvidence(layout, c.descriptor, trustKeys)).legacyKeys).toEqual([]);
    expect((await gatherEvidence(layout, a.descriptor, trustKeys)).legacyKeys).toEqual([identity.key.hint]);
  });

  it("attests compat results with the in-toto test-result predicate", async () => {
    const layout = await OciLayout.open(dir(), { create: true });
    const model = await pushTestModel(layout, "attested");
    const results = new TextEncoder().encode(
      JSON.stringify({
        suite: { name: "smoke", file: "suite.yaml" },
        summary: { verdict: "pass" },
        cases: [
          { id: "greets", status: "pass" },
          { id: "counts", status: "fail" },
        ],
      }),
    );
    await attestResult(layout, model.descriptor, "r/m", "compat", results, true, identity, {
      url: "https://github.com/o/r/actions/runs/1",
    });
    const evidence = await gatherEvidence(layout, model.descriptor, trustKeys);
    expect(evidence.verified).toHaveLength(1);
    expect(evidence.verified[0]?.statement).toMatchObject({
      subject: [{ name: "r/m", digest: { sha256: model.descriptor.digest.slice(7) } }],
      predicateType: "https://in-toto.io/attestation/test-result/v0.1",
      predicate: {
        result: "PASSED",
        url: "https://github.com/o/r/actions/runs/1",
        passedTests: ["greets"],
        warnedTests: [],
        failedTests: ["counts"],
        configuration: [{ name: "compat-results.json", mediaType: MediaType.cortexResult }],
      },
    });
  });
});

// A key `cosign generate-key-pair` wrote, with password "hello": the fixture of cosign's pkg/cosign/keys_test.go.
const COSIGN_KEY = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----
eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6
OCwicCI6MX0sInNhbHQiOiI3T3VGd2VsbWZZNXVId2NoaURSc210anNwZ2ZlZjFG
Mk5lOGFDTjVLYVpZPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
Iiwibm9uY2UiOiJQNHk4OGhCb3ZTa09MbXN0bFVBaGJwdDJ0K2xTNUxQSCJ9LCJj
aXBoZXJ0ZXh0IjoiMnB1QzdyZldJOWh3bnJlQ2s4aUZDRlVwQlRrSzRJNlIvbFBF
cnBDekpXUGpJWXl4eGVIL1A2VW52cFJHdVhla1NNb3JMdGhLamdoQ1JlNy82NDVH
QWtoVm1LRC92eEF0S2EvbE1abENSQ3FlekJGUFd1dzNpeFRtZ2xhb2J1ZFVSbUVs
bmNGOGlZbzBTMVl6Y1ZOMVFwY2J2c0dNcUlYRzVlbmdteGp5dCtBcXlyZTF0Q0Y0
V01tU1BlaEljNlBqd2h1Q2xHaVpJUWRvTGc9PSJ9
-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`;

describe("signing keys", () => {
  it("opens cosign's encrypted key files with their password", () => {
    const key = parsePrivateKey(COSIGN_KEY, { password: "hello" });
    expect(key.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(() => parsePrivateKey(COSIGN_KEY, { password: "wrong" })).toThrow(/the password does not open it$/);
    expect(() => parsePrivateKey(COSIGN_KEY)).toThrow(/it is encrypted and no password was given$/);
  });

  it("reads PKCS#8 and encrypted PKCS#8 P-256 keys and refuses others with one line", () => {
    const encrypted = opensslKeyPair({ password: "s3cret" });
    const p384 = opensslKeyPair({ curve: "P-384" });
    try {
      expect(parsePrivateKey(encrypted.privatePem, { password: "s3cret" }).hint).toBe(
        parsePublicKey(encrypted.publicPem).hint,
      );
      expect(() => parsePrivateKey(encrypted.privatePem)).toThrow(/it is encrypted and no password was given/);
      expect(() => parsePrivateKey(encrypted.privatePem, { password: "nope" })).toThrow(
        /the password does not open it/,
      );
      expect(() => parsePrivateKey(p384.privatePem)).toThrow(TrustUsageError);
      expect(() => parsePublicKey(p384.publicPem)).toThrow(/is ec secp384r1: an ECDSA P-256 key is required/);
      expect(() => parsePublicKey("garbage")).toThrow(/not a PEM public key/);
    } finally {
      rmSync(encrypted.dir, { recursive: true, force: true });
      rmSync(p384.dir, { recursive: true, force: true });
    }
  });
});
