import { describeError, NotFoundError } from "../core/errors.js";
import type { Descriptor, FetchedManifest, Target } from "../core/target.js";
import { TagMoveError } from "./errors.js";
import { appendHistory } from "./history.js";
import type { NewMoveEntry } from "./history-entry.js";
import { newHistoryTag } from "./history-tag.js";

type TagState = { kind: "known"; descriptor: Descriptor | undefined } | { kind: "unknown" };

async function readTag(target: Target, tag: string, signal?: AbortSignal): Promise<TagState> {
  try {
    return { kind: "known", descriptor: await target.resolve(tag, { signal }) };
  } catch (error) {
    return error instanceof NotFoundError ? { kind: "known", descriptor: undefined } : { kind: "unknown" };
  }
}

/**
 * Records a move in the tag's history, then moves the tag: in that order, so that at every instant both the
 * digest the tag points at and the one it left are referenced by a history entry (garbage collection cannot
 * take either), and a crash between the two steps leaves an entry that readers recognise as not current.
 *
 * When the tag update fails, the tag is read back: the update may have landed with only its answer lost.
 * If the tag did not move, an abort marker cancels the entry, so history and tag agree again. Returns the id
 * of the entry.
 */
export async function recordAndMoveTag(
  target: Target,
  manifest: FetchedManifest,
  record: NewMoveEntry,
  signal?: AbortSignal | undefined,
): Promise<string> {
  const { tag } = record;
  const id = newHistoryTag(tag, record.time);
  const abort = async (reason: string, keep: Descriptor | undefined) => {
    const marker = { action: "abort", tag, time: new Date(), aborts: id, reason } as const;
    await appendHistory(target, keep ? { ...marker, keep } : marker, signal);
  };

  try {
    await appendHistory(target, record, signal, id);
  } catch (error) {
    // The write may have landed with its answer lost: cancel it, in case, and let the original error speak.
    await abort(`history entry could not be written: ${describeError(error)}`, record.previousDescriptor).catch(
      () => undefined,
    );
    throw new TagMoveError(
      `tag ${tag} was not moved: its history entry could not be written: ${describeError(error)}`,
      tag,
      "old",
      { cause: error },
    );
  }

  try {
    await target.pushManifest(manifest.descriptor, manifest.bytes, { tag, signal });
    return id;
  } catch (error) {
    const state = await readTag(target, tag, signal);
    if (state.kind === "known" && state.descriptor?.digest === manifest.descriptor.digest) return id;
    const cause = describeError(error);
    if (state.kind === "unknown") {
      throw new TagMoveError(
        `tag ${tag}: the update failed (${cause}) and the registry could not be asked whether it landed; history entry ${id} records the attempt, run cortex-model history to see where the tag points`,
        tag,
        "unknown",
        { cause: error },
      );
    }
    const where = state.descriptor?.digest ?? "nothing";
    try {
      await abort(`tag update failed: ${cause}`, state.descriptor);
    } catch (markerError) {
      throw new TagMoveError(
        `tag ${tag} was not moved (it still points at ${where}): ${cause}; history entry ${id} could not be marked aborted (${describeError(markerError)}), so history shows it as not current`,
        tag,
        "old",
        { cause: error },
      );
    }
    throw new TagMoveError(`tag ${tag} was not moved (it still points at ${where}): ${cause}`, tag, "old", {
      cause: error,
    });
  }
}
