import { Readable } from "node:stream";
import { CortexError } from "../errors.js";
import type { BlobRange } from "../target.js";
import { RegistryError } from "./errors.js";
import { backoffDelay, isRetryableNetworkError, type RetryPolicy, TransientTransferError, wait } from "./retry.js";
import type { HttpResponse } from "./transport.js";

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

/**
 * The bytes of a window, as one stream. A connection that breaks mid-body is picked up again with a Range
 * request from the first missing byte (the retry budget restarts whenever bytes arrive), so a long download
 * survives flaky links; a body longer than the window is an error, never silently passed on.
 */
export async function readWindow(
  window: ByteWindow,
  open: OpenAt,
  policy: RetryPolicy,
  what: string,
  signal?: AbortSignal,
): Promise<Readable> {
  if (window.end === window.start) return Readable.from([]);
  const first = await open(window.start);
  async function* bytes(): AsyncGenerator<Buffer> {
    let position = window.start;
    let current: { response: HttpResponse; skip: number } | undefined = first;
    let failures = 0;
    while (position < window.end) {
      try {
        current ??= await open(position);
        let skip = current.skip;
        for await (const chunk of current.response.body) {
          let buffer = chunk as Buffer;
          if (skip > 0) {
            const dropped = Math.min(skip, buffer.length);
            skip -= dropped;
            buffer = buffer.subarray(dropped);
          }
          if (buffer.length === 0) continue;
          const room = window.end - position;
          if (buffer.length > room && !current.response.header("content-range")) {
            // A full-blob 200 for a window that ends early: stop reading, the rest is not ours.
            yield buffer.subarray(0, room);
            position += room;
            current.response.body.destroy();
            break;
          }
          if (buffer.length > room) throw new CortexError(`${what}: the server sent more bytes than requested`);
          yield buffer;
          position += buffer.length;
          failures = 0;
        }
        current = undefined;
        if (position < window.end) {
          throw new TransientTransferError(`body ended at byte ${position} of ${window.end}`);
        }
      } catch (error) {
        current?.response.body.destroy();
        current = undefined;
        if (signal?.aborted || !isRetryableNetworkError(error) || ++failures >= policy.attempts) {
          throw error instanceof CortexError
            ? error
            : new RegistryError(
                `${what}: transfer failed at byte ${position}: ${(error as Error).message}`,
                {},
                {
                  cause: error,
                },
              );
        }
        await wait(backoffDelay(failures - 1, policy), signal);
      }
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}
