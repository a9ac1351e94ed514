import type { Descriptor, ReadOnlyTarget, Target } from "../core/target.js";
import { attachBundle, listBundles } from "./attach.js";
import { signStatement } from "./bundle.js";
import { SignatureError } from "./errors.js";
import { attachLegacySignature, legacySigners } from "./legacy.js";
import { benchPredicate, PredicateType, scanPredicate, testResultPredicate } from "./predicates.js";
import type { SigningIdentity } from "./signer.js";
import { digestSubject, statement } from "./statement.js";
import { type SignerInfo, type TrustPolicy, type VerifiedStatement, verifyBundle } from "./verify.js";

export interface SignedDigest {
  /** The bundle referrer (cosign 3's form). */
  readonly bundle: Descriptor;
  /** The manifest at `sha256-<hex>.sig` (cosign's legacy form), when written. */
  readonly legacy?: Descriptor;
}

/**
 * Signs a manifest digest the way `cosign sign` does: an in-toto statement with cosign's sign predicate in a
 * Sigstore bundle attached as a referrer, and, for key signatures unless `legacy` is false, the simple-signing
 * payload at tag `sha256-<hex>.sig`. `name` is the repository as cosign writes it (`registry/repository`).
 */
export async function signDigest(
  target: Target,
  subject: Descriptor,
  name: string,
  identity: SigningIdentity,
  options: { legacy?: boolean; created?: Date; signal?: AbortSignal | undefined } = {},
): Promise<SignedDigest> {
  const signed = await signStatement(statement(digestSubject(subject.digest), PredicateType.cosignSign, {}), identity);
  const bundle = await attachBundle(target, subject, signed, PredicateType.cosignSign, options);
  if (options.legacy === false || identity.kind !== "key") return { bundle };
  const legacy = await attachLegacySignature(target, name, subject.digest, identity.key, options.signal);
  return { bundle, legacy };
}

/** The result kinds that can be attested, and the predicate each is written with. */
export const ATTESTED_KINDS = {
  compat: PredicateType.testResult,
  bench: PredicateType.benchResult,
  scan: PredicateType.scanResult,
} as const;
export type AttestedKind = keyof typeof ATTESTED_KINDS;

/**
 * Attests a results document about a manifest digest: an in-toto statement (the test-result predicate for
 * compat runs, this project's bench predicate for benchmarks) signed into a Sigstore bundle and attached as
 * a referrer of the digest.
 */
export async function attestResult(
  target: Target,
  subject: Descriptor,
  name: string,
  kind: AttestedKind,
  results: Uint8Array,
  passed: boolean,
  identity: SigningIdentity,
  options: { url?: string; created?: Date; signal?: AbortSignal | undefined } = {},
): Promise<Descriptor> {
  const predicateOptions = options.url ? { url: options.url } : {};
  const predicate = { compat: testResultPredicate, bench: benchPredicate, scan: scanPredicate }[kind](
    results,
    passed,
    predicateOptions,
  );
  const predicateType = ATTESTED_KINDS[kind];
  const signed = await signStatement(
    statement(digestSubject(subject.digest, name), predicateType, predicate),
    identity,
  );
  return attachBundle(target, subject, signed, predicateType, options);
}

/** What a digest carries: bundles that verified under a policy, those refused and why, and legacy signers. */
export interface Evidence {
  readonly verified: readonly (VerifiedStatement & { readonly referrer: Descriptor })[];
  readonly refused: readonly { readonly referrer: Descriptor; readonly reason: string }[];
  /** Hints of trusted keys with a valid legacy `sha256-<hex>.sig` signature. */
  readonly legacyKeys: readonly string[];
}

/** Reads and verifies every Sigstore bundle attached to `subject`, and its legacy signatures by key. */
export async function gatherEvidence(
  target: ReadOnlyTarget,
  subject: Descriptor,
  policy: TrustPolicy,
  signal?: AbortSignal | undefined,
): Promise<Evidence> {
  const verified: (VerifiedStatement & { referrer: Descriptor })[] = [];
  const refused: { referrer: Descriptor; reason: string }[] = [];
  for (const attached of await listBundles(target, subject, signal)) {
    try {
      verified.push({ ...verifyBundle(attached.bytes, subject.digest, policy), referrer: attached.referrer });
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      refused.push({ referrer: attached.referrer, reason: error.message });
    }
  }
  const legacyKeys = policy.keys.length > 0 ? await legacySigners(target, subject.digest, policy.keys, signal) : [];
  return { verified, refused, legacyKeys };
}

/** The signers of the digest itself: cosign-sign bundles that verified, and legacy signatures by trusted keys. */
export function digestSigners(evidence: Evidence): SignerInfo[] {
  const bundles = evidence.verified
    .filter((v) => v.statement.predicateType === PredicateType.cosignSign)
    .map((v) => v.signer);
  const legacy = evidence.legacyKeys
    .filter((hint) => !bundles.some((s) => s.kind === "key" && s.hint === hint))
    .map((hint): SignerInfo => ({ kind: "key", hint }));
  return [...bundles, ...legacy];
}

/**
 * Refuses a digest without a valid signature from a trusted signer, naming why the bundles that were there
 * did not count.
 */
export async function requireSignature(
  target: ReadOnlyTarget,
  subject: Descriptor,
  policy: TrustPolicy,
  signal?: AbortSignal | undefined,
): Promise<{ evidence: Evidence; signers: SignerInfo[] }> {
  const evidence = await gatherEvidence(target, subject, policy, signal);
  const signers = digestSigners(evidence);
  if (signers.length > 0) return { evidence, signers };
  const first = evidence.refused[0];
  const why = first
    ? `: ${evidence.refused.length} bundle${evidence.refused.length === 1 ? "" : "s"} refused, ${first.referrer.digest}: ${first.reason}`
    : evidence.verified.length > 0
      ? ": only attestations verified, no signature of the digest itself"
      : ": nothing is attached";
  throw new SignatureError(`${subject.digest} in ${target.name} has no valid signature from a trusted signer${why}`);
}
