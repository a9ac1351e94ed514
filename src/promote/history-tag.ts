import { randomBytes } from "node:crypto";
import { digestHex, sha256Digest } from "../core/digest.js";

/**
 * Each history entry is an immutable manifest under its own tag, `cortex-history-<key>-<time>-<random>`, so
 * two writers never overwrite each other's entry (the registry has no compare-and-swap on tags). The name
 * alone orders entries: a UTC time to the millisecond that sorts as text, then 8 random hex digits that
 * break ties between writers in the same millisecond.
 */
export const HISTORY_TAG_PREFIX = "cortex-history";

const TIME_LENGTH = "20261128T023537123Z".length;
const RANDOM_LENGTH = 8;
const MAX_TAG_LENGTH = 128;
/** Room for the tag's key once prefix, time, random part and the three dashes are spelled out. */
const MAX_KEY_LENGTH = MAX_TAG_LENGTH - HISTORY_TAG_PREFIX.length - TIME_LENGTH - RANDOM_LENGTH - 3;
const HASH_LENGTH = 12;
const NAME = new RegExp(`^${HISTORY_TAG_PREFIX}-(.+)-(\\d{8}T\\d{9}Z)-([0-9a-f]{${RANDOM_LENGTH}})$`);

/**
 * The part of an entry's name that stands for the tag: the tag itself when it fits, else its start and a
 * hash of all of it (the entry's annotations carry the full tag, and readers check it).
 */
export function historyKey(tag: string): string {
  if (tag.length <= MAX_KEY_LENGTH) return tag;
  const hash = digestHex(sha256Digest(tag)).slice(0, HASH_LENGTH);
  return `${tag.slice(0, MAX_KEY_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}

/** `2026-11-28T02:35:37.123Z` -> `20261128T023537123Z`. */
export function sortableTime(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, "");
}

export function newHistoryTag(tag: string, date: Date, random: string = randomBytes(4).toString("hex")): string {
  return `${HISTORY_TAG_PREFIX}-${historyKey(tag)}-${sortableTime(date)}-${random}`;
}

/** What an entry's name says: the key of the tag it belongs to, and its sort position. */
export interface HistoryTagName {
  readonly name: string;
  readonly key: string;
  readonly time: string;
  readonly random: string;
}

export function parseHistoryTag(name: string): HistoryTagName | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [, key, time, random] = match as unknown as [string, string, string, string];
  return { name, key, time, random };
}

/** True for tags this module writes, which no promotion may use as a release tag. */
export function isHistoryTag(tag: string): boolean {
  return tag.startsWith(`${HISTORY_TAG_PREFIX}-`);
}

/** The names of one tag's entries among all tags of a repository, newest first. */
export function historyTagsFor(tag: string, allTags: readonly string[]): HistoryTagName[] {
  const key = historyKey(tag);
  const names: HistoryTagName[] = [];
  for (const candidate of allTags) {
    const parsed = parseHistoryTag(candidate);
    if (parsed && parsed.key === key) names.push(parsed);
  }
  return names.sort(newestFirst);
}

export function newestFirst(a: HistoryTagName, b: HistoryTagName): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  return a.random < b.random ? 1 : a.random > b.random ? -1 : 0;
}
