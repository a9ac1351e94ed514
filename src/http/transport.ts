import http from "node:http";
import https from "node:https";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { type BodySink, sinkReadable } from "../core/body-sink.js";
import { CortexError } from "../core/errors.js";
import { type DirectResponse, directGet, IDLE_TIMEOUT_MS, idleTimeoutError } from "./direct-get.js";
import { assertTransportAllowed } from "./origin.js";
import { type ProxyEnv, type ProxyServer, proxyAgent, proxyFor } from "./proxy.js";

export type HttpMethod = "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";

/** A request body that can be sent again: bytes, or a factory that makes a fresh stream for each attempt. */
export type RequestBody = Uint8Array | (() => Readable);

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A GET for bulk bytes (blobs): read with the direct reader, which costs far less CPU per byte. */
  readonly bulk?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  /** URL that answered, after redirects. */
  readonly url: URL;
  header(name: string): string | undefined;
  readonly body: Readable;
  /** Sends the body into `sink` (the cheap way to read a large body); settles when it is complete. */
  readInto(sink: BodySink, signal?: AbortSignal): Promise<void>;
  /** Reads up to `limit` bytes of the body as text (for error messages), then discards the rest. */
  text(limit?: number): Promise<string>;
  /** Discards the body so the connection can be reused. */
  discard(): Promise<void>;
}

/** An Authorization value and the one origin it belongs to. */
export interface OriginAuthorization {
  readonly origin: string;
  readonly value: string;
}

export interface ExchangeOptions {
  /**
   * Each value is sent only to its own origin, and never again in a chain once a redirect has left that
   * origin: a hop that comes back may be an open redirect on the way to somewhere else.
   */
  readonly authorizations?: readonly OriginAuthorization[];
  /**
   * The body carries a secret (a refresh token): a redirect that would send it to another origin is
   * refused instead of followed.
   */
  readonly confidentialBody?: boolean;
  readonly insecure?: boolean | undefined;
  /** Proxies from the environment; every hop (token realm, a redirect elsewhere) picks its own. */
  readonly proxies?: ProxyEnv;
}

/** A streamed request body whose length is not the Content-Length it was sent with. */
export class BodyLengthError extends Error {
  override readonly name = "BodyLengthError";
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/*
 * Node's own HTTP client rather than undici for registry traffic: receiving a 1 GiB blob through undici
 * cost about twice the CPU of node:http here (its parser copies every socket chunk into WebAssembly
 * memory). Bulk GETs go through the direct reader, cheaper still.
 */
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** A redirect would have carried a confidential body to another origin. */
export class ConfidentialRedirectError extends CortexError {}

/**
 * One HTTP exchange, redirects included. Redirects are followed by hand so that an Authorization header
 * goes to its own origin only: a hop to another origin (a CDN serving blobs) drops the registry's, and it
 * stays dropped for the rest of the chain even if a later hop comes back.
 */
export async function exchange(req: HttpRequest, options: ExchangeOptions = {}): Promise<HttpResponse> {
  let url = req.url;
  let method = req.method;
  let body = req.body;
  const left = new Set<string>();
  for (let hop = 0; ; hop++) {
    assertTransportAllowed(url, { insecure: options.insecure });
    const authorization = options.authorizations?.find((a) => a.origin === url.origin && !left.has(a.origin));
    const headers = hopHeaders(req.headers, method, body, authorization?.value);
    const proxy = options.proxies && proxyFor(url, options.proxies);
    const response = await sendHop({ ...req, url, method, headers, body }, proxy);
    const location = response.header("location");
    if (!REDIRECT_STATUSES.has(response.status) || location === undefined) return response;
    await response.discard();
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects (more than ${MAX_REDIRECTS}) from ${req.url.origin}`);
    const next = new URL(location, url);
    if (response.status === 303 || (response.status <= 302 && method === "POST")) {
      method = "GET";
      body = undefined;
    }
    if (next.origin !== url.origin)
      leaveOrigin(url, next, body !== undefined && options.confidentialBody === true, left);
    url = next;
  }
}

/** A redirect to another origin: refused with a confidential body, and the origin's credentials stay behind. */
function leaveOrigin(url: URL, next: URL, confidential: boolean, left: Set<string>): void {
  if (confidential) {
    throw new ConfidentialRedirectError(
      `${url.origin} redirected a request carrying a secret to ${next.origin}: not followed`,
    );
  }
  left.add(url.origin);
}

/** One hop: a bulk GET through the direct reader, anything else through node:http. */
async function sendHop(
  hop: HttpRequest & { readonly headers: Record<string, string> },
  proxy: ProxyServer | undefined,
): Promise<HttpResponse> {
  if (hop.bulk && hop.method === "GET")
    return wrapDirect(hop.url, await directGet(hop.url, hop.headers, hop.signal, proxy));
  return wrapIncoming(hop.url, await send(hop.url, hop.method, hop.headers, hop.body, hop.signal, proxy));
}

/** The headers of one hop: the request's, the authorization when this hop may carry it, no length on a GET. */
function hopHeaders(
  given: Readonly<Record<string, string>> | undefined,
  method: HttpMethod,
  body: RequestBody | undefined,
  authorization: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { ...given };
  if (authorization !== undefined) headers.authorization = authorization;
  if (body === undefined && (method === "GET" || method === "HEAD")) delete headers["content-length"];
  return headers;
}

function send(
  url: URL,
  method: HttpMethod,
  headers: Record<string, string>,
  body: RequestBody | undefined,
  signal: AbortSignal | undefined,
  proxy: ProxyServer | undefined,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const request = (secure ? https : http).request(url, {
      method,
      headers,
      agent: proxy ? proxyAgent(proxy, secure) : agents[secure ? "https:" : "http:"],
      ...(signal ? { signal } : {}),
    });
    request.once("response", resolve);
    // Errors after the response (a body that fails to upload) must still find a listener.
    request.on("error", reject);
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(idleTimeoutError(url.origin)));
    writeBody(request, body, headers["content-length"]);
  });
}

/** Sends the body (a streamed one checked against its declared length) and ends the request. */
function writeBody(request: http.ClientRequest, body: RequestBody | undefined, declared: string | undefined): void {
  if (body === undefined) request.end();
  else if (body instanceof Uint8Array) request.end(body);
  else {
    const source = declared === undefined ? body() : pipeline(body(), new LengthCheck(Number(declared)), () => {});
    // Not pipeline() into the request: it aborts a request it tears down, and the cause would read
    // "socket hang up" instead of what went wrong with the body.
    source.once("error", (error) => request.destroy(error));
    source.pipe(request);
  }
}

/** Passes a body through and fails it when it is longer or shorter than the length it was declared with. */
class LengthCheck extends Transform {
  #seen = 0;
  readonly #declared: number;

  constructor(declared: number) {
    super();
    this.#declared = declared;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#declared) callback(this.#mismatch());
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#seen === this.#declared ? null : this.#mismatch());
  }

  #mismatch(): BodyLengthError {
    return new BodyLengthError(`the body is not the ${this.#declared} bytes its Content-Length says`);
  }
}

async function drain(body: Readable): Promise<void> {
  try {
    for await (const _ of body);
  } catch {
    body.destroy();
  }
}

async function readText(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // An error body that breaks off is still worth quoting as far as it came.
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

function pumpIncoming(response: http.IncomingMessage, sink: BodySink, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let last: Promise<void> = Promise.resolve();
    const fail = (error: unknown) => {
      signal?.removeEventListener("abort", abort);
      response.destroy();
      reject(error);
    };
    const abort = () => fail(signal?.reason);
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    response.on("data", (chunk: Buffer) => {
      try {
        const pending = sink(chunk);
        if (pending) {
          response.pause();
          last = pending.then(() => {
            response.resume();
          });
          last.catch(fail);
        }
      } catch (error) {
        fail(error);
      }
    });
    response.once("error", fail);
    response.once("end", () => {
      signal?.removeEventListener("abort", abort);
      last.then(resolve, reject);
    });
  });
}

function headerOf(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

function wrapIncoming(url: URL, response: http.IncomingMessage): HttpResponse {
  return {
    status: response.statusCode ?? 0,
    url,
    body: response,
    header: (name) => headerOf(response.headers, name),
    readInto: (sink, signal) => pumpIncoming(response, sink, signal),
    text: (limit = 64 * 1024) => readText(response, limit),
    discard: () => drain(response),
  };
}

function wrapDirect(url: URL, response: DirectResponse): HttpResponse {
  let body: Readable | undefined;
  const stream = () => {
    body ??= sinkReadable((sink, signal) => response.readInto(sink, signal));
    return body;
  };
  return {
    status: response.status,
    url,
    get body() {
      return stream();
    },
    header: (name) => response.headers[name.toLowerCase()],
    readInto: (sink, signal) => response.readInto(sink, signal),
    text: (limit = 64 * 1024) => readText(stream(), limit),
    discard: async () => response.discard(),
  };
}
