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
  return new WindowStream(window, open, policy, what, signal, await open(window.start));
}

/**
 * A plain Readable fed by the response bodies' data events with pause/resume backpressure: an async
 * generator costs a promise per chunk, which showed as a large share of the time on fast loopback pulls.
 */
class WindowStream extends Readable {
  readonly #window: ByteWindow;
  readonly #open: OpenAt;
  readonly #policy: RetryPolicy;
  readonly #what: string;
  readonly #signal: AbortSignal | undefined;
  #position: number;
  #failures = 0;
  #current: { response: HttpResponse; skip: number } | undefined;

  constructor(
    window: ByteWindow,
    open: OpenAt,
    policy: RetryPolicy,
    what: string,
    signal: AbortSignal | undefined,
    first: { response: HttpResponse; skip: number },
  ) {
    super();
    this.#window = window;
    this.#open = open;
    this.#policy = policy;
    this.#what = what;
    this.#signal = signal;
    this.#position = window.start;
    this.#attach(first);
  }

  override _read(): void {
    this.#current?.response.body.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#detach()?.destroy();
    callback(error);
  }

  #attach(current: { response: HttpResponse; skip: number }): void {
    this.#current = current;
    const body = current.response.body;
    body.on("data", (chunk: Buffer) => this.#data(current, chunk));
    body.once("end", () => this.#ended(current));
    body.once("error", (error: Error) => this.#failed(current, error));
  }

  /** Stops listening to the current body and returns it. */
  #detach() {
    const body = this.#current?.response.body;
    body?.removeAllListeners("data");
    body?.removeAllListeners("end");
    this.#current = undefined;
    return body;
  }

  #data(current: { response: HttpResponse; skip: number }, chunk: Buffer): void {
    if (current !== this.#current) return;
    let buffer = chunk;
    if (current.skip > 0) {
      const dropped = Math.min(current.skip, buffer.length);
      current.skip -= dropped;
      buffer = buffer.subarray(dropped);
      if (buffer.length === 0) return;
    }
    const room = this.#window.end - this.#position;
    if (buffer.length > room) {
      if (current.response.header("content-range")) {
        this.destroy(new CortexError(`${this.#what}: the server sent more bytes than requested`));
        return;
      }
      // A whole-blob 200 for a window that ends early: the rest is not ours.
      this.#position += room;
      this.push(buffer.subarray(0, room));
      this.#detach()?.destroy();
      this.push(null);
      return;
    }
    this.#position += buffer.length;
    this.#failures = 0;
    if (!this.push(buffer)) current.response.body.pause();
  }

  #ended(current: { response: HttpResponse; skip: number }): void {
    if (current !== this.#current) return;
    if (this.#position >= this.#window.end) {
      this.#detach();
      this.push(null);
      return;
    }
    this.#failed(current, new TransientTransferError(`body ended at byte ${this.#position} of ${this.#window.end}`));
  }

  #failed(current: { response: HttpResponse; skip: number }, error: Error): void {
    if (current !== this.#current) return;
    this.#detach()?.destroy();
    if (this.#signal?.aborted || !isRetryableNetworkError(error) || ++this.#failures >= this.#policy.attempts) {
      this.destroy(
        error instanceof CortexError || this.#signal?.aborted
          ? error
          : new RegistryError(
              `${this.#what}: transfer failed at byte ${this.#position}: ${error.message}`,
              {},
              {
                cause: error,
              },
            ),
      );
      return;
    }
    wait(backoffDelay(this.#failures - 1, this.#policy), this.#signal)
      .then(() => this.#open(this.#position))
      .then(
        (next) => {
          if (this.destroyed) next.response.body.destroy();
          else this.#attach(next);
        },
        (reopenError: Error) => this.destroy(reopenError),
      );
  }
}
