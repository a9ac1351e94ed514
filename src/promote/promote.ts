import { type CopyStats, copyGraph, sameRegistryMount } from "../copy/copy.js";
import type { Digest } from "../core/digest.js";
import { NotFoundError } from "../core/errors.js";
import type { Descriptor, FetchedManifest, ReadOnlyTarget, Target } from "../core/target.js";
import { SignatureError } from "../trust/errors.js";
import { requireSignature, type SignedDigest, signDigest } from "../trust/evidence.js";
import type { SigningIdentity } from "../trust/signer.js";
import { describeSigner, type TrustPolicy } from "../trust/verify.js";
import { copyResults, type ResultsCopy } from "./copy-results.js";
import { PromotionRefusedError, TagMoveError } from "./errors.js";
import { currentPosition, listTags, readHistory } from "./history.js";
import type { Provenance } from "./history-entry.js";
import { recordAndMoveTag } from "./move-tag.js";
import { aliasHoldReason, type PlannedTag, planTags } from "./plan.js";
import { describeVerdict, evaluatePolicy, type Requirement } from "./policy.js";
import { listResults } from "./results.js";
import { signedResults } from "./signed-results.js";

export interface PromoteOptions extends Provenance {
  readonly source: ReadOnlyTarget;
  /** The tested manifest: a promotion always names a digest, never a tag that could have moved since. */
  readonly digest: Digest;
  readonly destination: Target;
  readonly tags: readonly string[];
  /** Also move `v1.4` and `v1` when promoting `v1.4.2`, never backwards. */
  readonly semverAliases?: boolean;
  /** Work out and report every move, change nothing. */
  readonly dryRun?: boolean;
  /** Result kinds that must have passed for this digest. */
  readonly require?: readonly Requirement[];
  /**
   * Trusted signers: the digest must carry a valid signature from one, and each required kind is satisfied
   * only by a signed attestation from one; unsigned results do not count.
   */
  readonly trust?: TrustPolicy;
  /** Sign the digest where it is promoted, before any tag moves; `legacy: false` writes the bundle only. */
  readonly sign?: { readonly identity: SigningIdentity; readonly legacy?: boolean };
  readonly now?: () => Date;
  readonly signal?: AbortSignal | undefined;
}

/** What happened to one tag. */
export interface TagOutcome {
  readonly tag: string;
  /** Where it pointed before; null when it did not exist. */
  readonly previous: Digest | null;
  /** Where it points now (or would, in a dry run). */
  readonly digest: Digest;
  readonly changed: boolean;
  /** True for a tag moved only because of --semver-aliases. */
  readonly alias: boolean;
  /** Why a tag stayed where it was, when it did. */
  readonly note?: string;
  /** The history entry that records the move. */
  readonly entry?: string;
}

export interface PromoteResult {
  readonly source: string;
  readonly destination: string;
  readonly digest: Digest;
  readonly dryRun: boolean;
  readonly tags: readonly TagOutcome[];
  readonly copy?: CopyStats;
  /** The digest's result artifacts brought along, when the destination is another repository. */
  readonly results?: ResultsCopy;
  /** Who signed the digest, when a trust policy was checked. */
  readonly signedBy?: readonly string[];
  /** The signature written at the destination, when asked to sign. */
  readonly signature?: SignedDigest;
}

/** Where a tag points, or undefined when it does not exist. */
export async function resolveOrNone(target: ReadOnlyTarget, tag: string, signal?: AbortSignal) {
  try {
    return await target.resolve(tag, { signal });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function fetchSource(options: PromoteOptions): Promise<FetchedManifest> {
  try {
    return await options.source.fetchManifest(options.digest, { signal: options.signal });
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new PromotionRefusedError(`${options.digest} is not in ${options.source.name}: nothing to promote`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Checks signatures and results; returns who signed the digest when a trust policy applies. */
async function checkPolicy(options: PromoteOptions, subject: Descriptor): Promise<string[] | undefined> {
  const required = options.require ?? [];
  if (options.trust) return checkSigned(options, options.trust, subject, required);
  if (required.length === 0) return undefined;
  const results = await listResults(options.source, subject, options.signal);
  const verdict = evaluatePolicy(required, results);
  if (!verdict.satisfied) {
    throw new PromotionRefusedError(`${describeVerdict(verdict, options.digest, results)}; nothing was promoted`);
  }
  return undefined;
}

async function checkSigned(
  options: PromoteOptions,
  trust: TrustPolicy,
  subject: Descriptor,
  required: readonly Requirement[],
): Promise<string[]> {
  let signed: Awaited<ReturnType<typeof requireSignature>>;
  try {
    signed = await requireSignature(options.source, subject, trust, options.signal);
  } catch (error) {
    if (error instanceof SignatureError) {
      throw new PromotionRefusedError(`${error.message}; nothing was promoted`, { cause: error });
    }
    throw error;
  }
  const results = signedResults(signed.evidence);
  const verdict = evaluatePolicy(required, results);
  if (!verdict.satisfied) {
    const line = describeVerdict(verdict, options.digest, results, "signed");
    throw new PromotionRefusedError(`${line}; nothing was promoted`);
  }
  return signed.signers.map(describeSigner);
}

interface TagPlan {
  readonly planned: PlannedTag;
  readonly previous: Descriptor | undefined;
  readonly hold?: string;
}

async function planMoves(options: PromoteOptions, planned: readonly PlannedTag[]): Promise<TagPlan[]> {
  const { destination, signal } = options;
  const allTags = planned.some((p) => p.kind === "alias") ? await listTags(destination, signal) : [];
  const plans: TagPlan[] = [];
  for (const p of planned) {
    const previous = await resolveOrNone(destination, p.tag, signal);
    if (p.kind !== "alias" || previous?.digest === options.digest) {
      plans.push({ planned: p, previous });
      continue;
    }
    const history = previous ? await readHistory(destination, p.tag, { allTags, signal }) : [];
    const recorded = history[currentPosition(history, previous?.digest)]?.version;
    const hold = aliasHoldReason(p, recorded, allTags);
    plans.push(hold ? { planned: p, previous, hold } : { planned: p, previous });
  }
  return plans;
}

/**
 * Points release tags at a tested digest. The manifest graph is copied first when the destination lacks
 * it (nothing at all for the same repository), then the results attached to the digest; then each tag is
 * recorded in its history and moved. Tags are moved one after another; each one ends fully old or fully
 * new, and an error names where each was left.
 */
export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const planned = planTags(options.tags, options.semverAliases ?? false);
  const manifest = await fetchSource(options);
  const signers = await checkPolicy(options, manifest.descriptor);
  const plans = await planMoves(options, planned);
  const base = {
    source: options.source.name,
    destination: options.destination.name,
    digest: options.digest,
    dryRun: options.dryRun ?? false,
    ...(signers ? { signedBy: signers } : {}),
  };

  if (options.dryRun) {
    return { ...base, tags: plans.map((plan) => tagOutcome(plan, options.digest, tagMoves(plan, options.digest))) };
  }

  const mount = sameRegistryMount(options.source, options.destination);
  const copyOptions = { ...(mount ? { mount } : {}), signal: options.signal };
  const copy = await copyGraph(options.source, options.destination, manifest, copyOptions);
  // Before any tag moves, so a promoted tag never points at a digest whose results stayed behind.
  const results =
    options.source === options.destination
      ? undefined
      : await copyResults(options.source, options.destination, manifest.descriptor, copyOptions);
  const signature = options.sign ? await signPromoted(options, options.sign, manifest) : undefined;
  const outcomes = await moveTags(options, manifest, plans);
  return { ...base, tags: outcomes, copy, ...(results ? { results } : {}), ...(signature ? { signature } : {}) };
}

/** Signs the digest in the destination, before any tag points at it there. */
function signPromoted(
  options: PromoteOptions,
  sign: NonNullable<PromoteOptions["sign"]>,
  manifest: FetchedManifest,
): ReturnType<typeof signDigest> {
  return signDigest(options.destination, manifest.descriptor, options.destination.name, sign.identity, {
    ...(sign.legacy === false ? { legacy: false } : {}),
    signal: options.signal,
  });
}

/** Each planned tag recorded in its history and moved, one after another. */
async function moveTags(options: PromoteOptions, manifest: FetchedManifest, plans: readonly TagPlan[]) {
  const now = options.now ?? (() => new Date());
  const outcomes: TagOutcome[] = [];
  for (const plan of plans) {
    if (!tagMoves(plan, options.digest)) {
      outcomes.push(tagOutcome(plan, options.digest, false));
      continue;
    }
    try {
      const record = promotionRecord(options, manifest, plan, now());
      const entry = await recordAndMoveTag(options.destination, manifest, record, options.signal);
      outcomes.push(tagOutcome(plan, options.digest, true, entry));
    } catch (error) {
      throw withMovedTags(error, outcomes);
    }
  }
  return outcomes;
}

/** A tag moves unless an alias is held back or it already points at the digest. */
function tagMoves(plan: TagPlan, digest: Digest): boolean {
  return !plan.hold && plan.previous?.digest !== digest;
}

function tagOutcome(plan: TagPlan, digest: Digest, changed: boolean, entry?: string): TagOutcome {
  return {
    tag: plan.planned.tag,
    previous: plan.previous?.digest ?? null,
    digest: changed || !plan.hold ? digest : (plan.previous?.digest ?? digest),
    changed,
    alias: plan.planned.kind === "alias",
    ...(plan.hold ? { note: plan.hold } : {}),
    ...(entry ? { entry } : {}),
  };
}

/** The history entry of one tag's move. */
function promotionRecord(options: PromoteOptions, manifest: FetchedManifest, plan: TagPlan, time: Date) {
  const { previous } = plan;
  const { version } = plan.planned;
  return {
    action: "promote",
    tag: plan.planned.tag,
    time,
    digest: options.digest,
    descriptor: manifest.descriptor,
    ...(previous ? { previous: previous.digest, previousDescriptor: previous } : {}),
    ...(version ? { version: version.tag } : {}),
    source: `${options.source.name}@${options.digest}`,
    ...provenance(options),
  } as const;
}

/** A failed tag move's error, naming the tags this promotion had already moved. */
function withMovedTags(error: unknown, outcomes: readonly TagOutcome[]): unknown {
  const moved = outcomes.filter((o) => o.changed).map((o) => o.tag);
  if (!(error instanceof TagMoveError) || moved.length === 0) return error;
  return new TagMoveError(`${error.message}; already moved: ${moved.join(", ")}`, error.tag, error.state, {
    cause: error,
  });
}

/** Only the provenance fields that were given. */
export function provenance(options: Provenance): Provenance {
  return {
    ...(options.actor ? { actor: options.actor } : {}),
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
  };
}
