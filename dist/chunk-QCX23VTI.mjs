import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  BodyLengthError,
  ConfidentialRedirectError,
  ProxyError,
  exchange,
  proxyEnv,
  registryBaseUrl,
  sinkReadable
} from "./chunk-2CD7PZP6.mjs";
import {
  DEFAULT_RETRY_POLICY,
  DOCKER_HUB,
  DOCKER_HUB_ENDPOINT,
  MAX_MANIFEST_BYTES,
  RetryLater,
  TransientTransferError,
  attachReferrer,
  backoffDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  listReferrers,
  manifestMediaType,
  parseRetryAfter,
  readLimited,
  referrersTag,
  statusFailure,
  wait,
  withRetries
} from "./chunk-JLHAMPB3.mjs";
import {
  MANIFEST_MEDIA_TYPES,
  decodeIndex,
  isDigest,
  isManifestMediaType,
  parseDigest,
  sha256Digest
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  DigestMismatchError,
  EnvironmentError,
  FormatError,
  NotFoundError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/registry/challenge.ts
function parseChallenges(header) {
  const challenges = [];
  const cursor = new Cursor(header);
  while (!cursor.done) {
    cursor.skip(/[\s,]/);
    const word = cursor.token();
    if (word === "") {
      cursor.at++;
      continue;
    }
    cursor.skip(/ /);
    const current = challenges.at(-1);
    if (cursor.next === "=" && current) {
      cursor.at++;
      cursor.skip(/ /);
      current.params[word.toLowerCase()] = cursor.value();
    } else {
      challenges.push({ scheme: word.toLowerCase(), params: {} });
    }
  }
  return challenges;
}
__name(parseChallenges, "parseChallenges");
var Cursor = class {
  static {
    __name(this, "Cursor");
  }
  at = 0;
  #text;
  constructor(text) {
    this.#text = text;
  }
  get done() {
    return this.at >= this.#text.length;
  }
  get next() {
    return this.#text[this.at];
  }
  skip(char) {
    while (!this.done && char.test(this.#text[this.at])) this.at++;
  }
  token() {
    const start = this.at;
    this.skip(/[!#$%&'*+.^_`|~0-9A-Za-z-]/);
    return this.#text.slice(start, this.at);
  }
  /** A quoted string (backslash escapes a character) or a bare value up to a comma or a space. */
  value() {
    if (this.next !== '"') {
      const start = this.at;
      this.skip(/[^, ]/);
      return this.#text.slice(start, this.at);
    }
    let value = "";
    for (this.at++; !this.done && this.next !== '"'; this.at++) {
      if (this.next === "\\" && this.at + 1 < this.#text.length) this.at++;
      value += this.next;
    }
    this.at++;
    return value;
  }
};

// src/registry/docker-config.ts
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var DOCKER_HUB_KEY = "https://index.docker.io/v1/";
var DOCKER_HUB_ALIASES = /* @__PURE__ */ new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
function dockerConfigPath(env) {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), ".docker");
  return path.join(dir, "config.json");
}
__name(dockerConfigPath, "dockerConfigPath");
function keyHost(key) {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}
__name(keyHost, "keyHost");
async function dockerConfigCredential(registry, env = process.env) {
  const file = dockerConfigPath(env);
  let config;
  try {
    config = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw new CortexError(`cannot read docker config ${file}: ${error.message}`, { cause: error });
  }
  const host = keyHost(registry);
  const serverUrl = host === DOCKER_HUB ? DOCKER_HUB_KEY : host;
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => keyHost(key) === host)?.[1];
  if (helper) return runCredentialHelper(helper, serverUrl, env);
  if (config.credsStore) {
    const stored = await runCredentialHelper(config.credsStore, serverUrl, env);
    if (stored) return stored;
  }
  const entry = Object.entries(config.auths ?? {}).find(([key]) => keyHost(key) === host)?.[1];
  return entry ? credentialFromEntry(entry, file) : void 0;
}
__name(dockerConfigCredential, "dockerConfigCredential");
function credentialFromEntry(entry, file) {
  if (entry.registrytoken) return { kind: "registryToken", token: entry.registrytoken };
  if (entry.identitytoken) return { kind: "identityToken", token: entry.identitytoken };
  if (entry.username && entry.password) return { kind: "basic", username: entry.username, password: entry.password };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw new CortexError(`docker config ${file}: an "auth" entry is not base64 of user:password`);
    return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return void 0;
}
__name(credentialFromEntry, "credentialFromEntry");
async function runCredentialHelper(name, serverUrl, env) {
  const program = `docker-credential-${name}`;
  const { execa } = await import("./chunk-WJTGHEFH.mjs");
  const result = await execa(program, ["get"], { input: serverUrl, env, reject: false, timeout: 3e4 });
  if (result.failed) {
    const said = `${result.stdout} ${result.stderr}`;
    if (/not found|no credentials/i.test(said)) return void 0;
    if (result.code === "ENOENT") {
      throw new EnvironmentError(`credential helper ${program} not found on PATH (asked for ${serverUrl})`);
    }
    const how = result.timedOut ? "timed out" : `exited with ${result.exitCode ?? result.signal}`;
    throw new EnvironmentError(
      `credential helper ${program} ${how} for ${serverUrl}${said.trim() !== "" ? " (its output is not shown: it may hold secrets; run it by hand to see it)" : ""}`
    );
  }
  let parsed;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new EnvironmentError(`credential helper ${program} printed something other than JSON for ${serverUrl}`);
  }
  if (!parsed.Secret) return void 0;
  if (parsed.Username === "<token>") return { kind: "identityToken", token: parsed.Secret };
  return { kind: "basic", username: parsed.Username ?? "", password: parsed.Secret };
}
__name(runCredentialHelper, "runCredentialHelper");

// src/registry/credentials.ts
var GHCR = "ghcr.io";
async function resolveCredential(registry, options = {}) {
  const env = options.env ?? process.env;
  const explicit = options.credentials;
  if (explicit?.username && explicit.password) {
    return { kind: "basic", username: explicit.username, password: explicit.password };
  }
  if (explicit?.token) return { kind: "registryToken", token: explicit.token };
  const configured = await dockerConfigCredential(registry, env);
  if (configured) return configured;
  if (registry === GHCR && env.GITHUB_TOKEN) {
    return { kind: "basic", username: env.GITHUB_ACTOR || "x-access-token", password: env.GITHUB_TOKEN };
  }
  return void 0;
}
__name(resolveCredential, "resolveCredential");
function credentialSecrets(credential) {
  switch (credential.kind) {
    case "basic":
      return [credential.password, Buffer.from(`${credential.username}:${credential.password}`).toString("base64")];
    case "identityToken":
    case "registryToken":
      return [credential.token];
  }
}
__name(credentialSecrets, "credentialSecrets");

// src/registry/errors.ts
var RegistryError = class extends CortexError {
  static {
    __name(this, "RegistryError");
  }
  exitCode = 2;
  status;
  codes;
  constructor(message, failure = {}, options) {
    super(message, options);
    this.status = failure.status ?? 0;
    this.codes = failure.codes ?? [];
  }
};
var RegistryAuthError = class extends RegistryError {
  static {
    __name(this, "RegistryAuthError");
  }
};
var RegistryNotFoundError = class extends NotFoundError {
  static {
    __name(this, "RegistryNotFoundError");
  }
  status;
  codes;
  constructor(message, failure, options) {
    super(message, options);
    this.status = failure.status;
    this.codes = failure.codes;
  }
};
var DOCKER_HUB_NAMES = /* @__PURE__ */ new Set([DOCKER_HUB, "index.docker.io", DOCKER_HUB_ENDPOINT]);
var NOT_FOUND_CODES = /* @__PURE__ */ new Set(["MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN", "BLOB_UPLOAD_UNKNOWN"]);
function parseErrorBody(text) {
  try {
    const body = JSON.parse(text);
    const errors = Array.isArray(body.errors) ? body.errors : [];
    return {
      codes: errors.map((e) => String(e.code ?? "")).filter((c) => c !== ""),
      messages: errors.map((e) => String(e.message ?? "")).filter((m) => m !== "")
    };
  } catch {
    return { codes: [], messages: [] };
  }
}
__name(parseErrorBody, "parseErrorBody");
function firstLine(text) {
  return (text.trim().split("\n")[0] ?? "").slice(0, 200);
}
__name(firstLine, "firstLine");
function errorForResponse(where, what, status, bodyText, options = {}) {
  const { codes, messages } = parseErrorBody(bodyText);
  const said = statusText(status, codes, messages, bodyText);
  const failure = { status, codes };
  if (status === 404 || codes.some((c) => NOT_FOUND_CODES.has(c))) {
    return new RegistryNotFoundError(`${where}: ${what} not found (${said})`, failure);
  }
  if (status === 401 || status === 403) {
    const reason = status === 401 ? "authentication failed" : "access denied";
    return new RegistryAuthError(`${where}: ${reason} for ${what} (${said}); ${authHint(options)}`, failure);
  }
  return new RegistryError(`${where}: ${what} failed with ${said}`, failure);
}
__name(errorForResponse, "errorForResponse");
function authHint(options) {
  if (options.foreignHost) {
    return `the registry's credentials are never sent to another origin; ${options.anonymous ? "give" : "check"} ${options.foreignHost} its own (\`docker login ${options.foreignHost}\`)`;
  }
  const host = options.registry ?? "";
  const login = host === "" || DOCKER_HUB_NAMES.has(host) ? "docker login" : `docker login ${host}`;
  return options.anonymous ? `no credentials were found for this registry: run \`${login}\` (read from $DOCKER_CONFIG/config.json, by default ~/.docker/config.json), give a user name and password, or set GITHUB_TOKEN for ghcr.io` : `check the credentials for this registry (\`${login}\` replaces those in $DOCKER_CONFIG/config.json, by default ~/.docker/config.json)`;
}
__name(authHint, "authHint");
function statusText(status, codes, messages, bodyText) {
  const detail = codes.length > 0 || messages.length > 0 ? messages.join("; ") : firstLine(bodyText);
  const codeText = codes.length > 0 ? ` ${codes.join(",")}` : "";
  return `HTTP ${status}${codeText}${detail ? `: ${detail}` : ""}`;
}
__name(statusText, "statusText");

// src/registry/auth.ts
var EXPIRY_MARGIN_MS = 1e4;
var DEFAULT_TOKEN_LIFETIME_S = 60;
var Authenticator = class {
  static {
    __name(this, "Authenticator");
  }
  #options;
  #credential;
  #anonymous = false;
  #basic;
  #tokens = /* @__PURE__ */ new Map();
  constructor(options) {
    this.#options = options;
  }
  /** True once a challenge has been answered without any credential. */
  get anonymous() {
    return this.#anonymous;
  }
  /** The Authorization value to send for these scopes, when one is already known. */
  authorization(scopes) {
    if (this.#basic) return this.#basic;
    const token = this.#tokens.get(scopeKey(scopes));
    if (token && token.expiresAt > Date.now()) return `Bearer ${token.value}`;
    return void 0;
  }
  /**
   * Reacts to a 401: true when new authorization is now available and the request is worth sending again,
   * false when there is nothing more to try (the caller then reports the 401).
   */
  async respond(header, scopes, signal) {
    const challenges = parseChallenges(header ?? "");
    const bearer = challenges.find((c) => c.scheme === "bearer");
    const basic = challenges.find((c) => c.scheme === "basic");
    const credential = await this.#resolveCredential();
    this.#anonymous = credential === void 0;
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
  async #resolveCredential() {
    this.#credential ??= this.#options.credential().then((credential) => {
      if (credential) for (const secret of credentialSecrets(credential)) this.#options.redactor.add(secret);
      return credential;
    });
    return this.#credential;
  }
  /** A token service's refusal, as a registry error; RetryLater around it when the status is worth retrying. */
  async #tokenFailure(response, where, what, credential) {
    const text = this.#options.redactor.redact(await response.text());
    const error = errorForResponse(where, what, response.status, text, {
      anonymous: credential === void 0,
      registry: this.#options.registry
    });
    if (!isRetryableStatus(response.status)) return error;
    return new RetryLater(error, parseRetryAfter(response.header("retry-after")));
  }
  async #fetchToken(challenge, scopes, credential, signal) {
    const realm = new URL(challenge.params.realm ?? "");
    const service = challenge.params.service;
    const wanted = mergeScopes(scopes, challenge.params.scope);
    const where = `registry ${this.#options.registry}: token service ${realm.origin}`;
    return withRetries(this.#options.retry, signal, async () => {
      const request2 = credential?.kind === "identityToken" ? refreshTokenRequest(realm, service, wanted, credential.token) : tokenRequest(realm, service, wanted);
      const response = await exchange(
        { ...request2, signal },
        {
          insecure: this.#options.insecure,
          confidentialBody: true,
          ...credential?.kind === "basic" ? { authorizations: [{ origin: realm.origin, value: basicAuthorization(credential) }] } : {},
          ...this.#options.proxies ? { proxies: this.#options.proxies } : {}
        }
      ).catch((error) => {
        if (error instanceof ConfidentialRedirectError) throw new RegistryAuthError(`${where}: ${error.message}`);
        throw error;
      });
      if (response.status !== 200) {
        throw await this.#tokenFailure(response, where, `token request for ${wanted.join(" ")}`, credential);
      }
      const body = JSON.parse(await response.text(1024 * 1024));
      const value = body.token || body.access_token;
      if (!value) throw new RegistryAuthError(`${where}: the token response carries neither token nor access_token`);
      this.#options.redactor.add(value);
      const lifetime = (body.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1e3;
      return { value, expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2) };
    });
  }
};
function basicAuthorization(credential) {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
}
__name(basicAuthorization, "basicAuthorization");
function tokenRequest(realm, service, scopes) {
  const url = new URL(realm);
  if (service) url.searchParams.set("service", service);
  for (const scope of scopes) url.searchParams.append("scope", scope);
  return { method: "GET", url };
}
__name(tokenRequest, "tokenRequest");
function refreshTokenRequest(realm, service, scopes, token) {
  const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: token, client_id: "cortex-model" });
  if (service) form.set("service", service);
  if (scopes.length > 0) form.set("scope", scopes.join(" "));
  return {
    method: "POST",
    url: realm,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new Uint8Array(Buffer.from(form.toString()))
  };
}
__name(refreshTokenRequest, "refreshTokenRequest");
function scopeKey(scopes) {
  return [...scopes].sort().join(" ");
}
__name(scopeKey, "scopeKey");
function mergeScopes(scopes, challenged) {
  const actions = /* @__PURE__ */ new Map();
  const extra = (challenged ?? "").split(" ").filter((scope) => scope !== "");
  for (const scope of [...scopes, ...extra]) {
    const split = scope.lastIndexOf(":");
    const resource = split > 0 ? scope.slice(0, split) : scope;
    const listed = split > 0 ? scope.slice(split + 1).split(",") : [];
    const known = actions.get(resource) ?? /* @__PURE__ */ new Set();
    for (const action of listed) if (action) known.add(action);
    actions.set(resource, known);
  }
  return [...actions].map(([resource, known]) => known.size > 0 ? `${resource}:${[...known].join(",")}` : resource);
}
__name(mergeScopes, "mergeScopes");
function repositoryScope(repository, access) {
  return `repository:${repository}:${access}`;
}
__name(repositoryScope, "repositoryScope");

// src/registry/client.ts
var RegistryClient = class {
  static {
    __name(this, "RegistryClient");
  }
  registry;
  baseUrl;
  redactor;
  #options;
  #foreign = /* @__PURE__ */ new Map();
  constructor(options) {
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
  async send(where, req, consume) {
    const url = typeof req.path === "string" ? new URL(req.path, this.baseUrl) : req.path;
    try {
      return await withRetries(this.#options.retry, req.signal, () => this.#attempt(where, url, req, consume));
    } catch (error) {
      throw this.#clean(where, req, error);
    }
  }
  /** One try of a request: answers one authentication challenge per origin; failing statuses become errors. */
  async #attempt(where, url, req, consume) {
    const challenged = /* @__PURE__ */ new Set();
    for (; ; ) {
      const response = await this.#exchange(url, req);
      if (response.status === 401 && await this.#answered(response, req, challenged)) {
        await response.discard();
        continue;
      }
      if (response.status === 401 || response.status === 403) throw await this.failure(where, req.what, response);
      if (isRetryableStatus(response.status)) {
        throw statusFailure(response, await this.failure(where, req.what, response));
      }
      return await consume(response);
    }
  }
  /** Whether the challenge of a 401 was answered, once per origin: the request is then worth sending again. */
  async #answered(response, req, challenged) {
    const origin = response.url.origin;
    if (challenged.has(origin)) return false;
    challenged.add(origin);
    const header = response.header("www-authenticate");
    const scopes = origin === this.baseUrl.origin ? req.scopes : [];
    return this.#authenticatorOf(response.url).respond(header, scopes, req.signal ?? void 0);
  }
  /** The request sent once, with the authorizations the authenticators hold now. */
  #exchange(url, req) {
    return exchange(
      {
        method: req.method,
        url,
        ...req.headers ? { headers: req.headers } : {},
        ...req.body !== void 0 ? { body: req.body } : {},
        ...req.signal ? { signal: req.signal } : {},
        ...req.bulk ? { bulk: true } : {}
      },
      {
        authorizations: this.#authorizations(req.scopes),
        insecure: this.#options.insecure,
        ...this.#options.proxies ? { proxies: this.#options.proxies } : {}
      }
    );
  }
  /** The error for a response that is not what the operation needed; reads (and redacts) the error body. */
  async failure(where, what, response) {
    const text = this.redactor.redact(await response.text());
    const origin = response.url.origin;
    if (origin === this.baseUrl.origin) {
      return errorForResponse(where, what, response.status, text, {
        anonymous: this.#options.authenticator.anonymous,
        registry: this.baseUrl.host
      });
    }
    return errorForResponse(where, `${what} (redirected to ${origin})`, response.status, text, {
      anonymous: this.#foreign.get(origin)?.anonymous ?? true,
      foreignHost: response.url.host
    });
  }
  /** What to send to each origin that has answered a challenge: the registry's and any redirect target's. */
  #authorizations(scopes) {
    const authorizations = [];
    const own = this.#options.authenticator.authorization(scopes);
    if (own) authorizations.push({ origin: this.baseUrl.origin, value: own });
    for (const [origin, authenticator] of this.#foreign) {
      const value = authenticator.authorization([]);
      if (value) authorizations.push({ origin, value });
    }
    return authorizations;
  }
  #authenticatorOf(url) {
    if (url.origin === this.baseUrl.origin) return this.#options.authenticator;
    let authenticator = this.#foreign.get(url.origin);
    if (!authenticator) {
      const { credentialFor } = this.#options;
      authenticator = new Authenticator({
        registry: `${url.host} (a redirect target of ${this.registry})`,
        credential: /* @__PURE__ */ __name(async () => credentialFor?.(url.host), "credential"),
        redactor: this.redactor,
        retry: this.#options.retry,
        ...this.#options.insecure !== void 0 ? { insecure: this.#options.insecure } : {},
        ...this.#options.proxies ? { proxies: this.#options.proxies } : {}
      });
      this.#foreign.set(url.origin, authenticator);
    }
    return authenticator;
  }
  #clean(where, req, error) {
    if (req.signal?.aborted) return error;
    if (error instanceof CortexError) return error;
    const message = this.redactor.redact(error instanceof Error ? error.message : String(error));
    return new RegistryError(`${where}: ${req.method} ${req.what} failed: ${message}`, {}, { cause: error });
  }
};

// src/registry/redact.ts
var Redactor = class {
  static {
    __name(this, "Redactor");
  }
  #secrets = /* @__PURE__ */ new Set();
  #onSecret;
  /** `onSecret` lets a host (the Actions layer) mask each secret in its own logs as soon as it is known. */
  constructor(onSecret) {
    this.#onSecret = onSecret;
  }
  add(secret) {
    if (!secret || secret.length < 4 || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    this.#onSecret?.(secret);
  }
  redact(text) {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join("***");
    return redactCommonSecrets(out);
  }
};
function redactCommonSecrets(text) {
  return text.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, "$1 ***").replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, "$1***@").replace(/([?&](?:access_token|token|refresh_token|password)=)[^&\s]+/gi, "$1***");
}
__name(redactCommonSecrets, "redactCommonSecrets");

// src/registry/blob-reader.ts
import { addAbortSignal, Readable } from "node:stream";
function blobWindow(size, range, what) {
  const start = range?.offset ?? 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > size) {
    throw new CortexError(`${what}: range offset ${start} lies outside the blob's ${size} bytes`);
  }
  if (range?.length !== void 0 && (!Number.isSafeInteger(range.length) || range.length < 0)) {
    throw new CortexError(`${what}: range length ${range.length} is not a non-negative integer`);
  }
  const end = range?.length === void 0 ? size : Math.min(size, start + range.length);
  return { start, end };
}
__name(blobWindow, "blobWindow");
function checkRangeResponse(response, position, end, size, what) {
  const ranged = position > 0 || end < size;
  if (response.status === 200) return ranged ? position : 0;
  if (response.status !== 206) {
    throw new RegistryError(`${what}: unexpected HTTP ${response.status} to a blob request`, {
      status: response.status
    });
  }
  const contentRange = response.header("content-range") ?? "";
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
  if (!match || Number(match[1]) !== position || Number(match[2]) < Math.min(end, size) - 1) {
    throw new RegistryError(
      `${what}: asked for bytes ${position}-${end - 1} but the server answered 206 with Content-Range "${contentRange}"`,
      { status: 206 }
    );
  }
  return 0;
}
__name(checkRangeResponse, "checkRangeResponse");
var WindowFull = class extends Error {
  static {
    __name(this, "WindowFull");
  }
};
async function pumpWindow(window, open, policy, what, sink, signal) {
  let position = window.start;
  let failures = 0;
  while (position < window.end) {
    const current = await open(position);
    let skip = current.skip;
    let failure;
    try {
      await current.response.readInto((chunk) => {
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
        signal?.throwIfAborted();
        return;
      }
      failure = new TransientTransferError(`body ended at byte ${position} of ${window.end}`);
    } catch (error) {
      if (error instanceof WindowFull) return;
      failure = error;
    }
    if (signal?.aborted || !isRetryableNetworkError(failure) || ++failures >= policy.attempts) {
      if (failure instanceof CortexError || signal?.aborted) throw failure;
      throw new RegistryError(
        `${what}: transfer failed at byte ${position}: ${failure.message}`,
        {},
        { cause: failure }
      );
    }
    await wait(backoffDelay(failures - 1, policy), signal);
  }
}
__name(pumpWindow, "pumpWindow");
async function readWindow(window, open, policy, what, signal) {
  if (window.end === window.start) return Readable.from([]);
  const first = await open(window.start);
  let opened = false;
  const reopen = /* @__PURE__ */ __name(async (position) => {
    if (opened) return open(position);
    opened = true;
    return first;
  }, "reopen");
  const stream = sinkReadable(
    (sink, stop) => pumpWindow(window, reopen, policy, what, sink, signal ? AbortSignal.any([signal, stop]) : stop)
  );
  return signal ? addAbortSignal(signal, stream) : stream;
}
__name(readWindow, "readWindow");

// src/registry/upload.ts
import { createHash } from "node:crypto";
var DEFAULT_UPLOAD_OPTIONS = {
  chunkThreshold: 64 * 1024 * 1024,
  chunkSize: 16 * 1024 * 1024
};
var OCTET_STREAM = "application/octet-stream";
function request(ctx, fields) {
  return { ...fields, scopes: ctx.scopes, signal: ctx.signal };
}
__name(request, "request");
function location(ctx, response, what) {
  const value = response.header("location");
  if (!value) throw new RegistryError(`${ctx.where}: ${what}: the registry gave no upload Location`);
  return new URL(value, response.url);
}
__name(location, "location");
async function startUpload(ctx, what, mount) {
  const path2 = new URL(`/v2/${ctx.repository}/blobs/uploads/`, ctx.client.baseUrl);
  if (mount) {
    path2.searchParams.set("mount", mount.digest);
    path2.searchParams.set("from", mount.from);
  }
  return ctx.client.send(
    ctx.where,
    request(ctx, { method: "POST", path: path2, headers: { "content-length": "0" }, what }),
    async (response) => {
      if (response.status === 201 && mount) {
        await response.discard();
        return { mounted: true };
      }
      if (response.status !== 202) throw await ctx.client.failure(ctx.where, what, response);
      await response.discard();
      return { mounted: false, session: location(ctx, response, what) };
    }
  );
}
__name(startUpload, "startUpload");
async function cancelUpload(ctx, session) {
  try {
    await ctx.client.send(
      ctx.where,
      request(ctx, { method: "DELETE", path: session, what: "upload cancel" }),
      (r) => r.discard()
    );
  } catch {
  }
}
__name(cancelUpload, "cancelUpload");
var SESSION_ATTEMPTS = 3;
async function uploadBlob(ctx, descriptor, content, options) {
  if (content instanceof Uint8Array) checkBytes(ctx, descriptor, content);
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(ctx, descriptor, content, options);
    } catch (error) {
      if (attempt >= SESSION_ATTEMPTS || !isLostSession(error)) throw error;
    }
  }
}
__name(uploadBlob, "uploadBlob");
function isLostSession(error) {
  const failure = error;
  return failure.status === 416 || (failure.codes ?? []).some((code) => code === "BLOB_UPLOAD_INVALID" || code === "BLOB_UPLOAD_UNKNOWN");
}
__name(isLostSession, "isLostSession");
async function uploadOnce(ctx, descriptor, content, options) {
  const what = `blob ${descriptor.digest}`;
  const start = await startUpload(ctx, `${what} upload`);
  if (start.mounted) return;
  try {
    const monolithic = descriptor.size <= options.chunkThreshold;
    const session = monolithic ? start.session : await patchChunks(ctx, descriptor, start.session, content, options.chunkSize);
    const put = new URL(session);
    put.searchParams.set("digest", descriptor.digest);
    await ctx.client.send(
      ctx.where,
      request(ctx, {
        method: "PUT",
        path: put,
        headers: {
          "content-type": OCTET_STREAM,
          "content-length": String(monolithic ? descriptor.size : 0)
        },
        ...monolithic ? { body: content } : {},
        what
      }),
      async (response) => {
        if (response.status !== 201) throw await uploadFailure(ctx, what, descriptor, response);
        await response.discard();
        const returned = response.header("docker-content-digest");
        if (returned && returned !== descriptor.digest) {
          throw new DigestMismatchError(`${ctx.where}: ${what}: the registry stored it as ${returned}`);
        }
      }
    );
  } catch (error) {
    await cancelUpload(ctx, start.session);
    if (error.cause instanceof BodyLengthError) {
      throw new DigestMismatchError(
        `${ctx.where}: ${what}: the content is not the ${descriptor.size} bytes its descriptor says`,
        { cause: error }
      );
    }
    throw error;
  }
}
__name(uploadOnce, "uploadOnce");
async function uploadFailure(ctx, what, descriptor, response) {
  const error = await ctx.client.failure(ctx.where, what, response);
  if (error instanceof RegistryError && error.codes.includes("DIGEST_INVALID")) {
    return new DigestMismatchError(
      `${ctx.where}: ${what}: the registry refused the content, it does not match ${descriptor.digest}`,
      { cause: error }
    );
  }
  return error;
}
__name(uploadFailure, "uploadFailure");
function checkBytes(ctx, descriptor, bytes) {
  const digest = sha256Digest(bytes);
  if (bytes.length !== descriptor.size || digest !== descriptor.digest) {
    throw new DigestMismatchError(
      `${ctx.where}: blob content (${bytes.length} bytes, ${digest}) does not match its descriptor (${descriptor.size} bytes, ${descriptor.digest})`
    );
  }
}
__name(checkBytes, "checkBytes");
async function* chunksOf(content, size) {
  if (content instanceof Uint8Array) {
    for (let offset = 0; offset < content.length; offset += size) {
      yield Buffer.from(content.buffer, content.byteOffset + offset, Math.min(size, content.length - offset));
    }
    return;
  }
  const stream = content();
  let pending = [];
  let pendingSize = 0;
  for await (const chunk of stream) {
    let buffer = chunk;
    while (pendingSize + buffer.length >= size) {
      const take = size - pendingSize;
      pending.push(buffer.subarray(0, take));
      yield Buffer.concat(pending, size);
      buffer = buffer.subarray(take);
      pending = [];
      pendingSize = 0;
    }
    if (buffer.length > 0) {
      pending.push(buffer);
      pendingSize += buffer.length;
    }
  }
  if (pendingSize > 0) yield Buffer.concat(pending, pendingSize);
}
__name(chunksOf, "chunksOf");
async function patchChunks(ctx, descriptor, session, content, chunkSize) {
  const hash = createHash("sha256");
  let offset = 0;
  let current = session;
  for await (const chunk of chunksOf(content, chunkSize)) {
    if (offset + chunk.length > descriptor.size) {
      offset += chunk.length;
      break;
    }
    hash.update(chunk);
    current = await sendPatch(ctx, current, chunk, offset, `blob ${descriptor.digest} chunk at ${offset}`);
    offset += chunk.length;
  }
  const digest = `sha256:${hash.digest("hex")}`;
  if (offset !== descriptor.size || digest !== descriptor.digest) {
    throw new DigestMismatchError(
      `${ctx.where}: streamed blob content does not match its descriptor (${descriptor.size} bytes, ${descriptor.digest})${offset !== descriptor.size ? `: got at least ${offset} bytes` : ""}`
    );
  }
  return current;
}
__name(patchChunks, "patchChunks");
async function sendPatch(ctx, session, chunk, offset, what) {
  const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
  return ctx.client.send(
    ctx.where,
    request(ctx, {
      method: "PATCH",
      path: session,
      headers: {
        "content-type": OCTET_STREAM,
        "content-length": String(bytes.length),
        "content-range": `${offset}-${offset + bytes.length - 1}`
      },
      body: bytes,
      what
    }),
    async (response) => {
      if (response.status !== 202) throw await ctx.client.failure(ctx.where, what, response);
      await response.discard();
      return location(ctx, response, what);
    }
  );
}
__name(sendPatch, "sendPatch");

// src/registry/remote-repository.ts
var MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(", ");
var RemoteRepository = class {
  static {
    __name(this, "RemoteRepository");
  }
  name;
  registry;
  repository;
  #client;
  #where;
  #retry;
  #upload;
  #tagPageSize;
  constructor(client, registry, repository, options) {
    this.#client = client;
    this.registry = registry;
    this.repository = repository;
    this.name = `${registry}/${repository}`;
    this.#where = `registry ${registry}, repository ${repository}`;
    this.#retry = options.retry;
    this.#upload = options.upload;
    this.#tagPageSize = options.tagPageSize;
  }
  #pull() {
    return [repositoryScope(this.repository, "pull")];
  }
  #push() {
    return [repositoryScope(this.repository, "pull,push")];
  }
  #send(req, consume) {
    return this.#client.send(this.#where, req, consume);
  }
  #path(kind, reference) {
    return `/v2/${this.repository}/${kind}/${reference}`;
  }
  async resolve(reference, options = {}) {
    const what = `manifest ${reference}`;
    const headed = await this.#send(
      {
        method: "HEAD",
        path: this.#path("manifests", reference),
        headers: { accept: MANIFEST_ACCEPT },
        signal: options.signal,
        scopes: this.#pull(),
        what
      },
      async (response) => {
        await response.discard();
        if (response.status !== 200) return void 0;
        const mediaType = (response.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
        const digest = response.header("docker-content-digest");
        const size = Number(response.header("content-length"));
        if (!isManifestMediaType(mediaType) || !digest || !isDigest(digest) || !Number.isSafeInteger(size) || size < 0)
          return void 0;
        if (isDigest(reference) && digest !== reference) return void 0;
        return { mediaType, digest, size };
      }
    );
    return headed ?? (await this.fetchManifest(reference, options)).descriptor;
  }
  async fetchManifest(reference, options = {}) {
    const expected = typeof reference === "string" ? void 0 : reference;
    const name = typeof reference === "string" ? reference : reference.digest;
    const pinned = expected?.digest ?? (isDigest(name) ? parseDigest(name) : void 0);
    const what = `manifest ${name}`;
    return this.#send(
      {
        method: "GET",
        path: this.#path("manifests", name),
        headers: { accept: MANIFEST_ACCEPT },
        signal: options.signal,
        scopes: this.#pull(),
        what
      },
      async (response) => {
        if (response.status !== 200) throw await this.#client.failure(this.#where, what, response);
        const announced = Number(response.header("content-length"));
        if (announced > MAX_MANIFEST_BYTES) {
          response.body.destroy();
          throw new FormatError(
            `${this.#where}: ${what} is ${announced} bytes, over the ${MAX_MANIFEST_BYTES}-byte manifest limit: refused`
          );
        }
        const bytes = await readLimited(response.body, MAX_MANIFEST_BYTES, `${this.#where}: ${what}`);
        const digest = sha256Digest(bytes);
        const claimed = response.header("docker-content-digest");
        const against = pinned ?? (claimed?.startsWith("sha256:") ? claimed : void 0);
        if (against && digest !== against) {
          throw new RetryLater(
            new DigestMismatchError(`${this.#where}: ${what}: received bytes hash to ${digest}, expected ${against}`)
          );
        }
        if (expected && expected.size !== bytes.length) {
          throw new DigestMismatchError(
            `${this.#where}: ${what} is ${bytes.length} bytes, its descriptor says ${expected.size}`
          );
        }
        const mediaType = manifestMediaType(response.header("content-type"), bytes, expected?.mediaType);
        const descriptor = {
          mediaType,
          digest,
          size: bytes.length,
          ...expected?.annotations ? { annotations: expected.annotations } : {}
        };
        return { descriptor, bytes };
      }
    );
  }
  async fetchBlob(descriptor, options = {}) {
    const { window, open, what } = this.#blobWindow(descriptor, options);
    return readWindow(window, open, this.#retry, what, options.signal);
  }
  async pumpBlob(descriptor, sink, options = {}) {
    const { window, open, what } = this.#blobWindow(descriptor, options);
    await pumpWindow(window, open, this.#retry, what, sink, options.signal);
  }
  #blobWindow(descriptor, options) {
    const what = `blob ${descriptor.digest}`;
    const where = `${this.#where}: ${what}`;
    const window = blobWindow(descriptor.size, options.range, where);
    const path2 = this.#path("blobs", descriptor.digest);
    const open = /* @__PURE__ */ __name((position) => this.#send(
      {
        method: "GET",
        path: path2,
        headers: position > 0 || window.end < descriptor.size ? { range: `bytes=${position}-${window.end - 1}` } : {},
        signal: options.signal,
        scopes: this.#pull(),
        what,
        bulk: true
      },
      async (response) => {
        if (response.status !== 200 && response.status !== 206) {
          throw await this.#client.failure(this.#where, what, response);
        }
        const skip = checkRangeResponse(response, position, window.end, descriptor.size, where);
        return { response, skip };
      }
    ), "open");
    return { window, open, what: where };
  }
  async exists(descriptor, options = {}) {
    const kind = isManifestMediaType(descriptor.mediaType) ? "manifests" : "blobs";
    const what = `${kind === "blobs" ? "blob" : "manifest"} ${descriptor.digest}`;
    return this.#send(
      {
        method: "HEAD",
        path: this.#path(kind, descriptor.digest),
        headers: kind === "manifests" ? { accept: MANIFEST_ACCEPT } : {},
        signal: options.signal,
        scopes: this.#pull(),
        what
      },
      async (response) => {
        await response.discard();
        if (response.status === 200) return true;
        if (response.status === 404) return false;
        throw await this.#client.failure(this.#where, what, response);
      }
    );
  }
  async tags(options = {}) {
    const tags = [];
    let next = new URL(
      `/v2/${this.repository}/tags/list?n=${this.#tagPageSize}`,
      this.#client.baseUrl
    );
    while (next) {
      const page = next;
      next = await this.#send(
        { method: "GET", path: page, signal: options.signal, scopes: this.#pull(), what: "tag list" },
        async (response) => {
          if (response.status === 404) {
            await response.discard();
            return void 0;
          }
          if (response.status !== 200) throw await this.#client.failure(this.#where, "tag list", response);
          const body = JSON.parse(await response.text(16 * 1024 * 1024));
          tags.push(...body.tags ?? []);
          const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.header("link") ?? "");
          return link?.[1] ? new URL(link[1], page) : void 0;
        }
      );
    }
    return tags;
  }
  referrers(subject, options = {}) {
    return listReferrers(this, subject, options);
  }
  /** GET /v2/<repo>/referrers/<digest>; undefined when the registry has no referrers API (404). */
  async referrersApi(subject, options = {}) {
    const path2 = new URL(`/v2/${this.repository}/referrers/${subject.digest}`, this.#client.baseUrl);
    if (options.artifactType) path2.searchParams.set("artifactType", options.artifactType);
    const what = `referrers of ${subject.digest}`;
    return this.#send(
      {
        method: "GET",
        path: path2,
        headers: { accept: "application/vnd.oci.image.index.v1+json" },
        signal: options.signal,
        scopes: this.#pull(),
        what
      },
      async (response) => {
        if (response.status === 404) {
          await response.discard();
          return void 0;
        }
        if (response.status !== 200) throw await this.#client.failure(this.#where, what, response);
        const bytes = await readLimited(response.body, MAX_MANIFEST_BYTES, `${this.#where}: ${what}`);
        return [...decodeIndex(bytes, `${this.#where}: ${what}`).manifests];
      }
    );
  }
  async pushBlob(descriptor, content, options = {}) {
    if (await this.exists(descriptor, options)) return;
    await uploadBlob(this.#uploadContext(options.signal), descriptor, content, this.#upload);
  }
  /**
   * Asks the registry to link a blob from another repository of the same registry without sending it:
   * true when mounted (201), false when the registry declined (202; the upload session it opened instead is
   * cancelled, so the caller can push the blob normally).
   */
  async mountBlob(descriptor, fromRepository, options = {}) {
    const ctx = this.#uploadContext(options.signal, [repositoryScope(fromRepository, "pull")]);
    const result = await startUpload(ctx, `mount of blob ${descriptor.digest} from ${fromRepository}`, {
      digest: descriptor.digest,
      from: fromRepository
    });
    if (result.mounted) return true;
    await cancelUpload(ctx, result.session);
    return false;
  }
  #uploadContext(signal, extraScopes = []) {
    return {
      client: this.#client,
      where: this.#where,
      repository: this.repository,
      scopes: [...this.#push(), ...extraScopes],
      signal
    };
  }
  async pushManifest(descriptor, bytes, options = {}) {
    const what = `manifest ${options.tag ?? descriptor.digest}`;
    const digest = sha256Digest(bytes);
    if (digest !== descriptor.digest || bytes.length !== descriptor.size) {
      throw new DigestMismatchError(
        `${this.#where}: ${what}: bytes (${bytes.length}, ${digest}) do not match the descriptor (${descriptor.size}, ${descriptor.digest})`
      );
    }
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new FormatError(
        `${this.#where}: ${what} is ${bytes.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte manifest limit`
      );
    }
    await this.#send(
      {
        method: "PUT",
        path: this.#path("manifests", options.tag ?? descriptor.digest),
        headers: { "content-type": descriptor.mediaType, "content-length": String(bytes.length) },
        body: bytes,
        signal: options.signal,
        scopes: this.#push(),
        what
      },
      async (response) => {
        if (response.status !== 201) throw await this.#client.failure(this.#where, what, response);
        await response.discard();
        const returned = response.header("docker-content-digest");
        if (returned && returned !== descriptor.digest) {
          throw new DigestMismatchError(`${this.#where}: ${what}: the registry stored it as ${returned}`);
        }
      }
    );
  }
  async tag(descriptor, tag, options = {}) {
    const { bytes } = await this.fetchManifest(descriptor, options);
    await this.pushManifest(descriptor, bytes, { ...options, tag });
  }
  /** Deletes a manifest by digest (the registry must allow deletes); a missing one is a NotFoundError. */
  async deleteManifest(descriptor, options = {}) {
    const what = `manifest ${descriptor.digest}`;
    await this.#send(
      {
        method: "DELETE",
        path: this.#path("manifests", descriptor.digest),
        signal: options.signal,
        scopes: [repositoryScope(this.repository, "delete")],
        what
      },
      async (response) => {
        if (response.status !== 202 && response.status !== 200)
          throw await this.#client.failure(this.#where, what, response);
        await response.discard();
      }
    );
  }
};

// src/registry/index.ts
function openRepository(ref, options = {}) {
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const redactor = new Redactor(options.onSecret);
  const proxies = proxyEnv(options.env ?? process.env);
  redactor.add(proxies.http?.password);
  redactor.add(proxies.https?.password);
  const authenticator = new Authenticator({
    registry: ref.registry,
    credential: /* @__PURE__ */ __name(() => resolveCredential(ref.registry, options), "credential"),
    redactor,
    retry,
    proxies,
    ...options.insecure !== void 0 ? { insecure: options.insecure } : {}
  });
  const client = new RegistryClient({
    registry: ref.registry,
    baseUrl: registryBaseUrl(ref.registry, options),
    authenticator,
    // A redirect target's own entry in the docker config, never the explicit credentials given for the registry.
    credentialFor: /* @__PURE__ */ __name((host) => resolveCredential(host, options.env ? { env: options.env } : {}), "credentialFor"),
    redactor,
    retry,
    proxies,
    ...options.insecure !== void 0 ? { insecure: options.insecure } : {}
  });
  return new RemoteRepository(client, ref.registry, ref.repository, {
    retry,
    upload: { ...DEFAULT_UPLOAD_OPTIONS, ...options.upload },
    tagPageSize: options.tagPageSize ?? 1e3
  });
}
__name(openRepository, "openRepository");
export {
  ProxyError,
  RegistryAuthError,
  RegistryError,
  RegistryNotFoundError,
  RemoteRepository,
  attachReferrer,
  listReferrers,
  openRepository,
  referrersTag
};
