import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { gatherEvidence } from "../../../src/trust/evidence.js";
import { parsePublicKey } from "../../../src/trust/keys.js";
import { legacySignatureTag } from "../../../src/trust/legacy.js";
import { runCliInProcess as cli } from "../../helpers/cli.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { actionFromLib, runBundledAction } from "../../helpers/run-action.js";
import { opensslKeyPair } from "../../helpers/signing-keys.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");

// The entry runs the compiled sources (lib/, from npm run build) with the action's own action.yml.
describe("the promote-model action signs and verifies, keeping key and password out of the log", () => {
  let registry: TestRegistry;
  let models: RemoteRepository;
  let repo: string;
  const keys = opensslKeyPair({ password: "pw-Xy7" });
  const resultsFile = path.join(keys.dir, "compat.json");
  writeFileSync(resultsFile, JSON.stringify({ summary: { verdict: "pass" }, cases: [] }));

  let promoteModel: string;

  beforeAll(async () => {
    promoteModel = await actionFromLib(
      path.join(repoRoot, "actions", "promote-model"),
      path.join(repoRoot, "lib", "github", "promote-model.js"),
      path.join(keys.dir, "promote-model"),
    );
    registry = await startRegistry({ auth: "none" });
    repo = `${registry.host}/ai/model`;
    models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(keys.dir, { recursive: true, force: true });
  });

  it("refuses an unsigned digest, then signs on promotion and verifies on the next", async () => {
    const model = await pushTestModel(models, "action-signed");
    const digest = model.descriptor.digest;
    const verifying = { "verify-key": keys.publicPem, require: "compat" };

    const refused = await runBundledAction(promoteModel, {
      inputs: { model: `${repo}@${digest}`, tags: "candidate", ...verifying },
    });
    expect(refused.main.exitCode).toBe(1);
    expect(refused.main.stdout).toMatch(/::error::.*has no valid signature from a trusted signer: nothing is attached/);

    const signing = { "sign-key": keys.privatePem, "sign-key-password": "pw-Xy7" };
    const signed = await runBundledAction(promoteModel, {
      inputs: { model: `${repo}@${digest}`, tags: "candidate", ...signing },
    });
    expect(signed.main.stderr).toBe("");
    expect(signed.main.exitCode).toBe(0);
    expect(signed.main.masks).toContain("pw-Xy7");
    const keyBody = keys.privatePem.split("\n")[1] as string;
    expect(signed.main.masks).toContain(keyBody);
    const printed = signed.main.stdout.replace(/^::add-mask::.*$/gm, "");
    expect(printed).not.toContain("pw-Xy7");
    expect(printed).not.toContain(keyBody);
    const evidence = await gatherEvidence(models, model.descriptor, {
      keys: [parsePublicKey(keys.publicPem)],
      identities: [],
    });
    expect(evidence.verified.map((v) => v.statement.predicateType)).toEqual(["https://sigstore.dev/cosign/sign/v1"]);
    expect((await models.tags()).includes(legacySignatureTag(digest).slice(0))).toBe(true);

    // Signed now, but the required compat result must be a signed attestation too.
    const noAttestation = await runBundledAction(promoteModel, {
      inputs: { model: `${repo}@${digest}`, tags: "stable", ...verifying },
    });
    expect(noAttestation.main.exitCode).toBe(1);
    expect(noAttestation.main.stdout).toMatch(/no signed compat result; nothing was promoted/);

    const published = await cli(
      [
        "publish-result",
        `${repo}@${digest}`,
        "--kind",
        "compat",
        "--file",
        resultsFile,
        "--sign-key",
        keys.privatePath,
      ],
      { COSIGN_PASSWORD: "pw-Xy7" },
    );
    expect(published.code).toBe(0);
    const promoted = await runBundledAction(promoteModel, {
      inputs: { model: `${repo}@${digest}`, tags: "stable", ...verifying },
    });
    expect(promoted.main.stderr).toBe("");
    expect(promoted.main.exitCode).toBe(0);
    expect(promoted.main.outputs).toMatchObject({ digest, tags: "stable" });
  });
});
