import { openTarget } from "../../copy/targets.js";
import { formatReference } from "../../core/ref.js";
import { parsePinnedSource } from "../../promote/endpoints.js";
import { TrustUsageError } from "../../trust/errors.js";
import { signDigest } from "../../trust/evidence.js";
import { resolveSigning } from "../../trust/request.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { signingRequest, sigstoreUrlOptions, trustLookups } from "../trust-flags.js";

const usage = `Usage: cortex-model sign <repo@sha256:...> (--key <private.pem> | --keyless) [options]

Signs a model digest the way cosign does: a Sigstore bundle (v0.3, an in-toto statement in a DSSE envelope)
attached to the digest as an OCI referrer, and, for key signatures, cosign's legacy simple-signing
signature at tag sha256-<hex>.sig. \`cosign verify --key\` and \`cortex-model verify-signature\` check it.
Works on registries and oci:<dir> layouts.

Options:
  --key <pem>          ECDSA P-256 private key, PKCS#8 PEM (password in $COSIGN_PASSWORD when encrypted)
  --keyless            sign through Sigstore with the run's OIDC identity ($SIGSTORE_ID_TOKEN, or GitHub
                       Actions' id-token)
  --tlog-upload        with --key: also record the signature in Rekor, as cosign does by default
  --fulcio-url, --rekor-url, --tsa-url <url>   Sigstore instances (default: public good)
  --no-legacy          write the bundle only, not the legacy sha256-<hex>.sig signature
  --json               print what was attached as JSON`;

export const signCommand: Command = {
  name: "sign",
  summary: "sign a model digest (cosign-compatible bundle referrer and legacy .sig)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("sign", args, {
      key: { type: "string" },
      keyless: { type: "boolean" },
      "no-legacy": { type: "boolean" },
      json: { type: "boolean" },
      ...sigstoreUrlOptions,
    });
    if (positionals.length !== 1) throw new TrustUsageError(`sign takes one model reference\n${usage}`);
    const ref = parsePinnedSource(positionals[0] as string);
    const identity = await resolveSigning(signingRequest(values, "key"), trustLookups(io));
    if (!identity) throw new TrustUsageError(`give --key <private.pem> or --keyless\n${usage}`);
    const target = await openTarget(ref);
    const subject = (await target.fetchManifest(ref.digest)).descriptor;
    const name = formatReference({ ...ref, tag: undefined, digest: undefined });
    const signed = await signDigest(target, subject, name, identity, { legacy: values["no-legacy"] !== true });
    if (values.json) writeJson(io, { subject: ref.digest, ...signed });
    else {
      io.stdout.write(`signed ${ref.digest} in ${target.name}\n  bundle  ${signed.bundle.digest}\n`);
      if (signed.legacy) io.stdout.write(`  legacy  ${signed.legacy.digest} (tag sha256-${ref.digest.slice(7)}.sig)\n`);
    }
    return 0;
  },
};
