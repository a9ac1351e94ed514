import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OciLayout } from "../../../src/store/oci-layout.js";
import { listBundles } from "../../../src/trust/attach.js";
import { runCliInProcess as cli } from "../../helpers/cli.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { opensslKeyPair } from "../../helpers/signing-keys.js";
import { oidcToken, type SigstoreServices, startSigstoreServices } from "../../helpers/sigstore-services.js";

const WORKFLOW = "https://github.com/o/r/.github/workflows/release.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";

describe("keyless signing through Fulcio, Rekor and a TSA (@sigstore/mock over HTTP), offline", () => {
  let services: SigstoreServices;
  let expiring: SigstoreServices;
  const dir = mkdtempSync(path.join(os.tmpdir(), "cortex-keyless-"));
  const rootFile = path.join(dir, "trusted_root.json");
  const expiredRootFile = path.join(dir, "expired_root.json");
  const env = { SIGSTORE_ID_TOKEN: oidcToken({ sub: WORKFLOW, iss: ISSUER }) };

  beforeAll(async () => {
    services = await startSigstoreServices();
    services.writeTrustedRoot(rootFile);
    expiring = await startSigstoreServices({ caClock: new Date(Date.now() - 3600 * 1000) });
    expiring.writeTrustedRoot(expiredRootFile);
  });
  afterAll(async () => {
    await services?.close();
    await expiring?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const signArgs = (s: SigstoreServices) => [
    "--keyless",
    "--fulcio-url",
    s.url,
    "--rekor-url",
    s.url,
    "--tsa-url",
    s.url,
  ];

  it("signs an oci: layout digest keyless, verified by identity regexp and issuer", async () => {
    const layoutDir = path.join(dir, "layout");
    const layout = await OciLayout.open(layoutDir, { create: true });
    const model = await pushTestModel(layout, "keyless");
    const ref = `oci:${layoutDir}@${model.descriptor.digest}`;
    const signed = await cli(["sign", ref, ...signArgs(services)], env);
    expect(signed).toMatchObject({ code: 0, stderr: "" });
    expect(signed.stdout).not.toContain("legacy");
    expect(JSON.stringify(signed)).not.toContain(env.SIGSTORE_ID_TOKEN);

    // The Sigstore verifier on its own, with the services' trusted root and the identity as policy.
    const [attached] = await listBundles(layout, model.descriptor);
    const bundle = bundleFromJSON(JSON.parse(Buffer.from(attached?.bytes ?? []).toString()));
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const signer = new Verifier(toTrustMaterial(services.trustedRoot)).verify(toSignedEntity(bundle), {
      subjectAlternativeName: WORKFLOW,
      extensions: { issuer: ISSUER },
    });
    expect(signer.identity?.subjectAlternativeName).toBe(WORKFLOW);

    const verify = (regexp: string, ...extra: string[]) =>
      cli(["verify-signature", ref, "--certificate-identity-regexp", regexp, "--trusted-root", rootFile, ...extra]);
    const ok = await verify("^https://github\\.com/o/r/\\.github/workflows/release\\.yml@refs/heads/.+$");
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toContain(`  signed by ${WORKFLOW} (issuer ${ISSUER})\n`);

    const otherRepo = await verify("https://github\\.com/o/other/.*");
    expect(otherRepo.code).toBe(1);
    expect(otherRepo.stdout).toContain(`its signer ${WORKFLOW} (issuer ${ISSUER}) is not a trusted identity`);
    // The pattern must match the whole identity, as cosign's --certificate-identity-regexp is anchored.
    expect((await verify("https://github\\.com/o/r")).code).toBe(1);
    const otherIssuer = await verify(".*", "--certificate-oidc-issuer", "https://accounts.google.com");
    expect(otherIssuer.stdout).toContain("is not a trusted identity");
    // Another instance's root does not vouch for this certificate or log entry.
    const foreignRoot = await cli([
      "verify-signature",
      ref,
      "--certificate-identity-regexp",
      ".*",
      "--trusted-root",
      expiredRootFile,
    ]);
    expect(foreignRoot.code).toBe(1);
    expect(foreignRoot.stdout).toMatch(/refused sha256:\w+: it does not verify: /);
  });

  it("records a key signature in Rekor with --tlog-upload, checked when a trusted root is given", async () => {
    const keys = opensslKeyPair();
    try {
      const layoutDir = path.join(dir, "tlog");
      const layout = await OciLayout.open(layoutDir, { create: true });
      const model = await pushTestModel(layout, "tlog");
      const ref = `oci:${layoutDir}@${model.descriptor.digest}`;
      const signed = await cli([
        "sign",
        ref,
        "--key",
        keys.privatePath,
        "--no-legacy",
        "--tlog-upload",
        "--rekor-url",
        services.url,
      ]);
      expect(signed).toMatchObject({ code: 0, stderr: "" });
      const [attached] = await listBundles(layout, model.descriptor);
      const bundle = bundleFromJSON(JSON.parse(Buffer.from(attached?.bytes ?? []).toString()));
      expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
      const verify = (...extra: string[]) => cli(["verify-signature", ref, "--key", keys.publicPath, ...extra]);
      expect((await verify()).code).toBe(0);
      expect((await verify("--trusted-root", rootFile)).code).toBe(0);
      // Another log's key: the entry's inclusion cannot be checked, so the bundle is refused.
      const foreign = await verify("--trusted-root", expiredRootFile);
      expect(foreign.code).toBe(1);
      expect(foreign.stdout).toMatch(
        /refused sha256:\w+: its signature does not verify with the trusted key: .*(tlog|checkpoint|inclusion)/i,
      );
    } finally {
      rmSync(keys.dir, { recursive: true, force: true });
    }
  });

  it("refuses a certificate that had expired when the log recorded the signature", async () => {
    const layoutDir = path.join(dir, "expired");
    const layout = await OciLayout.open(layoutDir, { create: true });
    const model = await pushTestModel(layout, "expired");
    const ref = `oci:${layoutDir}@${model.descriptor.digest}`;
    expect((await cli(["sign", ref, ...signArgs(expiring)], env)).code).toBe(0);
    const verified = await cli([
      "verify-signature",
      ref,
      "--certificate-identity-regexp",
      ".*",
      "--trusted-root",
      expiredRootFile,
    ]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/refused sha256:\w+: it does not verify: .*/);
  });
});
