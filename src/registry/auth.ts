import type { ProxyEnv } from "../http/proxy.js";
import { isRetryableStatus, parseRetryAfter, RetryLater, type RetryPolicy, withRetries } from "../http/retry.js";
import { ConfidentialRedirectError, exchange, type HttpResponse } from "../http/transport.js";
import { type Challenge, parseChallenges } from "./challenge.js";
import { type Credential, credentialSecrets } from "./credentials.js";
import { errorForResponse, RegistryAuthError } from "./errors.js";
import type { Redactor } from "./redact.js";

export interface AuthenticatorOptions {
  /** Registry host as written in references, for messages. */
  readonly registry: string;
  /** Credentials are looked up once, on the first challenge, so anonymous pulls never run a helper. */
  readonly credential: () => Promise<Credential | undefined>;
  readonly redactor: Redactor;
  readonly retry: RetryPolicy;
  readonly insecure?: boolean;
  readonly proxies?: ProxyEnv;
}

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

/** Tokens are refreshed this long before the expiry the token service announced. */
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;

/**
 * Answers a registry's authentication challenges: Basic with the resolved credentials, or Bearer tokens
 * fetched from the challenge's realm and cached per scope set (a push token must not serve a pull of
 * another repository, and the other way round).
 */
export class Authenticator {
  readonly #options: AuthenticatorOptions;
  #credential: Promise<Credential | undefined> | undefined;
  #anonymous = false;
  #basic: string | undefined;
  readonly #tokens = new Map<string, CachedToken>();

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  /** True once a challenge has been answered without any credential. */
  get anonymous(): boolean {
    return this.#anonymous;
  }

  /** The Authorization value to send for these scopes, when one is already known. */
  authorization(scopes: readonly string[]): string | undefined {
    if (this.#basic) return this.#basic;
    const token = this.#tokens.get(scopeKey(scopes));
    if (token && token.expiresAt > Date.now()) return `Bearer ${token.value}`;
    return undefined;
  }

  /**
   * Reacts to a 401: true when new authorization is now available and the request is worth sending again,
   * false when there is nothing more to try (the caller then reports the 401).
   */
  async respond(header: string | undefined, scopes: readonly string[], signal?: AbortSignal): Promise<boolean> {
    const challenges = parseChallenges(header ?? "");
    const bearer = challenges.find((c) => c.scheme === "bearer");
    const basic = challenges.find((c) => c.scheme === "basic");
    const credential = await this.#resolveCredential();
    this.#anonymous = credential === undefined;
    if (bearer?.params.realm) {
      const previous = this.#tokens.get(scopeKey(scopes));
      if (credential?.kind === "registryToken") {
        if (previous?.value === credential.token) return false;
        this.#tokens.set(scopeKey(scopes), { value: credential.token, expiresAt: Number.POSITIVE_INFINITY });
        return true;
      }
      const token = await this.#fetchToken(bearer, scopes, credential, signal);
      if (previous?.value === token.value) return false;
      this.#tokens.set(scopeKey(scopes), token);
      return true;
    }
    if (basic && credential?.kind === "basic") {
      const value = basicAuthorization(credential);
      if (this.#basic === value) return false;
      this.#basic = value;
      return true;
    }
    return false;
  }

  async #resolveCredential(): Promise<Credential | undefined> {
    this.#credential ??= this.#options.credential().then((credential) => {
      if (credential) for (const secret of credentialSecrets(credential)) this.#options.redactor.add(secret);
      return credential;
    });
    return this.#credential;
  }

  /** A token service's refusal, as a registry error; RetryLater around it when the status is worth retrying. */
  async #tokenFailure(
    response: HttpResponse,
    where: string,
    what: string,
    credential: Credential | undefined,
  ): Promise<Error> {
    const text = this.#options.redactor.redact(await response.text());
    const error = errorForResponse(where, what, response.status, text, {
      anonymous: credential === undefined,
      registry: this.#options.registry,
    });
    if (!isRetryableStatus(response.status)) return error;
    return new RetryLater(error, parseRetryAfter(response.header("retry-after")));
  }

  async #fetchToken(
    challenge: Challenge,
    scopes: readonly string[],
    credential: Credential | undefined,
    signal?: AbortSignal | undefined,
  ): Promise<CachedToken> {
    const realm = new URL(challenge.params.realm ?? "");
    const service = challenge.params.service;
    const wanted = mergeScopes(scopes, challenge.params.scope);
    const where = `registry ${this.#options.registry}: token service ${realm.origin}`;
    return withRetries(this.#options.retry, signal, async () => {
      const request =
        credential?.kind === "identityToken"
          ? refreshTokenRequest(realm, service, wanted, credential.token)
          : tokenRequest(realm, service, wanted);
      // The realm's own redirects get neither the password nor the refresh token.
      const response = await exchange(
        { ...request, signal },
        {
          insecure: this.#options.insecure,
          confidentialBody: true,
          ...(credential?.kind === "basic"
            ? { authorizations: [{ origin: realm.origin, value: basicAuthorization(credential) }] }
            : {}),
          ...(this.#options.proxies ? { proxies: this.#options.proxies } : {}),
        },
      ).catch((error: unknown) => {
        if (error instanceof ConfidentialRedirectError) throw new RegistryAuthError(`${where}: ${error.message}`);
        throw error;
      });
      if (response.status !== 200) {
        throw await this.#tokenFailure(response, where, `token request for ${wanted.join(" ")}`, credential);
      }
      const body = JSON.parse(await response.text(1024 * 1024)) as {
        token?: string;
        access_token?: string;
        expires_in?: number;
      };
      const value = body.token || body.access_token;
      if (!value) throw new RegistryAuthError(`${where}: the token response carries neither token nor access_token`);
      this.#options.redactor.add(value);
      const lifetime = (body.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
      return { value, expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2) };
    });
  }
}

function basicAuthorization(credential: { readonly username: string; readonly password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
}

function tokenRequest(realm: URL, service: string | undefined, scopes: readonly string[]) {
  const url = new URL(realm);
  if (service) url.searchParams.set("service", service);
  for (const scope of scopes) url.searchParams.append("scope", scope);
  return { method: "GET" as const, url };
}

/** OAuth2 refresh-token grant, as the docker CLI does with an identity token. */
function refreshTokenRequest(realm: URL, service: string | undefined, scopes: readonly string[], token: string) {
  const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: token, client_id: "cortex-model" });
  if (service) form.set("service", service);
  if (scopes.length > 0) form.set("scope", scopes.join(" "));
  return {
    method: "POST" as const,
    url: realm,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new Uint8Array(Buffer.from(form.toString())),
  };
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(" ");
}

/**
 * Our scopes joined with the challenge's, one entry per resource with its actions united. The registry
 * names actions in no fixed order (docker-registry says `push,pull` on one run and `pull,push` on the
 * next), so scopes are merged by resource, never compared as strings.
 */
export function mergeScopes(scopes: readonly string[], challenged: string | undefined): string[] {
  const actions = new Map<string, Set<string>>();
  const extra = (challenged ?? "").split(" ").filter((scope) => scope !== "");
  for (const scope of [...scopes, ...extra]) {
    const split = scope.lastIndexOf(":");
    const resource = split > 0 ? scope.slice(0, split) : scope;
    const listed = split > 0 ? scope.slice(split + 1).split(",") : [];
    const known = actions.get(resource) ?? new Set<string>();
    for (const action of listed) if (action) known.add(action);
    actions.set(resource, known);
  }
  return [...actions].map(([resource, known]) => (known.size > 0 ? `${resource}:${[...known].join(",")}` : resource));
}

/** Token scope for an operation on a repository. */
export function repositoryScope(repository: string, access: "pull" | "pull,push" | "delete"): string {
  return `repository:${repository}:${access}`;
}
