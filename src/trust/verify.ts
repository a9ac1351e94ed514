import type { TrustedRoot } from "@sigstore/protobuf-specs";
import { type SignedEntity, toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { Digest } from "../core/digest.js";
import { parseBundle } from "./bundle.js";
import { SignatureError } from "./errors.js";
import type { VerificationKey } from "./keys.js";
import { coversDigest, INTOTO_PAYLOAD_TYPE, parseStatement, type Statement } from "./statement.js";

/** A keyless signer to trust: the certificate's identity (SAN) and the OIDC issuer that vouched for it. */
export interface IdentityRule {
  /** Matched against the whole identity (anchored), as cosign's --certificate-identity-regexp. */
  readonly identity: RegExp;
  /** Matched exactly, as cosign's --certificate-oidc-issuer. */
  readonly issuer: string;
}

/** Who may sign: public keys, and keyless identities checked against a Sigstore trusted root. */
export interface TrustPolicy {
  readonly keys: readonly VerificationKey[];
  readonly identities: readonly IdentityRule[];
  /** Needed for keyless identities: Fulcio, Rekor, CT log and TSA keys (Sigstore's `trusted_root.json`). */
  readonly trustedRoot?: TrustedRoot;
}

/** Who signed a verified bundle. */
export type SignerInfo =
  | { readonly kind: "key"; readonly hint: string }
  | { readonly kind: "certificate"; readonly identity: string; readonly issuer: string };

export function describeSigner(signer: SignerInfo): string {
  return signer.kind === "key" ? `key ${signer.hint}` : `${signer.identity} (issuer ${signer.issuer})`;
}

export interface VerifiedStatement {
  readonly statement: Statement;
  readonly signer: SignerInfo;
}

const EMPTY_ROOT: TrustedRoot = {
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

function verifyWithKeys(signed: SignedEntity, policy: TrustPolicy): SignerInfo {
  if (policy.keys.length === 0) throw new SignatureError("it is signed with a key, and no key is trusted");
  // A key signature stands on the key; its Rekor entry, when there is one, is checked only against a trusted
  // root that was given (as cosign's --insecure-ignore-tlog does without one).
  const entity = policy.trustedRoot ? signed : { ...signed, tlogEntries: [] };
  let reason = "";
  for (const key of policy.keys) {
    // The bundle's key hint is only a hint (cosign and sigstore-go compute it differently), so each
    // trusted key is tried.
    const material = toTrustMaterial(policy.trustedRoot ?? EMPTY_ROOT, () => ({
      publicKey: key.publicKey,
      validFor: () => true,
    }));
    const tlogs = entity.tlogEntries.length > 0 ? 1 : 0;
    try {
      new Verifier(material, { tlogThreshold: tlogs, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
      return { kind: "key", hint: key.hint };
    } catch (error) {
      reason = (error as Error).message;
    }
  }
  const count = policy.keys.length;
  throw new SignatureError(
    `its signature does not verify with the ${count === 1 ? "trusted key" : `${count} trusted keys`}: ${reason}`,
  );
}

function verifyCertificate(entity: SignedEntity, policy: TrustPolicy): SignerInfo {
  if (policy.identities.length === 0) {
    throw new SignatureError("it is signed keyless, and no certificate identity is trusted");
  }
  if (!policy.trustedRoot) throw new SignatureError("it is signed keyless, and no Sigstore trusted root was given");
  let signer: ReturnType<Verifier["verify"]>;
  try {
    signer = new Verifier(toTrustMaterial(policy.trustedRoot)).verify(entity);
  } catch (error) {
    throw new SignatureError(`it does not verify: ${(error as Error).message}`, { cause: error });
  }
  const identity = signer.identity?.subjectAlternativeName ?? "";
  const issuer = signer.identity?.extensions?.issuer ?? "";
  const trusted = policy.identities.some((rule) => rule.issuer === issuer && fullMatch(rule.identity, identity));
  if (!trusted) throw new SignatureError(`its signer ${identity} (issuer ${issuer}) is not a trusted identity`);
  return { kind: "certificate", identity, issuer };
}

function fullMatch(pattern: RegExp, value: string): boolean {
  const match = pattern.exec(value);
  return match !== null && match.index === 0 && match[0].length === value.length;
}

/**
 * Verifies a Sigstore bundle holding a DSSE-wrapped in-toto statement about `digest`, with @sigstore/verify:
 * the signature over the envelope, the key or certificate chain (with its transparency-log entry and
 * timestamps, for a certificate), the signer against the policy, and the statement's subject.
 */
export function verifyBundle(bytes: Uint8Array, digest: Digest, policy: TrustPolicy): VerifiedStatement {
  const bundle = parseBundle(bytes);
  if (bundle.content.$case !== "dsseEnvelope") {
    throw new SignatureError("it holds a message signature, not a DSSE-signed statement");
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== INTOTO_PAYLOAD_TYPE) {
    throw new SignatureError(`its payload is ${envelope.payloadType}, not an in-toto statement`);
  }
  const entity = toSignedEntity(bundle);
  const signer = entity.key.$case === "public-key" ? verifyWithKeys(entity, policy) : verifyCertificate(entity, policy);
  const statement = parseStatement(envelope.payload);
  if (!coversDigest(statement, digest)) {
    const named = statement.subject.map((s) => `sha256:${s.digest?.sha256 ?? "?"}`).join(", ");
    throw new SignatureError(`its statement is about ${named}, not ${digest}`);
  }
  return { statement, signer };
}
