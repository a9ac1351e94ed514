import type { Readable } from "node:stream";
import { type Dispatcher, request } from "undici";
import { assertTransportAllowed } from "./origin.js";

export type HttpMethod = "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";

/** A request body that can be sent again: bytes, or a factory that makes a fresh stream for each attempt. */
export type RequestBody = Uint8Array | (() => Readable);

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** URL that answered, after redirects. */
  readonly url: URL;
  header(name: string): string | undefined;
  readonly body: Readable;
  /** Reads up to `limit` bytes of the body as text (for error messages), then discards the rest. */
  text(limit?: number): Promise<string>;
  /** Discards the body so the connection can be reused. */
  discard(): Promise<void>;
}

export interface ExchangeOptions {
  /** Sent only to this origin, and never again in a chain once a redirect has left it. */
  readonly authorization?: { readonly origin: string; readonly value: string };
  readonly insecure?: boolean;
  readonly dispatcher?: Dispatcher;
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP exchange, redirects included. Redirects are followed by hand so that the Authorization header
 * goes to the registry's own origin only: a hop to another origin (a CDN serving blobs) drops it, and it
 * stays dropped for the rest of the chain even if a later hop comes back.
 */
export async function exchange(req: HttpRequest, options: ExchangeOptions = {}): Promise<HttpResponse> {
  let url = req.url;
  let method = req.method;
  let body = req.body;
  let authorized = options.authorization !== undefined;
  for (let hop = 0; ; hop++) {
    assertTransportAllowed(url, { insecure: options.insecure });
    if (authorized && options.authorization && url.origin !== options.authorization.origin) authorized = false;
    const headers: Record<string, string> = { ...req.headers };
    if (authorized && options.authorization) headers.authorization = options.authorization.value;
    if (body === undefined) delete headers["content-length"];
    const response = await request(url, {
      method,
      headers,
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : body(),
      signal: req.signal,
      dispatcher: options.dispatcher,
    });
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== "string") {
      return wrapResponse(url, response);
    }
    await response.body.dump();
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects (more than ${MAX_REDIRECTS}) from ${req.url.origin}`);
    const next = new URL(location, url);
    if (response.statusCode === 303 || (response.statusCode <= 302 && method === "POST")) {
      method = "GET";
      body = undefined;
    }
    url = next;
  }
}

function wrapResponse(url: URL, response: Dispatcher.ResponseData): HttpResponse {
  const body = response.body;
  return {
    status: response.statusCode,
    url,
    body,
    header(name: string): string | undefined {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    async text(limit = 64 * 1024): Promise<string> {
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
    },
    async discard(): Promise<void> {
      try {
        await body.dump();
      } catch {
        body.destroy();
      }
    },
  };
}
