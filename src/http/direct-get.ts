import net from "node:net";
import tls from "node:tls";
import type { BodySink } from "../core/body-sink.js";
import { ChunkedDecoder } from "./chunked-decoder.js";
import { connectThrough, type ProxyServer, tunnelTarget } from "./proxy.js";
import { networkError } from "./retry.js";

/*
 * HTTP/1.1 GET for blob bodies over a socket that reads into one reused buffer (net's `onread`). Node's
 * usual read path allocates a 64 KiB buffer per read and pushes it through the stream machinery; for a
 * 1 GiB blob on loopback that cost about 2 s of CPU against 0.3 s here, and on a 2-core runner the CPU of
 * the receive path is what bounds pull throughput. Bodies framed by Content-Length, chunked coding or the
 * end of the connection are all read this way; body bytes are handed on as views of the read buffer.
 */

const READ_BUFFER_BYTES = 1 << 20;
const MAX_HEAD_BYTES = 64 << 10;
const MAX_IDLE_PER_ORIGIN = 16;
/** A connection that stayed silent this long is given up (and retried, like a broken one). */
export const IDLE_TIMEOUT_MS = 60_000;

export interface DirectResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Sends the body into `sink`; settles when all of it has been delivered. Call once. */
  readInto(sink: BodySink, signal?: AbortSignal): Promise<void>;
  /** Drops the body (and the connection with it). */
  discard(): void;
}

/** The error a connection silent for IDLE_TIMEOUT_MS is given up with: retryable, like a broken one. */
export function idleTimeoutError(origin: string): Error {
  return networkError(`no data from ${origin} for ${IDLE_TIMEOUT_MS / 1000} s`, "ETIMEDOUT");
}

/** Returns false to pause reading. */
type Receiver = (bytes: Buffer) => boolean;

/** How the body's end is found: a byte count, the chunked coding, or the connection closing. */
type Framing =
  | { readonly kind: "length"; left: number }
  | { readonly kind: "chunked"; readonly decoder: ChunkedDecoder }
  | { readonly kind: "close" };

interface Head {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly keepAlive: boolean;
}

function parseHead(text: string): Head {
  const [statusLine = "", ...fields] = text.split("\r\n");
  const status = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP/1.x response: "${statusLine.slice(0, 80)}"`);
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(":");
    if (colon <= 0) throw new Error(`malformed response header "${field.slice(0, 80)}"`);
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return {
    status: Number(status[2]),
    headers,
    keepAlive: status[1] === "1" && !/\bclose\b/i.test(headers.connection ?? ""),
  };
}

function framing(head: Head): Framing {
  const coding = head.headers["transfer-encoding"];
  if (head.status === 204 || head.status === 304) return { kind: "length", left: 0 };
  if (coding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(coding)) throw new Error(`unsupported transfer-encoding "${coding}"`);
    return { kind: "chunked", decoder: new ChunkedDecoder() };
  }
  const declared = head.headers["content-length"];
  if (declared === undefined) return { kind: "close" };
  if (!/^\d+$/.test(declared)) throw new Error(`bad content-length "${declared}"`);
  return { kind: "length", left: Number(declared) };
}

interface FinalHead {
  readonly head: Head;
  readonly frame: Framing;
  /** Body bytes that arrived with the head. */
  readonly body: Buffer;
}

/** The first final (not 1xx) response head in `bytes`, or the bytes left to complete with the next read. */
function finalHead(bytes: Buffer): FinalHead | { readonly rest: Buffer } {
  let rest = bytes;
  for (let end = rest.indexOf("\r\n\r\n"); end >= 0; end = rest.indexOf("\r\n\r\n")) {
    const head = parseHead(rest.toString("latin1", 0, end));
    rest = rest.subarray(end + 4);
    if (head.status >= 200) return { head, frame: framing(head), body: rest };
  }
  return { rest };
}

/**
 * The body bytes in `bytes` from `offset` under `frame` (chunked coding takes one run at a time), and where
 * to continue; throws when the server sends more than its framing allows.
 */
function bodyStep(frame: Framing, bytes: Buffer, offset: number): { offset: number; data?: Buffer } {
  if (frame.kind === "chunked") {
    const step = frame.decoder.step(bytes, offset);
    if (frame.decoder.done && step.offset < bytes.length) throw new Error("bytes after the end of a chunked body");
    return step;
  }
  const data = bytes.subarray(offset);
  if (frame.kind === "length") {
    if (data.length > frame.left) throw new Error("the server sent more bytes than its Content-Length");
    frame.left -= data.length;
  }
  return { offset: bytes.length, data };
}

function bodyEnded(frame: Framing): boolean {
  return frame.kind === "length" ? frame.left === 0 : frame.kind === "chunked" && frame.decoder.done;
}

/** A response head arriving over several reads, held until it is whole; MAX_HEAD_BYTES at most. */
class HeadBuffer {
  #held: Buffer | undefined;
  #bytes = 0;

  /** The final head once `bytes` completes it, or undefined to read on; throws on a malformed or huge head. */
  add(bytes: Buffer): FinalHead | undefined {
    this.#bytes += bytes.length;
    const found = finalHead(this.#held === undefined ? bytes : Buffer.concat([this.#held, bytes]));
    if ("head" in found) return found;
    // A copy: the read buffer is overwritten by the next read.
    this.#held = found.rest.length === 0 ? undefined : Buffer.from(found.rest);
    if (this.#bytes > MAX_HEAD_BYTES) throw new Error(`response head over ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
}

/**
 * One response body on its way into a sink: each read is cut by the body's framing and handed on, reading
 * pauses while the sink is busy, and `end` is called once, with the error when the body did not arrive whole.
 */
class BodyRead {
  readonly #frame: Framing;
  readonly #sink: BodySink;
  readonly #signal: AbortSignal | undefined;
  readonly #resume: () => void;
  readonly #end: (error?: unknown) => void;
  #received = 0;
  #ended = false;

  constructor(
    frame: Framing,
    sink: BodySink,
    signal: AbortSignal | undefined,
    calls: { readonly resume: () => void; readonly end: (error?: unknown) => void },
  ) {
    this.#frame = frame;
    this.#sink = sink;
    this.#signal = signal;
    this.#resume = calls.resume;
    this.#end = calls.end;
  }

  /** Hands `bytes` from `offset` on; false when reading must pause (a pending sink, or the end). */
  consume(bytes: Buffer, offset: number): boolean {
    for (let at = offset; ; ) {
      let pending: ReturnType<BodySink> | undefined;
      try {
        const step = bodyStep(this.#frame, bytes, at);
        at = step.offset;
        this.#received += step.data?.length ?? 0;
        pending = step.data && step.data.length > 0 ? this.#sink(step.data) : undefined;
      } catch (error) {
        this.#finish(error);
        return false;
      }
      if (pending) {
        this.#continueAfter(pending, bytes, at);
        return false;
      }
      if (bodyEnded(this.#frame)) {
        this.#finish();
        return false;
      }
      if (at >= bytes.length) return true;
    }
  }

  /** The connection ended: the body's end when the close frames it, otherwise a retryable network error. */
  closed(error: Error | undefined): void {
    if (this.#signal?.aborted) this.#finish(this.#signal.reason);
    else if (error === undefined && this.#frame.kind === "close") this.#finish();
    else {
      const message = `${error?.message ?? "the connection closed"} after ${this.#received} body bytes`;
      this.#finish(networkError(message, "ECONNRESET", error));
    }
  }

  /** Once the sink has taken its bytes: the rest of this read, then reading resumes. */
  #continueAfter(pending: Promise<void>, bytes: Buffer, next: number): void {
    pending.then(
      () => {
        if (bodyEnded(this.#frame)) this.#finish();
        else if (this.consume(bytes, next)) this.#resume();
      },
      (error: unknown) => this.#finish(error),
    );
  }

  #finish(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#end(error);
  }
}

class Connection {
  readonly key: string;
  readonly socket: net.Socket;
  #receiver: Receiver | undefined;
  /** Called once when the connection ends: with the socket's error, or without one at a clean end. */
  #onClose: ((error: Error | undefined) => void) | undefined;

  /** `tunnel`: a connection to `url` through a proxy, already open; `key` then names the proxy too. */
  constructor(url: URL, key = url.origin, tunnel?: net.Socket) {
    this.key = key;
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const onread = {
      buffer,
      callback: (length: number, read: Buffer): boolean => {
        const receiver = this.#receiver;
        if (receiver === undefined) {
          // Bytes nobody asked for (a server talking out of turn on an idle connection): it cannot be reused.
          this.socket.destroy();
          return false;
        }
        return receiver(read.subarray(0, length));
      },
    };
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    // TLS sockets honour `onread` too (a test reads through TLS); @types/node only declares it for net.
    const secure: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
      host,
      port,
      onread,
      ALPNProtocols: ["http/1.1"],
      ...(net.isIP(host) === 0 ? { servername: host } : {}),
    };
    this.socket = tunnel
      ? readThrough(tunnel, onread)
      : url.protocol === "https:"
        ? tls.connect(secure)
        : net.connect({ host, port, onread });
    this.socket.setTimeout(IDLE_TIMEOUT_MS, () => this.socket.destroy(idleTimeoutError(url.origin)));
    const closed = (error?: Error) => {
      const onClose = this.#onClose;
      this.#onClose = undefined;
      this.#receiver = undefined;
      onClose?.(error);
    };
    this.socket.on("error", closed);
    this.socket.on("end", () => closed());
    this.socket.on("close", () => {
      closed();
      forget(this);
    });
  }

  /** Sends the request and waits for the head of the response (skipping informational 1xx heads). */
  request(url: URL, requestHead: string, signal: AbortSignal | undefined): Promise<DirectResponse> {
    return new Promise<DirectResponse>((resolve, reject) => {
      const heads = new HeadBuffer();
      let answered = false;
      const stopWatching = watch(signal, this.socket);
      this.#onClose = (error) => {
        stopWatching();
        const cause = error ?? networkError(`${url.origin} closed the connection`, "ECONNRESET");
        reject(answered ? cause : Object.assign(cause, { beforeResponse: true }));
      };
      this.#receiver = (bytes) => {
        answered = true;
        let found: FinalHead | undefined;
        try {
          found = heads.add(bytes);
        } catch (error) {
          this.socket.destroy();
          reject(error);
          return false;
        }
        if (found === undefined) return true;
        stopWatching();
        this.#receiver = undefined;
        this.#onClose = undefined;
        // Body bytes that came with the head stay in the read buffer: the socket pauses (false below) until
        // the body is read, so nothing overwrites them.
        resolve(this.#response(found.head, found.frame, found.body));
        return false;
      };
      this.socket.ref();
      this.socket.write(requestHead);
      // A reused connection was left paused when its last body ended.
      this.socket.resume();
    });
  }

  #response(head: Head, frame: Framing, early: Buffer): DirectResponse {
    let used = false;
    const keepAlive = head.keepAlive && frame.kind !== "close";
    return {
      status: head.status,
      headers: head.headers,
      readInto: (sink, signal) => {
        if (used) throw new Error("the body was already read");
        used = true;
        return this.#body(frame, keepAlive, early, sink, signal);
      },
      discard: () => {
        if (used) return;
        used = true;
        if (frame.kind === "length" && frame.left === early.length) release(this, keepAlive);
        else this.socket.destroy();
      },
    };
  }

  #body(
    frame: Framing,
    keepAlive: boolean,
    early: Buffer,
    sink: BodySink,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stopWatching = watch(signal, this.socket);
      const read = new BodyRead(frame, sink, signal, {
        resume: () => this.socket.resume(),
        end: (error) => {
          stopWatching();
          this.#receiver = undefined;
          this.#onClose = undefined;
          if (error === undefined) {
            release(this, keepAlive);
            resolve();
          } else {
            this.socket.destroy();
            reject(error);
          }
        },
      });
      this.#onClose = (error) => read.closed(error);
      this.#receiver = (bytes) => read.consume(bytes, 0);
      if (!read.consume(early, 0)) return;
      if (this.socket.destroyed) read.closed(undefined);
      else this.socket.resume();
    });
  }
}

/**
 * TLS inside a tunnel cannot take `onread` (Node ignores it over an existing socket), so a tunnel's chunks
 * go to the same callback, and reading pauses when it says so.
 */
function readThrough(socket: net.Socket, { callback }: net.OnReadOpts): net.Socket {
  return socket.on("data", (chunk: Buffer) => {
    if (!callback(chunk.length, chunk)) socket.pause();
  });
}

/** Destroys the socket with the signal's reason when it aborts; returns the function that stops watching. */
function watch(signal: AbortSignal | undefined, socket: net.Socket): () => void {
  if (signal === undefined) return () => {};
  const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
  if (signal.aborted) abort();
  signal.addEventListener("abort", abort, { once: true });
  return () => signal.removeEventListener("abort", abort);
}

const idle = new Map<string, Connection[]>();

function release(connection: Connection, keepAlive: boolean): void {
  const list = idle.get(connection.key) ?? [];
  if (!keepAlive || connection.socket.destroyed || list.length >= MAX_IDLE_PER_ORIGIN) {
    connection.socket.destroy();
    return;
  }
  // An idle connection must not keep the process alive.
  connection.socket.unref();
  list.push(connection);
  idle.set(connection.key, list);
}

function forget(connection: Connection): void {
  const list = idle.get(connection.key);
  const at = list?.indexOf(connection) ?? -1;
  if (list && at >= 0) list.splice(at, 1);
}

function take(key: string): Connection | undefined {
  const list = idle.get(key);
  for (let connection = list?.pop(); connection; connection = list?.pop()) {
    if (!connection.socket.destroyed) return connection;
  }
  return undefined;
}

/**
 * GET `url` and wait for the response head. A kept-alive connection is reused when one is idle; if the
 * server had closed it meanwhile (nothing came back), the request goes once more on a new connection.
 */
export async function directGet(
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal?: AbortSignal | undefined,
  proxy?: ProxyServer,
): Promise<DirectResponse> {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  const requestHead = `${lines.join("\r\n")}\r\n\r\n`;
  // A tunnel is reused only for the target it leads to, through the same proxy.
  const key = proxy ? `${url.origin} via ${proxy.key}` : url.origin;
  const reused = take(key);
  if (reused) {
    try {
      return await reused.request(url, requestHead, signal);
    } catch (error) {
      if (!(error as { beforeResponse?: boolean }).beforeResponse || signal?.aborted) throw error;
    }
  }
  const tunnel = proxy && (await connectThrough(proxy, tunnelTarget(url), { ALPNProtocols: ["http/1.1"] }, signal));
  return new Connection(url, key, tunnel).request(url, requestHead, signal);
}
