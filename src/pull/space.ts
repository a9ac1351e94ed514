import { promises as fs } from "node:fs";
import { EnvironmentError } from "../core/errors.js";
import type { Descriptor } from "../core/target.js";
import type { ModelStore } from "../store/model-store.js";

/** What a pull must still write, and what the store's file system had free when it began. */
export interface SpaceCheck {
  readonly needed: number;
  /** Undefined when the file system does not say (statfs unsupported). */
  readonly free: number | undefined;
}

/** `12.3 GiB (13207024435 bytes)`: readable and exact. */
export function describeBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = "bytes";
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === "bytes" ? `${bytes} bytes` : `${value.toFixed(1)} ${unit} (${bytes} bytes)`;
}

/** Bytes the blobs the store lacks still need on disk; a resumable partial counts for the blocks it already holds. */
async function bytesNeeded(store: ModelStore, blobs: readonly Descriptor[]): Promise<number> {
  let needed = 0;
  for (const blob of blobs) {
    if (await store.has(blob)) continue;
    const partial = await fs.stat(store.partialFiles(blob.digest).data).catch(() => undefined);
    needed += blob.size - Math.min(blob.size, (partial?.blocks ?? 0) * 512);
  }
  return needed;
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const stats = await fs.statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a pull whose blobs cannot fit before a byte is downloaded, naming both numbers: a manifest that
 * claims a 1 TB layer must not fill the disk with a sparse partial file and then fail at the end.
 */
export async function checkFreeSpace(
  store: ModelStore,
  blobs: readonly Descriptor[],
  label: string,
): Promise<SpaceCheck> {
  const needed = await bytesNeeded(store, blobs);
  if (needed === 0) return { needed, free: undefined };
  const free = await freeBytes(store.root);
  if (free !== undefined && needed > free) {
    throw new EnvironmentError(
      `not enough free space to pull ${label}: it needs ${describeBytes(needed)} more in the store ${store.root}, whose file system has ${describeBytes(free)} free`,
    );
  }
  return { needed, free };
}

/** The failure, or one of its causes, is a full disk or an exhausted quota. */
export function isNoSpace(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT") return true;
    current = current.cause;
  }
  return false;
}

/** The error for a pull that ran out of space part way, the partial file that hit it already removed. */
export function spaceRanOut(store: ModelStore, label: string, check: SpaceCheck, cause: unknown): EnvironmentError {
  const free = check.free === undefined ? "" : ` and had ${describeBytes(check.free)} free when it began`;
  return new EnvironmentError(
    `the store's file system filled up while pulling ${label}: the pull needed ${describeBytes(check.needed)} in ${store.root}${free}; the partial file that hit it was removed, so free some space and pull again`,
    { cause },
  );
}
