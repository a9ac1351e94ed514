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
  readonly signal?: AbortSignal | undefined;
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
  signal?: AbortSignal | undefined,
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
  signal?: AbortSignal | undefined,
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

/** One channel's lock as a release sees it: its settings, and how it writes and lists records. */
class ChannelLock {
  readonly now: () => Date;
  readonly leaseMs: number;
  readonly signal: AbortSignal | undefined;

  constructor(
    readonly target: Target,
    readonly channel: string,
    readonly options: ChannelLockOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 60 * 60_000;
    this.signal = options.signal;
  }

  holders(): Promise<LockClaim[]> {
    return liveClaims(this.target, this.channel, this.now(), this.leaseMs, this.signal);
  }

  /**
   * Writes a claim, then lists again: the claim's id when no other live claim showed up meanwhile, else the
   * claim withdrawn and the others returned.
   */
  async claim(): Promise<{ claim: string } | { others: LockClaim[] }> {
    const time = this.now();
    const record = {
      action: "claim",
      channel: this.channel,
      created: time.toISOString(),
      expires: new Date(time.getTime() + this.leaseMs).toISOString(),
      ...(this.options.owner ? { owner: this.options.owner } : {}),
    } as const;
    const claim = await writeRecord(this.target, record, time, this.signal);
    const others = (await this.holders()).filter((c) => c.id !== claim);
    if (others.length === 0) return { claim };
    await this.withdraw(claim);
    return { others };
  }

  async withdraw(claim: string): Promise<void> {
    const record = { action: "withdraw", channel: this.channel, claim, created: this.now().toISOString() } as const;
    await writeRecord(this.target, record, this.now(), this.signal);
  }

  /** Runs `fn` under the claim and withdraws it however `fn` ends. */
  async holding<T>(claim: string, fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      // The release's own failure is the one to report; a lost withdrawal only delays the next release.
      await this.withdraw(claim).catch(() => undefined);
      throw error;
    }
    await this.withdraw(claim);
    return result;
  }
}

/** Runs `fn` while holding the channel; the claim is withdrawn however `fn` ends. */
export async function withChannelLock<T>(
  target: Target,
  channel: string,
  fn: () => Promise<T>,
  options: ChannelLockOptions = {},
): Promise<T> {
  const lock = new ChannelLock(target, channel, options);
  const waitMs = options.waitMs ?? 15 * 60_000;
  const started = Date.now();
  let pause = 200;
  for (;;) {
    options.signal?.throwIfAborted();
    let holders = await lock.holders();
    if (holders.length === 0) {
      const claimed = await lock.claim();
      if ("claim" in claimed) return lock.holding(claimed.claim, fn);
      holders = claimed.others;
    }
    const holder = holders[0] as LockClaim;
    if (Date.now() - started > waitMs) throw new ChannelLockedError(describeHolder(channel, holder));
    options.onWait?.(holder);
    await sleep(pause + Math.random() * pause, undefined, { signal: options.signal });
    pause = Math.min(pause * 2, 5000);
  }
}
