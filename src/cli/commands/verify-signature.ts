import { openTarget } from "../../copy/targets.js";
import { parseReference } from "../../core/ref.js";
import { TrustUsageError } from "../../trust/errors.js";
import { digestSigners, gatherEvidence } from "../../trust/evidence.js";
import { resolvePolicy } from "../../trust/request.js";
import { describeSigner } from "../../trust/verify.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { identityOptions, trustLookups, verificationRequest } from "../trust-flags.js";

const usage = `Usage: cortex-model verify-signature <ref> (--key <public.pem> | --certificate-identity-regexp <re>) [options]

Checks the signatures and attestations attached to a model digest (a tag is resolved first) and prints who
signed what. Exits 1 when no valid signature of the digest by a trusted signer is found.

Options:
  --key <pem>          trust signatures by this public key (repeatable)
  --certificate-identity-regexp <re>   trust keyless signers whose certificate identity matches (repeatable)
  --certificate-oidc-issuer <url>      their OIDC issuer (default: https://token.actions.githubusercontent.com)
  --trusted-root <json>                Sigstore trusted_root.json (default: the public-good root, by TUF)
  --json               print the verified statements and refusals as JSON`;

export const verifySignatureCommand: Command = {
  name: "verify-signature",
  summary: "check a digest's signatures and attestations, print who signed what",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("verify-signature", args, {
      key: { type: "string", multiple: true },
      json: { type: "boolean" },
      ...identityOptions,
    });
    if (positionals.length !== 1) throw new TrustUsageError(`verify-signature takes one reference\n${usage}`);
    const policy = await resolvePolicy(verificationRequest(values, "key"), trustLookups(io));
    if (!policy) throw new TrustUsageError(`give --key <public.pem> or --certificate-identity-regexp\n${usage}`);
    const ref = parseReference(positionals[0] as string);
    const target = await openTarget(ref);
    const subject = await target.resolve(ref.digest ?? ref.tag ?? "latest");
    const evidence = await gatherEvidence(target, subject, policy);
    const signers = digestSigners(evidence);
    if (values.json) {
      writeJson(io, {
        digest: subject.digest,
        signed: signers.length > 0,
        signers,
        verified: evidence.verified.map((v) => ({
          referrer: v.referrer.digest,
          predicateType: v.statement.predicateType,
          signer: v.signer,
          ...(typeof v.statement.predicate.result === "string" ? { result: v.statement.predicate.result } : {}),
        })),
        refused: evidence.refused.map((r) => ({ referrer: r.referrer.digest, reason: r.reason })),
      });
    } else {
      io.stdout.write(`${target.name}@${subject.digest}\n`);
      for (const signer of signers) io.stdout.write(`  signed by ${describeSigner(signer)}\n`);
      for (const v of evidence.verified) {
        const result = typeof v.statement.predicate.result === "string" ? ` ${v.statement.predicate.result}` : "";
        io.stdout.write(`  ${v.statement.predicateType}${result} by ${describeSigner(v.signer)}\n`);
      }
      for (const r of evidence.refused) io.stdout.write(`  refused ${r.referrer.digest}: ${r.reason}\n`);
    }
    if (signers.length === 0) {
      io.stderr.write(
        `cortex-model verify-signature: ${subject.digest} has no valid signature from a trusted signer\n`,
      );
      return 1;
    }
    return 0;
  },
};
