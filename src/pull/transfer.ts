import { setMaxListeners } from "node:events";
import { promises as fs, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { CortexError, DigestMismatchError, NotFoundError, TransferError } from "../core/errors.js";
import type { Limiter } from "../core/limit.js";
import type { Descriptor, ReadOnlyTarget } from "../core/target.js";
import { checkContent, writeVerified } from "../store/files.js";
import { withLock } from "../store/lock.js";
import type { ModelStore } from "../store/model-store.js";
import { PrefixHasher } from "./prefix-hasher.js";
import { addRange, type ByteRange, contiguousPrefix, coveredBytes, missingRanges, splitRanges } from "./ranges.js";
import { loadProgress, ProgressWriter } from "./resume.js";
import { isNoSpace } from "./space.js";

export interface TransferContext {
  readonly source: ReadOnlyTarget;
  readonly store: ModelStore;
  readonly limiter: Limiter;
  /** Bytes per ranged part of a blob of the given size; a blob no larger than one part comes whole. */
  readonly partSize: (blobSize: number) => number;
  /** Attempts per part before the pull fails (a broken connection costs one part, not the blob). */
  readonly attempts: number;
  readonly signal?: AbortSignal | undefined;
  /** Bytes that arrived from the source. */
  onBytes(bytes: number): void;
}

export interface TransferResult {
  readonly downloaded: number;
  readonly reused: number;
}

/**
 * Makes a blob present in the store. One process per digest transfers (a lock in the store's ingest
 * directory); others wait and then find it present. Blobs above one part download as parallel ranged parts
 * into one preallocated partial file, resumable across processes, hashed as their prefix completes.
 */
export async function transferBlob(descriptor: Descriptor, ctx: TransferContext): Promise<TransferResult> {
  if (await ctx.store.holds(descriptor)) return { downloaded: 0, reused: descriptor.size };
  const files = ctx.store.partialFiles(descriptor.digest);
  return withLock(
    files.lock,
    async () => {
      if (await ctx.store.holds(descriptor)) return { downloaded: 0, reused: descriptor.size };
      const result =
        descriptor.size <= ctx.partSize(descriptor.size)
          ? { downloaded: await transferWhole(descriptor, ctx), reused: 0 }
          : await transferParts(descriptor, ctx);
      await ctx.store.stamp(descriptor);
      return result;
    },
    ctx.signal ? { signal: ctx.signal } : {},
  );
}

async function transferWhole(descriptor: Descriptor, ctx: TransferContext): Promise<number> {
  const target = ctx.store.blobPath(descriptor.digest);
  await withAttempts(ctx, descriptor, ctx.signal, async () => {
    await ctx.limiter.run(async () => {
      const stream = await ctx.source.fetchBlob(descriptor, ctx.signal ? { signal: ctx.signal } : {});
      await writeVerified(target, descriptor, counted(stream, ctx), ctx.store.layout.ingestDir, ctx.source.name);
    });
  });
  return descriptor.size;
}

async function* counted(stream: AsyncIterable<Uint8Array>, ctx: TransferContext): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) {
    ctx.onBytes(chunk.byteLength);
    yield chunk;
  }
}

async function transferParts(descriptor: Descriptor, ctx: TransferContext): Promise<TransferResult> {
  try {
    return await transferPartsResumably(descriptor, ctx);
  } catch (error) {
    // A partial file on a full disk only keeps the disk full: the next pull could not finish it either.
    if (isNoSpace(error)) await discardPartial(ctx, descriptor);
    throw error;
  }
}

async function transferPartsResumably(descriptor: Descriptor, ctx: TransferContext): Promise<TransferResult> {
  const files = ctx.store.partialFiles(descriptor.digest);
  const resumed = await loadProgress(files.meta, files.data, descriptor.digest, descriptor.size);
  const first = await downloadInto(descriptor, ctx, resumed);
  if (first.ok) return first.result;
  if (resumed.length === 0) {
    await discardPartial(ctx, descriptor);
    throw first.error;
  }
  // The partial file from an earlier run did not add up (a torn write, a crash before data reached the
  // disk): its ranges cannot be told apart, so download the whole blob once more from scratch.
  await discardPartial(ctx, descriptor);
  const second = await downloadInto(descriptor, ctx, []);
  if (second.ok) return { downloaded: first.result.downloaded + second.result.downloaded, reused: 0 };
  await discardPartial(ctx, descriptor);
  throw second.error;
}

type Attempt = { ok: true; result: TransferResult } | { ok: false; error: DigestMismatchError; result: TransferResult };

async function downloadInto(descriptor: Descriptor, ctx: TransferContext, resumed: ByteRange[]): Promise<Attempt> {
  const files = ctx.store.partialFiles(descriptor.digest);
  const handle = await fs.open(files.data, resumed.length > 0 ? "r+" : "w+");
  let hasher: PrefixHasher | undefined;
  const progress = new ProgressWriter(files.meta, ctx.store.layout.ingestDir, descriptor.digest, descriptor.size);
  let done = resumed;
  let downloaded = 0;
  try {
    await handle.truncate(descriptor.size);
    hasher = new PrefixHasher(files.data);
    hasher.advance(contiguousPrefix(done));
    const parts = splitRanges(missingRanges(done, descriptor.size), ctx.partSize(descriptor.size));
    const failure = new AbortController();
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, failure.signal]) : failure.signal;
    // Every request in flight listens to it: as many listeners as the concurrency, past Node's warning at 10.
    setMaxListeners(0, signal);
    let firstError: unknown;
    await Promise.allSettled(
      parts.map((part) =>
        ctx.limiter.run(async () => {
          try {
            signal.throwIfAborted();
            await withAttempts(ctx, descriptor, signal, () => fetchPart(descriptor, part, handle, ctx, signal));
          } catch (error) {
            // The first failure is the cause; the parts it cancels fail with it as their abort reason.
            firstError ??= error;
            failure.abort(error);
            throw error;
          }
          downloaded += part[1] - part[0];
          done = addRange(done, part);
          hasher?.advance(contiguousPrefix(done));
          progress.save(done);
        }),
      ),
    );
    await progress.flush();
    if (firstError !== undefined) throw firstError;
    await handle.close();
    const hashed = await hasher.finish(descriptor.size);
    hasher = undefined;
    const result = { downloaded, reused: coveredBytes(resumed) };
    try {
      checkContent(descriptor, hashed.size, hashed.digest, ctx.source.name);
    } catch (error) {
      if (error instanceof DigestMismatchError) return { ok: false, error, result };
      throw error;
    }
    await fs.rename(files.data, ctx.store.blobPath(descriptor.digest));
    await fs.rm(files.meta, { force: true });
    return { ok: true, result };
  } finally {
    await hasher?.cancel();
    await handle.close().catch(() => {});
  }
}

async function fetchPart(
  descriptor: Descriptor,
  [start, end]: ByteRange,
  handle: fs.FileHandle,
  ctx: TransferContext,
  signal: AbortSignal,
): Promise<void> {
  const length = end - start;
  let position = start;
  await ctx.source.pumpBlob(
    descriptor,
    (chunk) => {
      if (position + chunk.length > end) {
        throw new TransferError(
          `${descriptor.digest} from ${ctx.source.name}: the source sent more than the ${length} bytes asked for at offset ${start}`,
        );
      }
      ctx.onBytes(chunk.length);
      // Written at once, from the source's read buffer: a write into the page cache costs less than the
      // copy and the thread-pool round trip an asynchronous write would need (measured in bench:pull).
      for (let written = 0; written < chunk.length; ) {
        written += writeSync(handle.fd, chunk, written, chunk.length - written, position + written);
      }
      position += chunk.length;
    },
    { range: { offset: start, length }, signal },
  );
  if (position !== end) {
    throw new TransferError(
      `${descriptor.digest} from ${ctx.source.name}: the source ended after ${position - start} of ${length} bytes at offset ${start}`,
    );
  }
}

/** Retries a transfer on failures that a new attempt can fix; a missing blob or a cancel ends it at once. */
async function withAttempts(
  ctx: TransferContext,
  descriptor: Descriptor,
  signal: AbortSignal | undefined,
  task: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      const final =
        attempt >= ctx.attempts ||
        error instanceof NotFoundError ||
        error instanceof DigestMismatchError ||
        isNoSpace(error) ||
        signal?.aborted === true;
      if (final) {
        if (error instanceof CortexError) throw error;
        throw new TransferError(`${descriptor.digest} from ${ctx.source.name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await sleep(200 * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

async function discardPartial(ctx: TransferContext, descriptor: Descriptor): Promise<void> {
  const files = ctx.store.partialFiles(descriptor.digest);
  await fs.rm(files.data, { force: true });
  await fs.rm(files.meta, { force: true });
}
