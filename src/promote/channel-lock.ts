import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { sha256Digest } from "../core/digest.js";
import { CortexError, NotFoundError } from "../core/errors.js";
import { mapLimit } from "../core/limit.js";
import { Annotation, MediaType } from "../core/media-types.js";
import type { ImageIndex, Target } from "../core/target.js";
import { listTags } from "./history.js";
import { historyKey, sortableTime } from "./history-tag.js";

/**
 * One release of a channel at a time, kept in the registry itself, which has no compare-and-swap on tags.
 * It works as the history does: each writer only creates tags nobody else writes. A release writes a claim
 * under its own tag, then lists the claims: when it sees no other live claim it holds the channel; when it
 * sees one, it withdraws its claim and tries again later. Of two releases that claim at once, whichever
 * lists second sees the other's claim, so at most one proceeds (both may withdraw; random pauses then part
 * them). A claim is withdrawn by a second record naming it; a release that died without withdrawing blocks
 * the channel until its claim's lease runs out.
 */

export const LOCK_TAG_PREFIX = "cortex-lock";
export const LOCK_ARTIFACT_TYPE = "application/vnd.cortex.model.release-lock.v1+json";

const NS = "io.cortex.model.lock";
const LockAnnotation = {
  channel: `${NS}.channel`,
  action: `${NS}.action`,
  claim: `${NS}.claim`,
  owner: `${NS}.owner`,
  expires: `${NS}.expires`,
} as const;

const NAME = new RegExp(`^${LOCK_TAG_PREFIX}-(.+)-(\\d{8}T\\d{9}Z)-([0-9a-f]{8})$`);
const FETCH_CONCURRENCY = 8;

/** Another release of the channel held it for longer than this one would wait. */
export class ChannelLockedError extends CortexError {}

export interface ChannelLockOptions {
  /** Who holds the lock, for the message another release prints while it waits. */
  readonly owner?: string;
  /** How long a claim counts when its release never withdraws it (default 1 hour). */
  readonly leaseMs?: number;
  /** How long to wait for another release to finish (default 15 minutes). */
  readonly waitMs?: number;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly onWait?: (holder: LockClaim) => void;
}

export interface LockClaim {
  readonly id: string;
  readonly owner?: string;
  readonly time: string;
  readonly expires: string;
}

/** True for tags the lock writes, which no promotion may use as a release tag. */
export function isLockTag(tag: string): boolean {
  return tag.startsWith(`${LOCK_TAG_PREFIX}-`);
}

function keyOf(channel: string): string {
  return historyKey(`release.${channel}`);
}

interface LockRecord {
  readonly id: string;
  readonly action: "claim" | "withdraw";
  readonly channel: string;
  readonly claim?: string;
  readonly owner?: string;
  readonly created: string;
  readonly expires?: string;
}

async function writeRecord(
  target: Target,
  record: Omit<LockRecord, "id">,
  now: Date,
  signal?: AbortSignal,
): Promise<string> {
  const id = `${LOCK_TAG_PREFIX}-${keyOf(record.channel)}-${sortableTime(now)}-${randomBytes(4).toString("hex")}`;
  const annotations: Record<string, string> = {
    [Annotation.created]: record.created,
    [LockAnnotation.channel]: record.channel,
    [LockAnnotation.action]: record.action,
    ...(record.claim ? { [LockAnnotation.claim]: record.claim } : {}),
    ...(record.owner ? { [LockAnnotation.owner]: record.owner } : {}),
    ...(record.expires ? { [LockAnnotation.expires]: record.expires } : {}),
  };
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    artifactType: LOCK_ARTIFACT_TYPE,
    manifests: [],
    annotations,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  const descriptor = { mediaType: MediaType.ociIndex, digest: sha256Digest(bytes), size: bytes.length };
  await target.pushManifest(descriptor, bytes, { tag: id, signal });
  return id;
}

function decode(id: string, bytes: Uint8Array): LockRecord | undefined {
  try {
    const index = JSON.parse(new TextDecoder().decode(bytes)) as ImageIndex;
    const a = index.annotations ?? {};
    const action = a[LockAnnotation.action];
    const channel = a[LockAnnotation.channel];
    const created = a[Annotation.created];
    if (index.artifactType !== LOCK_ARTIFACT_TYPE || !channel || !created) return undefined;
    if (action !== "claim" && action !== "withdraw") return undefined;
    const optional = (name: keyof typeof LockAnnotation) => a[LockAnnotation[name]];
    const claim = optional("claim");
    const owner = optional("owner");
    const expires = optional("expires");
    return {
      id,
      action,
      channel,
      created,
      ...(claim ? { claim } : {}),
      ...(owner ? { owner } : {}),
      ...(expires ? { expires } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Claims of the channel that are neither withdrawn nor expired, oldest first. */
export async function liveClaims(
  target: Target,
  channel: string,
  now: Date,
  leaseMs: number,
  signal?: AbortSignal,
): Promise<LockClaim[]> {
  const key = keyOf(channel);
  // A claim older than a lease has expired whatever it says, and so has anything written before it.
  const oldest = sortableTime(new Date(now.getTime() - leaseMs));
  const names = (await listTags(target, signal)).filter((tag) => {
    const match = NAME.exec(tag);
    return match !== null && match[1] === key && (match[2] as string) >= oldest;
  });
  const records = await mapLimit(names, FETCH_CONCURRENCY, async (name) => {
    try {
      const { bytes } = await target.fetchManifest(name, { signal });
      return decode(name, bytes);
    } catch (error) {
      // The registry lists a tag while its write is still under way. Passing over a claim caught so is safe:
      // its writer lists only after the write, and then sees the claim this release wrote before listing.
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  });
  const mine = records.filter((r): r is LockRecord => r !== undefined && r.channel === channel);
  const withdrawn = new Set(mine.flatMap((r) => (r.action === "withdraw" && r.claim ? [r.claim] : [])));
  const at = now.toISOString();
  return mine
    .filter((r) => r.action === "claim" && !withdrawn.has(r.id) && (r.expires ?? "") > at)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((r) => ({ id: r.id, time: r.created, expires: r.expires ?? "", ...(r.owner ? { owner: r.owner } : {}) }));
}

function describeHolder(channel: string, holder: LockClaim): string {
  return `another release of channel ${channel} is under way (${holder.owner ? `by ${holder.owner}, ` : ""}since ${holder.time}, claim ${holder.id}, expires ${holder.expires})`;
}

/** Runs `fn` while holding the channel; the claim is withdrawn however `fn` ends. */
export async function withChannelLock<T>(
  target: Target,
  channel: string,
  fn: () => Promise<T>,
  options: ChannelLockOptions = {},
): Promise<T> {
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? 60 * 60_000;
  const waitMs = options.waitMs ?? 15 * 60_000;
  const { signal } = options;
  const started = Date.now();
  const withdraw = (claim: string) =>
    writeRecord(target, { action: "withdraw", channel, claim, created: now().toISOString() }, now(), signal);
  let pause = 200;
  for (;;) {
    signal?.throwIfAborted();
    const holders = await liveClaims(target, channel, now(), leaseMs, signal);
    if (holders.length === 0) {
      const time = now();
      const claim = await writeRecord(
        target,
        {
          action: "claim",
          channel,
          created: time.toISOString(),
          expires: new Date(time.getTime() + leaseMs).toISOString(),
          ...(options.owner ? { owner: options.owner } : {}),
        },
        time,
        signal,
      );
      const others = (await liveClaims(target, channel, now(), leaseMs, signal)).filter((c) => c.id !== claim);
      if (others.length === 0) {
        let result: T;
        try {
          result = await fn();
        } catch (error) {
          // The release's own failure is the one to report; a lost withdrawal only delays the next release.
          await withdraw(claim).catch(() => undefined);
          throw error;
        }
        await withdraw(claim);
        return result;
      }
      await withdraw(claim);
      holders.push(...others);
    }
    const holder = holders[0] as LockClaim;
    if (Date.now() - started > waitMs) throw new ChannelLockedError(describeHolder(channel, holder));
    options.onWait?.(holder);
    await sleep(pause + Math.random() * pause, undefined, { signal });
    pause = Math.min(pause * 2, 5000);
  }
}
