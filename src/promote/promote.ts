import { type CopyStats, copyGraph, sameRegistryMount } from "../copy/copy.js";
import type { Digest } from "../core/digest.js";
import { NotFoundError } from "../core/errors.js";
import type { Descriptor, FetchedManifest, ReadOnlyTarget, Target } from "../core/target.js";
import { copyResults, type ResultsCopy } from "./copy-results.js";
import { PromotionRefusedError, TagMoveError } from "./errors.js";
import { currentPosition, listTags, readHistory } from "./history.js";
import type { Provenance } from "./history-entry.js";
import { recordAndMoveTag } from "./move-tag.js";
import { aliasHoldReason, type PlannedTag, planTags } from "./plan.js";
import { describeVerdict, evaluatePolicy, type Requirement } from "./policy.js";
import { listResults } from "./results.js";

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
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
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
}

async function resolveOrNone(target: ReadOnlyTarget, tag: string, signal?: AbortSignal) {
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

async function checkPolicy(options: PromoteOptions, subject: Descriptor): Promise<void> {
  const required = options.require ?? [];
  if (required.length === 0) return;
  const results = await listResults(options.source, subject, options.signal);
  const verdict = evaluatePolicy(required, results);
  if (!verdict.satisfied) {
    throw new PromotionRefusedError(`${describeVerdict(verdict, options.digest, results)}; nothing was promoted`);
  }
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
  await checkPolicy(options, manifest.descriptor);
  const plans = await planMoves(options, planned);
  const base = {
    source: options.source.name,
    destination: options.destination.name,
    digest: options.digest,
    dryRun: options.dryRun ?? false,
  };

  const outcomeOf = (plan: TagPlan, changed: boolean, entry?: string): TagOutcome => ({
    tag: plan.planned.tag,
    previous: plan.previous?.digest ?? null,
    digest: changed || !plan.hold ? options.digest : (plan.previous?.digest ?? options.digest),
    changed,
    alias: plan.planned.kind === "alias",
    ...(plan.hold ? { note: plan.hold } : {}),
    ...(entry ? { entry } : {}),
  });
  const moves = (plan: TagPlan) => !plan.hold && plan.previous?.digest !== options.digest;

  if (options.dryRun) return { ...base, tags: plans.map((plan) => outcomeOf(plan, moves(plan))) };

  const mount = sameRegistryMount(options.source, options.destination);
  const copyOptions = { ...(mount ? { mount } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const copy = await copyGraph(options.source, options.destination, manifest, copyOptions);
  // Before any tag moves, so a promoted tag never points at a digest whose results stayed behind.
  const results =
    options.source === options.destination
      ? undefined
      : await copyResults(options.source, options.destination, manifest.descriptor, copyOptions);
  const now = options.now ?? (() => new Date());
  const outcomes: TagOutcome[] = [];
  for (const plan of plans) {
    if (!moves(plan)) {
      outcomes.push(outcomeOf(plan, false));
      continue;
    }
    const { previous } = plan;
    const { version } = plan.planned;
    const record = {
      action: "promote",
      tag: plan.planned.tag,
      time: now(),
      digest: options.digest,
      descriptor: manifest.descriptor,
      ...(previous ? { previous: previous.digest, previousDescriptor: previous } : {}),
      ...(version ? { version: version.tag } : {}),
      source: `${options.source.name}@${options.digest}`,
      ...provenance(options),
    } as const;
    try {
      outcomes.push(
        outcomeOf(plan, true, await recordAndMoveTag(options.destination, manifest, record, options.signal)),
      );
    } catch (error) {
      const moved = outcomes.filter((o) => o.changed).map((o) => o.tag);
      if (!(error instanceof TagMoveError) || moved.length === 0) throw error;
      throw new TagMoveError(`${error.message}; already moved: ${moved.join(", ")}`, error.tag, error.state, {
        cause: error,
      });
    }
  }
  return { ...base, tags: outcomes, copy, ...(results ? { results } : {}) };
}

/** Only the provenance fields that were given. */
export function provenance(options: Provenance): Provenance {
  return {
    ...(options.actor ? { actor: options.actor } : {}),
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
  };
}
