import { CortexError } from "../core/errors.js";
import type { ProxyEnv } from "../http/proxy.js";
import { isRetryableStatus, type RetryPolicy, statusFailure, withRetries } from "../http/retry.js";
import {
  exchange,
  type HttpMethod,
  type HttpResponse,
  type OriginAuthorization,
  type RequestBody,
} from "../http/transport.js";
import { Authenticator } from "./auth.js";
import type { Credential } from "./credentials.js";
import { errorForResponse, RegistryError } from "./errors.js";
import type { Redactor } from "./redact.js";

export interface ClientRequest {
  readonly method: HttpMethod;
  /** Path under the registry's base URL (`/v2/...`), or an absolute URL the registry handed out (upload locations). */
  readonly path: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly signal?: AbortSignal | undefined | undefined;
  /** Token scopes the request needs (`repository:ai/model:pull`). */
  readonly scopes: readonly string[];
  /** What the request is about, for messages: `manifest latest`, `blob sha256:...`. */
  readonly what: string;
  /** Blob bytes: read with the direct reader. */
  readonly bulk?: boolean;
}

export interface RegistryClientOptions {
  readonly registry: string;
  readonly baseUrl: URL;
  readonly authenticator: Authenticator;
  /**
   * Credentials another origin may have for itself (a redirect target that challenges): looked up by its
   * own host, never the registry's. Absent: such an origin is answered anonymously.
   */
  readonly credentialFor?: (host: string) => Promise<Credential | undefined>;
  readonly redactor: Redactor;
  readonly retry: RetryPolicy;
  readonly insecure?: boolean;
  readonly proxies?: ProxyEnv;
}

/**
 * HTTP to one registry: authorization (answering 401 challenges once per origin per attempt), retries on
 * 408, 429, 5xx and broken connections, and errors that name the registry and never carry a secret.
 *
 * Credentials are chosen by the origin that issued a challenge: the registry's own challenges get the
 * registry's credentials (and its token realm is trusted with them, as the docker CLI does); a challenge
 * from any other origin a redirect led to is answered by an authenticator of that origin, with only the
 * credentials configured for that host, or none.
 */
export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: URL;
  readonly redactor: Redactor;
  readonly #options: RegistryClientOptions;
  readonly #foreign = new Map<string, Authenticator>();

  constructor(options: RegistryClientOptions) {
    this.#options = options;
    this.registry = options.registry;
    this.baseUrl = options.baseUrl;
    this.redactor = options.redactor;
  }

  /**
   * Sends the request and hands the response to `consume`. Statuses worth retrying never reach `consume`;
   * a connection that breaks while `consume` reads is retried too, so `consume` must read everything it
   * needs (or return a stream whose later failures are the caller's to handle).
   */
  async send<T>(where: string, req: ClientRequest, consume: (response: HttpResponse) => Promise<T>): Promise<T> {
    const url = typeof req.path === "string" ? new URL(req.path, this.baseUrl) : req.path;
    try {
      return await withRetries(this.#options.retry, req.signal, () => this.#attempt(where, url, req, consume));
    } catch (error) {
      throw this.#clean(where, req, error);
    }
  }

  /** One try of a request: answers one authentication challenge per origin; failing statuses become errors. */
  async #attempt<T>(
    where: string,
    url: URL,
    req: ClientRequest,
    consume: (response: HttpResponse) => Promise<T>,
  ): Promise<T> {
    const challenged = new Set<string>();
    for (;;) {
      const response = await this.#exchange(url, req);
      if (response.status === 401 && (await this.#answered(response, req, challenged))) {
        await response.discard();
        continue;
      }
      if (response.status === 401 || response.status === 403) throw await this.failure(where, req.what, response);
      // The body is read for the message only when the status is one to retry; `consume` handles the rest.
      if (isRetryableStatus(response.status)) {
        throw statusFailure(response, await this.failure(where, req.what, response));
      }
      return await consume(response);
    }
  }

  /** Whether the challenge of a 401 was answered, once per origin: the request is then worth sending again. */
  async #answered(response: HttpResponse, req: ClientRequest, challenged: Set<string>): Promise<boolean> {
    const origin = response.url.origin;
    if (challenged.has(origin)) return false;
    challenged.add(origin);
    const header = response.header("www-authenticate");
    const scopes = origin === this.baseUrl.origin ? req.scopes : [];
    return this.#authenticatorOf(response.url).respond(header, scopes, req.signal ?? undefined);
  }

  /** The request sent once, with the authorizations the authenticators hold now. */
  #exchange(url: URL, req: ClientRequest): Promise<HttpResponse> {
    return exchange(
      {
        method: req.method,
        url,
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.bulk ? { bulk: true } : {}),
      },
      {
        authorizations: this.#authorizations(req.scopes),
        insecure: this.#options.insecure,
        ...(this.#options.proxies ? { proxies: this.#options.proxies } : {}),
      },
    );
  }

  /** The error for a response that is not what the operation needed; reads (and redacts) the error body. */
  async failure(where: string, what: string, response: HttpResponse): Promise<CortexError> {
    const text = this.redactor.redact(await response.text());
    const origin = response.url.origin;
    if (origin === this.baseUrl.origin) {
      return errorForResponse(where, what, response.status, text, {
        anonymous: this.#options.authenticator.anonymous,
        registry: this.baseUrl.host,
      });
    }
    return errorForResponse(where, `${what} (redirected to ${origin})`, response.status, text, {
      anonymous: this.#foreign.get(origin)?.anonymous ?? true,
      foreignHost: response.url.host,
    });
  }

  /** What to send to each origin that has answered a challenge: the registry's and any redirect target's. */
  #authorizations(scopes: readonly string[]): OriginAuthorization[] {
    const authorizations: OriginAuthorization[] = [];
    const own = this.#options.authenticator.authorization(scopes);
    if (own) authorizations.push({ origin: this.baseUrl.origin, value: own });
    for (const [origin, authenticator] of this.#foreign) {
      const value = authenticator.authorization([]);
      if (value) authorizations.push({ origin, value });
    }
    return authorizations;
  }

  #authenticatorOf(url: URL): Authenticator {
    if (url.origin === this.baseUrl.origin) return this.#options.authenticator;
    let authenticator = this.#foreign.get(url.origin);
    if (!authenticator) {
      const { credentialFor } = this.#options;
      authenticator = new Authenticator({
        registry: `${url.host} (a redirect target of ${this.registry})`,
        credential: async () => credentialFor?.(url.host),
        redactor: this.redactor,
        retry: this.#options.retry,
        ...(this.#options.insecure !== undefined ? { insecure: this.#options.insecure } : {}),
        ...(this.#options.proxies ? { proxies: this.#options.proxies } : {}),
      });
      this.#foreign.set(url.origin, authenticator);
    }
    return authenticator;
  }

  #clean(where: string, req: ClientRequest, error: unknown): Error {
    if (req.signal?.aborted) return error as Error;
    if (error instanceof CortexError) return error;
    const message = this.redactor.redact(error instanceof Error ? error.message : String(error));
    return new RegistryError(`${where}: ${req.method} ${req.what} failed: ${message}`, {}, { cause: error });
  }
}
