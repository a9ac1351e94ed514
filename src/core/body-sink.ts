import { Readable } from "node:stream";

/**
 * Where body bytes go as they arrive. `chunk` may sit in a read buffer that the next read reuses: it is
 * valid during the call and, when the sink returns a promise, until that promise settles (no further bytes
 * are read before). A sink that throws or rejects ends the transfer with that error.
 */
export type BodySink = (chunk: Buffer) => void | Promise<void>;

/** Sends a body into a sink; settles when the body is complete. */
export type BodyPump = (sink: BodySink, signal: AbortSignal) => Promise<void>;

/**
 * A pumped body as a Readable, for consumers that want a stream. Chunks are copied (the pump's buffer is
 * reused) and the pump waits whenever the stream's buffer is full; destroying the stream stops the pump.
 */
export function sinkReadable(pump: BodyPump): Readable {
  const stop = new AbortController();
  let wake: (() => void) | undefined;
  const stream = new Readable({
    read() {
      const resume = wake;
      wake = undefined;
      resume?.();
    },
    destroy(error, callback) {
      stop.abort(error ?? new Error("stream destroyed"));
      wake?.();
      callback(error);
    },
  });
  pump((chunk) => {
    if (stop.signal.aborted) throw stop.signal.reason;
    if (stream.push(Buffer.from(chunk))) return;
    return new Promise<void>((resolve) => {
      wake = resolve;
    });
  }, stop.signal).then(
    () => stream.push(null),
    (error: Error) => {
      if (!stream.destroyed) stream.destroy(error);
    },
  );
  return stream;
}
