import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { EnvironmentError } from "../core/errors.js";
import { isAlive } from "../core/process-alive.js";

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

export interface LockOptions {
  /** Give up after this long (default: wait as long as the holder stays alive). */
  readonly timeoutMs?: number;
  /** A lock whose file has not been touched for this long is stale (the holder refreshes it twice as often). */
  readonly staleMs?: number;
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_STALE_MS = 30_000;
const OWNERLESS_STALE_MS = 2_000;

/**
 * Runs `fn` while holding an exclusive lock file, across processes. The file is created with O_EXCL, so
 * exactly one process holds it; its holder refreshes its mtime while `fn` runs. A holder that died is
 * detected at once on the same host (its pid is gone, as after SIGKILL) and after `staleMs` elsewhere
 * (a shared file system), so a killed pull never blocks the next one.
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString("hex") };
  const started = Date.now();
  let delay = 10;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(file, owner)) break;
    if (await removeIfStale(file, staleMs)) continue;
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new EnvironmentError(`timed out after ${options.timeoutMs} ms waiting for lock ${file}`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 500);
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      fs.utimes(file, now, now).catch(() => {});
    },
    Math.max(50, staleMs / 3),
  );
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await releaseIfOwned(file, owner);
  }
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof fs.open>>;
  try {
    handle = await fs.open(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.close();
    return true;
  } catch (error) {
    // A full disk can create the file and refuse its content: an ownerless lock would hold off every later
    // pull until it went stale, so the file this call created goes again.
    await handle.close().catch(() => {});
    await fs.rm(file, { force: true });
    throw error;
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as LockOwner;
  } catch {
    // Unreadable or half-written (its creator is between open and write): treat as held, judge by mtime.
    return undefined;
  }
}

/**
 * Removes a stale lock. The file is first renamed to a unique name, which only one contender can do; if the
 * renamed file turns out not to be the stale one we judged (someone replaced it meanwhile), it is linked back.
 */
async function removeIfStale(file: string, staleMs: number): Promise<boolean> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(file);
  } catch {
    return true;
  }
  const owner = await readOwner(file);
  const deadHere = owner !== undefined && owner.host === os.hostname() && !isAlive(owner.pid);
  const age = Date.now() - stat.mtimeMs;
  // Its creator writes the owner right after creating the file: one still without an owner a moment later
  // was left by a holder that died in between or whose disk refused the write.
  const ownerless = owner === undefined && age > OWNERLESS_STALE_MS;
  if (!deadHere && !ownerless && age <= staleMs) return false;
  const aside = `${file}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await fs.rename(file, aside);
  } catch {
    return true;
  }
  const moved = await readOwner(aside);
  if (owner !== undefined && moved !== undefined && moved.token !== owner.token) {
    await fs.link(aside, file).catch(() => {});
  }
  await fs.rm(aside, { force: true });
  return true;
}

async function releaseIfOwned(file: string, owner: LockOwner): Promise<void> {
  const current = await readOwner(file);
  if (current?.token === owner.token) await fs.rm(file, { force: true });
}
