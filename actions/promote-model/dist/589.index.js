export const id = 589;
export const ids = [589];
export const modules = {

/***/ 6589:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  openRepository: () => (/* binding */ openRepository)
});

// UNUSED EXPORTS: ProxyError, RegistryAuthError, RegistryError, RegistryNotFoundError, RemoteRepository, attachReferrer, listReferrers, referrersTag

// EXTERNAL MODULE: ./src/http/origin.ts
var origin = __webpack_require__(2088);
// EXTERNAL MODULE: ./src/http/proxy.ts
var proxy = __webpack_require__(7856);
// EXTERNAL MODULE: ./src/http/retry.ts
var http_retry = __webpack_require__(8902);
// EXTERNAL MODULE: ./src/registry/auth.ts + 1 modules
var auth = __webpack_require__(8403);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/http/transport.ts + 2 modules
var transport = __webpack_require__(4848);
// EXTERNAL MODULE: ./src/registry/errors.ts
var registry_errors = __webpack_require__(6764);
;// CONCATENATED MODULE: ./src/registry/client.ts




/**
 * HTTP to one registry: authorization (answering 401 challenges once per attempt), retries on 408, 429,
 * 5xx and broken connections, and errors that name the registry and never carry a secret.
 */
class RegistryClient {
    registry;
    baseUrl;
    redactor;
    #options;
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
        const { authenticator } = this.#options;
        try {
            return await (0,http_retry/* withRetries */.LH)(this.#options.retry, req.signal, async () => {
                for (let challenged = false;; challenged = true) {
                    const value = authenticator.authorization(req.scopes);
                    const response = await (0,transport/* exchange */.c)({
                        method: req.method,
                        url,
                        ...(req.headers ? { headers: req.headers } : {}),
                        ...(req.body !== undefined ? { body: req.body } : {}),
                        ...(req.signal ? { signal: req.signal } : {}),
                        ...(req.bulk ? { bulk: true } : {}),
                    }, {
                        ...(value ? { authorization: { origin: this.baseUrl.origin, value } } : {}),
                        insecure: this.#options.insecure,
                        ...(this.#options.proxies ? { proxies: this.#options.proxies } : {}),
                    });
                    if (response.status === 401 && !challenged) {
                        const header = response.header("www-authenticate");
                        if (await authenticator.respond(header, req.scopes, req.signal ?? undefined)) {
                            await response.discard();
                            continue;
                        }
                    }
                    if (response.status === 401 || response.status === 403)
                        throw await this.failure(where, req.what, response);
                    // The body is read for the message only when the status is one to retry; `consume` handles the rest.
                    if ((0,http_retry/* isRetryableStatus */.PS)(response.status))
                        throw (0,http_retry/* statusFailure */.FP)(response, await this.failure(where, req.what, response));
                    return await consume(response);
                }
            });
        }
        catch (error) {
            throw this.#clean(where, req, error);
        }
    }
    /** The error for a response that is not what the operation needed; reads (and redacts) the error body. */
    async failure(where, what, response) {
        const text = this.redactor.redact(await response.text());
        return (0,registry_errors/* errorForResponse */.vw)(where, what, response.status, text, { anonymous: this.#options.authenticator.anonymous });
    }
    #clean(where, req, error) {
        if (req.signal?.aborted)
            return error;
        if (error instanceof errors/* CortexError */.G1)
            return error;
        const message = this.redactor.redact(error instanceof Error ? error.message : String(error));
        return new registry_errors/* RegistryError */.gl(`${where}: ${req.method} ${req.what} failed: ${message}`, {}, { cause: error });
    }
}

// EXTERNAL MODULE: ./src/registry/credentials.ts + 2 modules
var credentials = __webpack_require__(6661);
;// CONCATENATED MODULE: ./src/registry/redact.ts
/**
 * Secrets (passwords, tokens) must never reach a message or a log. Every credential the registry client
 * learns is registered here, and every message it builds from outside text passes through `redact`.
 */
class Redactor {
    #secrets = new Set();
    #onSecret;
    /** `onSecret` lets a host (the Actions layer) mask each secret in its own logs as soon as it is known. */
    constructor(onSecret) {
        this.#onSecret = onSecret;
    }
    add(secret) {
        // Very short values would redact ordinary words; nobody uses a 3-character token.
        if (!secret || secret.length < 4 || this.#secrets.has(secret))
            return;
        this.#secrets.add(secret);
        this.#onSecret?.(secret);
    }
    redact(text) {
        let out = text;
        for (const secret of this.#secrets)
            out = out.split(secret).join("***");
        return redactCommonSecrets(out);
    }
}
/** Patterns that carry secrets whatever their value: Authorization values, URL user info, token parameters. */
function redactCommonSecrets(text) {
    return text
        .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, "$1 ***")
        .replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, "$1***@")
        .replace(/([?&](?:access_token|token|refresh_token|password)=)[^&\s]+/gi, "$1***");
}

// EXTERNAL MODULE: ./src/registry/remote-repository.ts + 1 modules
var remote_repository = __webpack_require__(3302);
// EXTERNAL MODULE: ./src/registry/upload.ts
var upload = __webpack_require__(4398);
// EXTERNAL MODULE: ./src/registry/referrers.ts
var referrers = __webpack_require__(9191);
;// CONCATENATED MODULE: ./src/registry/index.ts









/** A registry repository as a Target; nothing is sent until the first operation. */
function openRepository(ref, options = {}) {
    const retry = { ...http_retry/* DEFAULT_RETRY_POLICY */.cO, ...options.retry };
    const redactor = new Redactor(options.onSecret);
    // The proxy variables of the environment the credentials come from (a command's own env in the CLI).
    const proxies = (0,proxy/* proxyEnv */.cS)(options.env ?? process.env);
    redactor.add(proxies.http?.password);
    redactor.add(proxies.https?.password);
    const authenticator = new auth/* Authenticator */.kD({
        registry: ref.registry,
        credential: () => (0,credentials/* resolveCredential */.S)(ref.registry, options),
        redactor,
        retry,
        proxies,
        ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
    });
    const client = new RegistryClient({
        registry: ref.registry,
        baseUrl: (0,origin/* registryBaseUrl */.mO)(ref.registry, options),
        authenticator,
        redactor,
        retry,
        proxies,
        ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
    });
    return new remote_repository/* RemoteRepository */.N(client, ref.registry, ref.repository, {
        retry,
        upload: { ...upload/* DEFAULT_UPLOAD_OPTIONS */.FD, ...options.upload },
        tagPageSize: options.tagPageSize ?? 1000,
    });
}






/***/ })

};
