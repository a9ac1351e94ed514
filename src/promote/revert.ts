import type { Digest } from "../core/digest.js";
import { NotFoundError } from "../core/errors.js";
import type { Target } from "../core/target.js";
import { RevertRefusedError } from "./errors.js";
import { currentPosition, readHistory } from "./history.js";
import type { MoveEntry, Provenance } from "./history-entry.js";
import { recordAndMoveTag } from "./move-tag.js";
import { provenance } from "./promote.js";

/** Where to send the tag back to: a number of changes back (`previous` is 1), or a digest from its history. */
export type RevertSelector = { readonly steps: number } | { readonly digest: Digest };

/**
 * Picks the digest to revert to. The history is read as a list of states, newest first; the walk starts at
 * the entry that put the tag on its current digest and counts changes of digest, so promoting one digest
 * twice is one step. The state before the oldest entry (its `previous`) is part of the history too.
 */
export function chooseRevertDigest(
  tag: string,
  entries: readonly MoveEntry[],
  current: Digest | undefined,
  selector: RevertSelector,
): Digest {
  if (entries.length === 0) {
    throw new RevertRefusedError(
      `${tag} has no history: it was never promoted with cortex-model, so there is nothing to revert to`,
    );
  }
  // The digests the tag pointed at, newest first; the oldest is known only as the first entry's `previous`.
  const states: Digest[] = entries.map((e) => e.digest);
  const oldest = entries[entries.length - 1]?.previous;
  if (oldest) states.push(oldest);

  if ("digest" in selector) {
    if (!states.includes(selector.digest)) {
      throw new RevertRefusedError(
        `${selector.digest} is not in the history of ${tag}: a revert only goes back to a digest the tag pointed at`,
      );
    }
    return selector.digest;
  }
  if (!Number.isInteger(selector.steps) || selector.steps < 1) {
    throw new RevertRefusedError(`steps must be a whole number of at least 1, got ${selector.steps}`);
  }
  let last = current;
  let changes = 0;
  for (let i = currentPosition(entries, current) + 1; i < states.length; i++) {
    const state = states[i] as Digest;
    if (state === last) continue;
    last = state;
    if (++changes === selector.steps) return state;
  }
  throw new RevertRefusedError(
    `${tag} cannot go back ${selector.steps} step${selector.steps === 1 ? "" : "s"}: its history holds only ${changes} earlier digest${changes === 1 ? "" : "s"}`,
  );
}

export interface RevertOptions extends Provenance {
  readonly target: Target;
  readonly tag: string;
  readonly to: RevertSelector;
  readonly now?: () => Date;
  readonly signal?: AbortSignal | undefined;
}

export interface RevertResult {
  readonly target: string;
  readonly tag: string;
  readonly previous: Digest | null;
  readonly digest: Digest;
  readonly changed: boolean;
  readonly entry?: string;
}

/** Points a tag back at a digest from its history, and records that as a revert entry. */
export async function revert(options: RevertOptions): Promise<RevertResult> {
  const { target, tag, signal } = options;
  let current: Awaited<ReturnType<Target["resolve"]>> | undefined;
  try {
    current = await target.resolve(tag, { signal });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const entries = await readHistory(target, tag, { signal });
  const digest = chooseRevertDigest(`${target.name}:${tag}`, entries, current?.digest, options.to);
  const base = { target: target.name, tag, previous: current?.digest ?? null, digest };
  if (digest === current?.digest) return { ...base, changed: false };

  const manifest = await target.fetchManifest(digest, { signal });
  const entry = await recordAndMoveTag(
    target,
    manifest,
    {
      action: "revert",
      tag,
      time: (options.now ?? (() => new Date()))(),
      digest,
      descriptor: manifest.descriptor,
      ...(current ? { previous: current.digest, previousDescriptor: current } : {}),
      ...recordedVersion(entries, digest),
      ...provenance(options),
    },
    signal,
  );
  return { ...base, changed: true, entry };
}

/** A revert to a digest keeps the version that digest was promoted as, so aliases keep comparing right. */
function recordedVersion(entries: readonly MoveEntry[], digest: Digest): { version?: string } {
  const version = entries.find((e) => e.digest === digest && e.version)?.version;
  return version ? { version } : {};
}
