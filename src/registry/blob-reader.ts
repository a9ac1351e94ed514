import { addAbortSignal, Readable } from "node:stream";
import { type BodySink, sinkReadable } from "../core/body-sink.js";
import { CortexError } from "../core/errors.js";
import type { BlobRange } from "../core/target.js";
import {
  backoffDelay,
  isRetryableNetworkError,
  type RetryPolicy,
  TransientTransferError,
  wait,
} from "../http/retry.js";
import type { HttpResponse } from "../http/transport.js";
import { RegistryError } from "./errors.js";

/** A byte window of a blob: [start, end). */
export interface ByteWindow {
  readonly start: number;
  readonly end: number;
}

export function blobWindow(size: number, range: BlobRange | undefined, what: string): ByteWindow {
  const start = range?.offset ?? 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > size) {
    throw new CortexError(`${what}: range offset ${start} lies outside the blob's ${size} bytes`);
  }
  if (range?.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 0)) {
    throw new CortexError(`${what}: range length ${range.length} is not a non-negative integer`);
  }
  const end = range?.length === undefined ? size : Math.min(size, start + range.length);
  return { start, end };
}

/** Opens the blob from `position` to the window's end; answers with the response and how many bytes to skip. */
export type OpenAt = (position: number) => Promise<{ response: HttpResponse; skip: number }>;

/**
 * Checks a response to a request for bytes [position, end) of a blob of `size` bytes and says how many
 * leading bytes to drop: a 206 must cover exactly the requested start; a 200 (a server that ignored Range)
 * carries the whole blob, so the bytes before `position` are skipped.
 */
export function checkRangeResponse(
  response: HttpResponse,
  position: number,
  end: number,
  size: number,
  what: string,
): number {
  const ranged = position > 0 || end < size;
  if (response.status === 200) return ranged ? position : 0;
  if (response.status !== 206) {
    throw new RegistryError(`${what}: unexpected HTTP ${response.status} to a blob request`, {
      status: response.status,
    });
  }
  const contentRange = response.header("content-range") ?? "";
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
  if (!match || Number(match[1]) !== position || Number(match[2]) < Math.min(end, size) - 1) {
    throw new RegistryError(
      `${what}: asked for bytes ${position}-${end - 1} but the server answered 206 with Content-Range "${contentRange}"`,
      { status: 206 },
    );
  }
  return 0;
}

/** Stops a whole-blob 200 once the window is full: the rest of that body is not ours. */
class WindowFull extends Error {}

/**
 * Sends the bytes of a window into `sink`. A connection that breaks mid-body is picked up again with a
 * Range request from the first missing byte (the retry budget restarts whenever bytes arrive), so a long
 * download survives flaky links; a body longer than the window is an error, never silently passed on.
 */
export async function pumpWindow(
  window: ByteWindow,
  open: OpenAt,
  policy: RetryPolicy,
  what: string,
  sink: BodySink,
  signal?: AbortSignal | undefined,
): Promise<void> {
  let position = window.start;
  let failures = 0;
  while (position < window.end) {
    const current = await open(position);
    let skip = current.skip;
    let failure: Error;
    try {
      await current.response.readInto((chunk) => {
        // Bytes already read are not handed on once the caller has given up.
        signal?.throwIfAborted();
        let bytes = chunk;
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.length);
          skip -= dropped;
          bytes = bytes.subarray(dropped);
          if (bytes.length === 0) return;
        }
        const room = window.end - position;
        if (bytes.length > room) {
          if (current.response.header("content-range")) {
            throw new CortexError(`${what}: the server sent more bytes than requested`);
          }
          position += room;
          return Promise.resolve(sink(bytes.subarray(0, room))).then(() => {
            throw new WindowFull();
          });
        }
        position += bytes.length;
        failures = 0;
        return sink(bytes);
      }, signal);
      if (position >= window.end) {
        // A caller that gave up while the last bytes were on their way still sees the abort.
        signal?.throwIfAborted();
        return;
      }
      failure = new TransientTransferError(`body ended at byte ${position} of ${window.end}`);
    } catch (error) {
      if (error instanceof WindowFull) return;
      failure = error as Error;
    }
    if (signal?.aborted || !isRetryableNetworkError(failure) || ++failures >= policy.attempts) {
      if (failure instanceof CortexError || signal?.aborted) throw failure;
      throw new RegistryError(
        `${what}: transfer failed at byte ${position}: ${failure.message}`,
        {},
        { cause: failure },
      );
    }
    await wait(backoffDelay(failures - 1, policy), signal);
  }
}

/** The bytes of a window as one stream, with the same resumption as pumpWindow. */
export async function readWindow(
  window: ByteWindow,
  open: OpenAt,
  policy: RetryPolicy,
  what: string,
  signal?: AbortSignal | undefined,
): Promise<Readable> {
  if (window.end === window.start) return Readable.from([]);
  // The first request is made before the stream is returned, so that a missing blob or a refusal is
  // reported by fetchBlob itself rather than by the first read.
  const first = await open(window.start);
  let opened = false;
  const reopen: OpenAt = async (position) => {
    if (opened) return open(position);
    opened = true;
    return first;
  };
  const stream = sinkReadable((sink, stop) =>
    pumpWindow(window, reopen, policy, what, sink, signal ? AbortSignal.any([signal, stop]) : stop),
  );
  // An abort ends the stream even when every byte has already arrived and waits in its buffer.
  return signal ? addAbortSignal(signal, stream) : stream;
}
