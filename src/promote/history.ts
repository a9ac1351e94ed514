import type { Digest } from "../core/digest.js";
import { NotFoundError } from "../core/errors.js";
import { mapLimit } from "../core/limit.js";
import type { ReadOnlyTarget, Target } from "../core/target.js";
import {
  decodeHistoryRecord,
  encodeHistoryRecord,
  type HistoryRecord,
  type MoveEntry,
  type NewAbortMarker,
  type NewMoveEntry,
} from "./history-entry.js";
import { historyTagsFor, newHistoryTag } from "./history-tag.js";

const FETCH_CONCURRENCY = 8;

/** All tags of a target; a repository that does not exist yet has none. */
export async function listTags(target: ReadOnlyTarget, signal?: AbortSignal): Promise<string[]> {
  try {
    return await target.tags({ signal });
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

/**
 * Writes one record under a fresh unique tag and returns that tag (the record's id). Nothing existing is
 * overwritten, so concurrent writers cannot lose each other's records.
 */
export async function appendHistory(
  target: Target,
  record: NewMoveEntry | NewAbortMarker,
  signal?: AbortSignal | undefined,
  id: string = newHistoryTag(record.tag, record.time),
): Promise<string> {
  const { descriptor, bytes } = encodeHistoryRecord(record);
  await target.pushManifest(descriptor, bytes, { tag: id, signal });
  return id;
}

/** Every record of one tag, newest first, including aborted entries and abort markers. */
export async function readHistoryRecords(
  target: ReadOnlyTarget,
  tag: string,
  options: { allTags?: readonly string[]; signal?: AbortSignal | undefined } = {},
): Promise<HistoryRecord[]> {
  const allTags = options.allTags ?? (await listTags(target, options.signal));
  const names = historyTagsFor(tag, allTags);
  const records = await mapLimit(names, FETCH_CONCURRENCY, async ({ name }) => {
    const { bytes } = await target.fetchManifest(name, { signal: options.signal });
    return decodeHistoryRecord(name, bytes);
  });
  // Tags too long to spell in full share a hashed key; the annotation names the tag exactly.
  return records.filter((record) => record.tag === tag);
}

/** The moves that happened: aborted entries and the markers that abort them are left out. Newest first. */
export function effectiveEntries(records: readonly HistoryRecord[]): MoveEntry[] {
  const aborted = new Set(records.flatMap((r) => (r.action === "abort" ? [r.aborts] : [])));
  return records.filter((r): r is MoveEntry => r.action !== "abort" && !aborted.has(r.id));
}

/** A tag's history as `cortex-model history` shows it: its moves, newest first. */
export async function readHistory(
  target: ReadOnlyTarget,
  tag: string,
  options: { allTags?: readonly string[]; signal?: AbortSignal | undefined } = {},
): Promise<MoveEntry[]> {
  return effectiveEntries(await readHistoryRecords(target, tag, options));
}

/**
 * Where the tag stands in its history: the newest entry that moved it to its current digest. When two
 * promotions race, the entry written last may be the one whose tag update lost; this finds the one that won.
 * -1 when the current digest is recorded nowhere (the tag was moved by other means, or does not exist).
 */
export function currentPosition(entries: readonly MoveEntry[], current: Digest | undefined): number {
  return current === undefined ? -1 : entries.findIndex((entry) => entry.digest === current);
}
