export const id = 816;
export const ids = [816];
export const modules = {

/***/ 6816:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  openRepository: () => (/* binding */ openRepository)
});

// UNUSED EXPORTS: ProxyError, RegistryAuthError, RegistryError, RegistryNotFoundError, RemoteRepository, attachReferrer, listReferrers, referrersTag

// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(1915);
// EXTERNAL MODULE: ./src/core/ref.ts
var ref = __webpack_require__(4950);
;// CONCATENATED MODULE: ./src/http/origin.ts


/** Host name without port or IPv6 brackets: `127.0.0.1:5000` -> `127.0.0.1`, `[::1]:5000` -> `::1`. */
function hostName(host) {
    const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
    if (bracket?.[1])
        return bracket[1].toLowerCase();
    const colon = host.lastIndexOf(":");
    // More than one colon and no brackets: a bare IPv6 address.
    if (colon >= 0 && host.indexOf(":") === colon)
        return host.slice(0, colon).toLowerCase();
    return host.toLowerCase();
}
/** Loopback hosts may speak plain HTTP: traffic to them never leaves the machine. */
function isLoopbackHost(host) {
    const name = hostName(host);
    if (name === "localhost" || name.endsWith(".localhost") || name === "::1")
        return true;
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
/** Base URL of a registry's API: https, or http for loopback hosts and registries marked insecure. */
function registryBaseUrl(registry, options = {}) {
    const endpoint = (0,ref/* registryEndpoint */.Fh)(registry);
    const scheme = options.insecure || isLoopbackHost(endpoint) ? "http" : "https";
    return new URL(`${scheme}://${endpoint}/`);
}
/**
 * Refuses plain HTTP to a host that is neither loopback nor explicitly trusted, wherever the URL came from
 * (configuration, a redirect, a token realm). Other schemes are refused outright.
 */
function assertTransportAllowed(url, options = {}) {
    if (url.protocol === "https:")
        return;
    if (url.protocol !== "http:")
        throw new errors/* UsageError */.eb(`refusing to contact ${url.origin}: only http(s) URLs are allowed`);
    if (options.insecure || isLoopbackHost(url.host))
        return;
    throw new errors/* UsageError */.eb(`refusing plain HTTP to ${url.host}: only loopback hosts or registries marked insecure may use http`);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
var external_node_net_default = /*#__PURE__*/__webpack_require__.n(external_node_net_);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
// EXTERNAL MODULE: ./src/http/retry.ts
var http_retry = __webpack_require__(8902);
;// CONCATENATED MODULE: ./src/http/proxy.ts








/*
 * HTTP proxies as curl reads them from the environment: `https_proxy` for https URLs and `http_proxy` for
 * http ones (the lower-case name wins where both are set), `no_proxy` for the hosts that bypass them, and no
 * implicit bypass of loopback. Every target, https or plain http, goes through a CONNECT tunnel: the proxy
 * sees a host and port and never a request, so it can neither cache a tag's manifest nor read the
 * registry's Authorization out of a request it parses, and both transports share one way of connecting.
 */
/** A proxy was unreachable or refused the tunnel. Messages name it by origin, never with its credentials. */
class ProxyError extends errors/* CortexError */.G1 {
    /** The proxy's answer to CONNECT; 0 when it gave none. */
    status;
    constructor(message, status, options) {
        super(message, options);
        this.status = status;
    }
}
/** curl's default proxy port, used when the proxy URL names none. */
const DEFAULT_PROXY_PORT = 1080;
const CONNECT_TIMEOUT_MS = 30_000;
const MAX_CONNECT_HEAD_BYTES = 16 << 10;
/** The lower-case variable when it is set at all (even empty), else the upper-case one. */
function variable(env, lower) {
    const upper = lower.toUpperCase();
    const name = env[lower] !== undefined ? lower : upper;
    return { name, value: (env[name] ?? "").trim() };
}
/** Percent-decoded user info; text that is not valid percent-encoding is taken as it is. */
function decodeUserInfo(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
function parseProxyUrl(value, name) {
    let url;
    try {
        url = new URL(value.includes("://") ? value : `http://${value}`);
    }
    catch {
        // The value is not quoted: it may hold a password.
        throw new errors/* UsageError */.eb(`${name} is not a proxy URL (expected http://[user:password@]host[:port])`);
    }
    if (url.protocol !== "http:") {
        throw new errors/* UsageError */.eb(`${name}: ${url.protocol.slice(0, -1)} proxies are not supported; give an http:// proxy`);
    }
    if (url.hostname === "")
        throw new errors/* UsageError */.eb(`${name} names no proxy host`);
    const port = url.port === "" ? DEFAULT_PROXY_PORT : Number(url.port);
    const origin = `http://${url.hostname}:${port}`;
    const user = decodeUserInfo(url.username);
    const password = decodeUserInfo(url.password);
    if (user === "" && password === "")
        return { origin, host: hostName(url.hostname), port, key: origin };
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    const fingerprint = (0,external_node_crypto_.createHash)("sha256").update(authorization).digest("hex").slice(0, 16);
    const key = `${origin} ${fingerprint}`;
    return { origin, host: hostName(url.hostname), port, authorization, ...(password ? { password } : {}), key };
}
/**
 * One NO_PROXY entry: `*`; a host name or a domain suffix (`example.com` matches it and its subdomains, a
 * leading `.` or `*.` changes nothing); an IP address or CIDR block (matched against IP literals only, no
 * name is resolved); any of them with `:port` to bypass only that port.
 */
function parseNoProxyEntry(entry, variableName) {
    if (entry === "*")
        return { kind: "any" };
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const hostPort = /^([^:]+):(\d+)$/.exec(entry);
    const [host, portText] = bracketed
        ? [bracketed[1] ?? "", bracketed[2]]
        : hostPort
            ? [hostPort[1] ?? "", hostPort[2]]
            : [entry];
    const port = portText === undefined ? {} : { port: Number(portText) };
    const [address, bits] = host.split("/");
    const family = external_node_net_default().isIP(address);
    if (family !== 0) {
        const addresses = new (external_node_net_default()).BlockList();
        const type = family === 4 ? "ipv4" : "ipv6";
        if (bits === undefined)
            addresses.addAddress(address, type);
        else if (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
            addresses.addSubnet(address, Number(bits), type);
        else
            throw new errors/* UsageError */.eb(`${variableName} entry "${entry}" is not a valid CIDR block`);
        return { kind: "ip", addresses, ...port };
    }
    const name = host
        .toLowerCase()
        .replace(/^\*?\.+/, "")
        .replace(/\.+$/, "");
    return { kind: "name", name, ...port };
}
function parseNoProxy(value, variableName = "NO_PROXY") {
    return value
        .split(/[\s,]+/)
        .filter((entry) => entry !== "")
        .map((entry) => parseNoProxyEntry(entry, variableName));
}
/** Reads the proxy variables; a malformed proxy URL is a UsageError naming the variable (never its value). */
function proxyEnv(env = process.env) {
    const server = (lower) => {
        const { name, value } = variable(env, lower);
        return value === "" ? undefined : parseProxyUrl(value, name);
    };
    const http = server("http_proxy");
    const https = server("https_proxy");
    const noProxy = variable(env, "no_proxy");
    return { ...(http ? { http } : {}), ...(https ? { https } : {}), noProxy: parseNoProxy(noProxy.value, noProxy.name) };
}
function defaultPort(url) {
    return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}
function bypasses(rule, host, port) {
    if (rule.kind === "any")
        return true;
    if (rule.port !== undefined && rule.port !== port)
        return false;
    if (rule.kind === "ip") {
        const family = external_node_net_default().isIP(host);
        return family !== 0 && rule.addresses.check(host, family === 4 ? "ipv4" : "ipv6");
    }
    return rule.name !== "" && (host === rule.name || host.endsWith(`.${rule.name}`));
}
/** The proxy a request to `url` goes through, or undefined to connect directly. */
function proxyFor(url, proxies) {
    const proxy = url.protocol === "https:" ? proxies.https : url.protocol === "http:" ? proxies.http : undefined;
    if (proxy === undefined)
        return undefined;
    const host = hostName(url.hostname).replace(/\.$/, "");
    const port = defaultPort(url);
    return proxies.noProxy.some((rule) => bypasses(rule, host, port)) ? undefined : proxy;
}
function tunnelTarget(url) {
    return { host: hostName(url.hostname), port: defaultPort(url), secure: url.protocol === "https:" };
}
/** Printable text from a peer (a reason phrase): one line, bounded. */
function printable(text) {
    return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 80);
}
function refusal(proxy, authority, status, reason) {
    // 407 is the standard answer; tinyproxy says 401 to credentials it does not accept.
    const hint = status !== 407 && status !== 401
        ? ""
        : proxy.authorization
            ? "; the proxy rejected the credentials in the proxy URL"
            : "; the proxy wants credentials: give them in the proxy URL (http://user:password@host:port)";
    const phrase = reason ? ` ${printable(reason)}` : "";
    // A proxy that could not reach the target (5xx) is as worth another attempt as a refused direct connection.
    const retryable = (0,http_retry/* isRetryableStatus */.PS)(status) ? { cause: (0,http_retry/* networkError */.x6)(`HTTP ${status}`, "ECONNREFUSED") } : {};
    const message = `proxy ${proxy.origin} refused CONNECT to ${authority}: HTTP ${status}${phrase}${hint}`;
    return new ProxyError(message, status, retryable);
}
/**
 * Opens a CONNECT tunnel to `target` through `proxy`; resolves with the socket once the proxy has said 2xx.
 * Only the proxy's own Proxy-Authorization goes into the CONNECT request.
 */
function openTunnel(proxy, target, signal) {
    const authority = external_node_net_default().isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
    return new Promise((resolve, reject) => {
        const socket = external_node_net_default().connect({ host: proxy.host, port: proxy.port });
        let head = Buffer.alloc(0);
        const settle = (error) => {
            socket.off("readable", read);
            socket.off("error", unreachable);
            socket.off("end", closed);
            signal?.removeEventListener("abort", abort);
            socket.setTimeout(0);
            if (error === undefined)
                return resolve(socket);
            socket.destroy();
            reject(error);
        };
        const unreachable = (error) => settle(new ProxyError(`cannot reach proxy ${proxy.origin} (for ${authority}): ${error.message}`, 0, { cause: error }));
        const closed = () => {
            const cause = (0,http_retry/* networkError */.x6)("connection closed", "ECONNRESET");
            settle(new ProxyError(`proxy ${proxy.origin} closed the connection before answering CONNECT`, 0, { cause }));
        };
        const abort = () => settle(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
        const read = () => {
            for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) {
                head = Buffer.concat([head, chunk]);
            }
            const end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                if (head.length > MAX_CONNECT_HEAD_BYTES)
                    settle(new ProxyError(`proxy ${proxy.origin} sent an endless head`, 0));
                return;
            }
            const statusLine = head.toString("latin1", 0, head.indexOf("\r\n"));
            const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
            if (!status) {
                return settle(new ProxyError(`proxy ${proxy.origin} answered CONNECT with "${printable(statusLine)}"`, 0));
            }
            const code = Number(status[1]);
            if (code < 200 || code > 299)
                return settle(refusal(proxy, authority, code, status[2] ?? ""));
            // The target has not been sent a byte yet, so it cannot have answered: anything more is a broken proxy.
            if (head.length > end + 4)
                return settle(new ProxyError(`proxy ${proxy.origin} sent data after CONNECT`, code));
            settle();
        };
        socket.on("readable", read);
        socket.once("error", unreachable);
        socket.once("end", closed);
        socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
            const cause = (0,http_retry/* networkError */.x6)("timed out", "ETIMEDOUT");
            settle(new ProxyError(`proxy ${proxy.origin} did not answer CONNECT within ${CONNECT_TIMEOUT_MS / 1000} s`, 0, {
                cause,
            }));
        });
        if (signal?.aborted)
            return abort();
        signal?.addEventListener("abort", abort, { once: true });
        const credentials = proxy.authorization ? `proxy-authorization: ${proxy.authorization}\r\n` : "";
        socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n${credentials}\r\n`);
    });
}
/**
 * A connection to `target` through `proxy`: the tunnel itself for plain HTTP, or TLS inside it, with the
 * server name and certificate checked against the target host (never the proxy's).
 */
async function connectThrough(proxy, target, options = {}, signal) {
    const tunnel = await openTunnel(proxy, target, signal);
    if (!target.secure)
        return tunnel;
    const servername = external_node_net_default().isIP(target.host) === 0 ? { servername: target.host } : {};
    return external_node_tls_default().connect({ ...options, socket: tunnel, host: target.host, port: target.port, ...servername });
}
const agents = new Map();
/**
 * A keep-alive agent whose connections are tunnels through `proxy`. One agent per proxy and scheme, and the
 * agent pools by target host and port, so a tunnel is only ever reused for the target it leads to.
 */
function proxyAgent(proxy, secure) {
    const key = `${secure ? "https" : "http"} ${proxy.key}`;
    const known = agents.get(key);
    if (known)
        return known;
    const agent = secure ? new (external_node_https_default()).Agent({ keepAlive: true }) : new (external_node_http_default()).Agent({ keepAlive: true });
    agent.createConnection = (options, callback) => {
        const target = { host: hostName(options.host ?? "localhost"), port: Number(options.port), secure };
        connectThrough(proxy, target, options).then((socket) => callback?.(null, socket), (error) => callback?.(error, undefined));
        return undefined;
    };
    agents.set(key, agent);
    return agent;
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/core/body-sink.ts

/**
 * A pumped body as a Readable, for consumers that want a stream. Chunks are copied (the pump's buffer is
 * reused) and the pump waits whenever the stream's buffer is full; destroying the stream stops the pump.
 */
function sinkReadable(pump) {
    const stop = new AbortController();
    let wake;
    const stream = new external_node_stream_.Readable({
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
        if (stop.signal.aborted)
            throw stop.signal.reason;
        if (stream.push(Buffer.from(chunk)))
            return;
        return new Promise((resolve) => {
            wake = resolve;
        });
    }, stop.signal).then(() => stream.push(null), (error) => {
        if (!stream.destroyed)
            stream.destroy(error);
    });
    return stream;
}

;// CONCATENATED MODULE: ./src/http/chunked-decoder.ts
/** A body that does not follow HTTP/1.1's chunked transfer coding. */
class ChunkedEncodingError extends Error {
    name = "ChunkedEncodingError";
}
const MAX_LINE = 4096;
/**
 * Decodes a chunked HTTP/1.1 body (RFC 9112 section 7.1) as it arrives, without copying data: each step
 * returns the next run of body bytes as a view of the input. Chunk extensions and trailers are skipped.
 */
class ChunkedDecoder {
    #state = "size";
    #line = "";
    #left = 0;
    get done() {
        return this.#state === "done";
    }
    /**
     * Consumes `bytes` from `offset` up to the next run of body bytes (returned as `data`) or to the end of
     * the input; `offset` in the result is where to continue.
     */
    step(bytes, offset) {
        let at = offset;
        while (at < bytes.length && this.#state !== "done") {
            if (this.#state === "data") {
                const end = Math.min(bytes.length, at + this.#left);
                this.#left -= end - at;
                if (this.#left === 0)
                    this.#state = "data-end";
                return { offset: end, data: bytes.subarray(at, end) };
            }
            const newline = bytes.indexOf(10, at);
            const stop = newline < 0 ? bytes.length : newline;
            this.#line += bytes.toString("latin1", at, stop);
            if (this.#line.length > MAX_LINE)
                throw new ChunkedEncodingError(`a chunk line is over ${MAX_LINE} bytes`);
            at = stop;
            if (newline < 0)
                break;
            at += 1;
            const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
            this.#line = "";
            this.#endLine(line);
        }
        return { offset: at };
    }
    #endLine(line) {
        if (this.#state === "data-end") {
            if (line !== "")
                throw new ChunkedEncodingError("chunk data is longer than its size says");
            this.#state = "size";
        }
        else if (this.#state === "trailer") {
            if (line === "")
                this.#state = "done";
        }
        else {
            const size = (line.split(";", 1)[0] ?? "").trim();
            if (!/^[0-9a-f]{1,12}$/i.test(size))
                throw new ChunkedEncodingError(`bad chunk size line "${line.slice(0, 40)}"`);
            this.#left = Number.parseInt(size, 16);
            this.#state = this.#left === 0 ? "trailer" : "data";
        }
    }
}

;// CONCATENATED MODULE: ./src/http/direct-get.ts





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
const IDLE_TIMEOUT_MS = 60_000;
/** The error a connection silent for IDLE_TIMEOUT_MS is given up with: retryable, like a broken one. */
function idleTimeoutError(origin) {
    return (0,http_retry/* networkError */.x6)(`no data from ${origin} for ${IDLE_TIMEOUT_MS / 1000} s`, "ETIMEDOUT");
}
function parseHead(text) {
    const [statusLine = "", ...fields] = text.split("\r\n");
    const status = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/.exec(statusLine);
    if (!status)
        throw new Error(`not an HTTP/1.x response: "${statusLine.slice(0, 80)}"`);
    const headers = {};
    for (const field of fields) {
        const colon = field.indexOf(":");
        if (colon <= 0)
            throw new Error(`malformed response header "${field.slice(0, 80)}"`);
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
function framing(head) {
    const coding = head.headers["transfer-encoding"];
    if (head.status === 204 || head.status === 304)
        return { kind: "length", left: 0 };
    if (coding !== undefined) {
        if (!/(^|,)\s*chunked\s*$/i.test(coding))
            throw new Error(`unsupported transfer-encoding "${coding}"`);
        return { kind: "chunked", decoder: new ChunkedDecoder() };
    }
    const declared = head.headers["content-length"];
    if (declared === undefined)
        return { kind: "close" };
    if (!/^\d+$/.test(declared))
        throw new Error(`bad content-length "${declared}"`);
    return { kind: "length", left: Number(declared) };
}
class Connection {
    key;
    socket;
    #receiver;
    /** Called once when the connection ends: with the socket's error, or without one at a clean end. */
    #onClose;
    /** `tunnel`: a connection to `url` through a proxy, already open; `key` then names the proxy too. */
    constructor(url, key = url.origin, tunnel) {
        this.key = key;
        const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
        const onread = {
            buffer,
            callback: (length, read) => {
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
        const secure = {
            host,
            port,
            onread,
            ALPNProtocols: ["http/1.1"],
            ...(external_node_net_default().isIP(host) === 0 ? { servername: host } : {}),
        };
        this.socket = tunnel
            ? readThrough(tunnel, onread)
            : url.protocol === "https:"
                ? external_node_tls_default().connect(secure)
                : external_node_net_default().connect({ host, port, onread });
        this.socket.setTimeout(IDLE_TIMEOUT_MS, () => this.socket.destroy(idleTimeoutError(url.origin)));
        const closed = (error) => {
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
    request(url, requestHead, signal) {
        return new Promise((resolve, reject) => {
            let head = [];
            let headBytes = 0;
            let answered = false;
            const stopWatching = watch(signal, this.socket);
            this.#onClose = (error) => {
                stopWatching();
                const cause = error ?? (0,http_retry/* networkError */.x6)(`${url.origin} closed the connection`, "ECONNRESET");
                reject(answered ? cause : Object.assign(cause, { beforeResponse: true }));
            };
            this.#receiver = (bytes) => {
                answered = true;
                headBytes += bytes.length;
                let rest = head.length === 0 ? bytes : Buffer.concat([...head, bytes]);
                for (let end = rest.indexOf("\r\n\r\n"); end >= 0; end = rest.indexOf("\r\n\r\n")) {
                    let parsed;
                    let frame;
                    try {
                        parsed = parseHead(rest.toString("latin1", 0, end));
                        if (parsed.status < 200) {
                            rest = rest.subarray(end + 4);
                            continue;
                        }
                        frame = framing(parsed);
                    }
                    catch (error) {
                        this.socket.destroy();
                        reject(error);
                        return false;
                    }
                    stopWatching();
                    this.#receiver = undefined;
                    this.#onClose = undefined;
                    // Body bytes that came with the head stay in the read buffer: the socket pauses (false below)
                    // until the body is read, so nothing overwrites them.
                    resolve(this.#response(parsed, frame, rest.subarray(end + 4)));
                    return false;
                }
                head = rest.length === 0 ? [] : [Buffer.from(rest)];
                if (headBytes > MAX_HEAD_BYTES)
                    this.socket.destroy(new Error(`response head over ${MAX_HEAD_BYTES} bytes`));
                return true;
            };
            this.socket.ref();
            this.socket.write(requestHead);
            // A reused connection was left paused when its last body ended.
            this.socket.resume();
        });
    }
    #response(head, frame, early) {
        let used = false;
        const keepAlive = head.keepAlive && frame.kind !== "close";
        return {
            status: head.status,
            headers: head.headers,
            readInto: (sink, signal) => {
                if (used)
                    throw new Error("the body was already read");
                used = true;
                return this.#body(frame, keepAlive, early, sink, signal);
            },
            discard: () => {
                if (used)
                    return;
                used = true;
                if (frame.kind === "length" && frame.left === early.length)
                    release(this, keepAlive);
                else
                    this.socket.destroy();
            },
        };
    }
    #body(frame, keepAlive, early, sink, signal) {
        return new Promise((resolve, reject) => {
            let received = 0;
            let settled = false;
            const stopWatching = watch(signal, this.socket);
            const settle = (error) => {
                if (settled)
                    return;
                settled = true;
                stopWatching();
                this.#receiver = undefined;
                this.#onClose = undefined;
                if (error === undefined) {
                    release(this, keepAlive);
                    resolve();
                }
                else {
                    this.socket.destroy();
                    reject(error);
                }
            };
            const finished = () => frame.kind === "length" ? frame.left === 0 : frame.kind === "chunked" && frame.decoder.done;
            /** Hands `bytes` from `offset` on; false when reading must pause (a pending sink, or the end). */
            const consume = (bytes, offset) => {
                for (let at = offset;;) {
                    let data;
                    try {
                        if (frame.kind === "chunked") {
                            const step = frame.decoder.step(bytes, at);
                            at = step.offset;
                            data = step.data;
                            if (frame.decoder.done && at < bytes.length)
                                throw new Error("bytes after the end of a chunked body");
                        }
                        else {
                            data = bytes.subarray(at);
                            at = bytes.length;
                            if (frame.kind === "length") {
                                if (data.length > frame.left)
                                    throw new Error("the server sent more bytes than its Content-Length");
                                frame.left -= data.length;
                            }
                        }
                        received += data?.length ?? 0;
                        const pending = data && data.length > 0 ? sink(data) : undefined;
                        if (pending) {
                            const next = at;
                            pending.then(() => {
                                if (finished())
                                    settle();
                                else if (consume(bytes, next))
                                    this.socket.resume();
                            }, settle);
                            return false;
                        }
                    }
                    catch (error) {
                        settle(error);
                        return false;
                    }
                    if (finished()) {
                        settle();
                        return false;
                    }
                    if (at >= bytes.length)
                        return true;
                }
            };
            const closed = (error) => {
                if (signal?.aborted)
                    settle(signal.reason);
                else if (error === undefined && frame.kind === "close")
                    settle();
                else {
                    const message = `${error?.message ?? "the connection closed"} after ${received} body bytes`;
                    settle((0,http_retry/* networkError */.x6)(message, "ECONNRESET", error));
                }
            };
            this.#onClose = closed;
            this.#receiver = (bytes) => consume(bytes, 0);
            if (!consume(early, 0))
                return;
            if (this.socket.destroyed)
                closed(undefined);
            else
                this.socket.resume();
        });
    }
}
/**
 * TLS inside a tunnel cannot take `onread` (Node ignores it over an existing socket), so a tunnel's chunks
 * go to the same callback, and reading pauses when it says so.
 */
function readThrough(socket, { callback }) {
    return socket.on("data", (chunk) => {
        if (!callback(chunk.length, chunk))
            socket.pause();
    });
}
/** Destroys the socket with the signal's reason when it aborts; returns the function that stops watching. */
function watch(signal, socket) {
    if (signal === undefined)
        return () => { };
    const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted)
        abort();
    signal.addEventListener("abort", abort, { once: true });
    return () => signal.removeEventListener("abort", abort);
}
const idle = new Map();
function release(connection, keepAlive) {
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
function forget(connection) {
    const list = idle.get(connection.key);
    const at = list?.indexOf(connection) ?? -1;
    if (list && at >= 0)
        list.splice(at, 1);
}
function take(key) {
    const list = idle.get(key);
    for (let connection = list?.pop(); connection; connection = list?.pop()) {
        if (!connection.socket.destroyed)
            return connection;
    }
    return undefined;
}
/**
 * GET `url` and wait for the response head. A kept-alive connection is reused when one is idle; if the
 * server had closed it meanwhile (nothing came back), the request goes once more on a new connection.
 */
async function directGet(url, headers, signal, proxy) {
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
    for (const [name, value] of Object.entries(headers)) {
        if (/[\r\n]/.test(name) || /[\r\n]/.test(value))
            throw new Error(`header ${name} holds a line break`);
        lines.push(`${name}: ${value}`);
    }
    const requestHead = `${lines.join("\r\n")}\r\n\r\n`;
    // A tunnel is reused only for the target it leads to, through the same proxy.
    const key = proxy ? `${url.origin} via ${proxy.key}` : url.origin;
    const reused = take(key);
    if (reused) {
        try {
            return await reused.request(url, requestHead, signal);
        }
        catch (error) {
            if (!error.beforeResponse || signal?.aborted)
                throw error;
        }
    }
    const tunnel = proxy && (await connectThrough(proxy, tunnelTarget(url), { ALPNProtocols: ["http/1.1"] }, signal));
    return new Connection(url, key, tunnel).request(url, requestHead, signal);
}

;// CONCATENATED MODULE: ./src/http/transport.ts







/** A streamed request body whose length is not the Content-Length it was sent with. */
class BodyLengthError extends Error {
    name = "BodyLengthError";
}
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/*
 * Node's own HTTP client rather than undici for registry traffic: receiving a 1 GiB blob through undici
 * cost about twice the CPU of node:http here (its parser copies every socket chunk into WebAssembly
 * memory). Bulk GETs go through the direct reader, cheaper still.
 */
const transport_agents = {
    "http:": new (external_node_http_default()).Agent({ keepAlive: true }),
    "https:": new (external_node_https_default()).Agent({ keepAlive: true }),
};
/**
 * One HTTP exchange, redirects included. Redirects are followed by hand so that the Authorization header
 * goes to the registry's own origin only: a hop to another origin (a CDN serving blobs) drops it, and it
 * stays dropped for the rest of the chain even if a later hop comes back.
 */
async function exchange(req, options = {}) {
    let url = req.url;
    let method = req.method;
    let body = req.body;
    let authorized = options.authorization !== undefined;
    for (let hop = 0;; hop++) {
        assertTransportAllowed(url, { insecure: options.insecure });
        if (authorized && options.authorization && url.origin !== options.authorization.origin)
            authorized = false;
        const headers = { ...req.headers };
        if (authorized && options.authorization)
            headers.authorization = options.authorization.value;
        if (body === undefined && (method === "GET" || method === "HEAD"))
            delete headers["content-length"];
        const proxy = options.proxies && proxyFor(url, options.proxies);
        const response = req.bulk && method === "GET"
            ? wrapDirect(url, await directGet(url, headers, req.signal, proxy))
            : wrapIncoming(url, await send(url, method, headers, body, req.signal, proxy));
        const location = response.header("location");
        if (!REDIRECT_STATUSES.has(response.status) || location === undefined)
            return response;
        await response.discard();
        if (hop >= MAX_REDIRECTS)
            throw new Error(`too many redirects (more than ${MAX_REDIRECTS}) from ${req.url.origin}`);
        const next = new URL(location, url);
        if (response.status === 303 || (response.status <= 302 && method === "POST")) {
            method = "GET";
            body = undefined;
        }
        url = next;
    }
}
function send(url, method, headers, body, signal, proxy) {
    return new Promise((resolve, reject) => {
        const secure = url.protocol === "https:";
        const request = (secure ? (external_node_https_default()) : (external_node_http_default())).request(url, {
            method,
            headers,
            agent: proxy ? proxyAgent(proxy, secure) : transport_agents[secure ? "https:" : "http:"],
            ...(signal ? { signal } : {}),
        });
        request.once("response", resolve);
        // Errors after the response (a body that fails to upload) must still find a listener.
        request.on("error", reject);
        request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(idleTimeoutError(url.origin)));
        if (body === undefined)
            request.end();
        else if (body instanceof Uint8Array)
            request.end(body);
        else {
            const declared = headers["content-length"];
            const source = declared === undefined ? body() : (0,external_node_stream_.pipeline)(body(), new LengthCheck(Number(declared)), () => { });
            // Not pipeline() into the request: it aborts a request it tears down, and the cause would read
            // "socket hang up" instead of what went wrong with the body.
            source.once("error", (error) => request.destroy(error));
            source.pipe(request);
        }
    });
}
/** Passes a body through and fails it when it is longer or shorter than the length it was declared with. */
class LengthCheck extends external_node_stream_.Transform {
    #seen = 0;
    #declared;
    constructor(declared) {
        super();
        this.#declared = declared;
    }
    _transform(chunk, _encoding, callback) {
        this.#seen += chunk.length;
        if (this.#seen > this.#declared)
            callback(this.#mismatch());
        else
            callback(null, chunk);
    }
    _flush(callback) {
        callback(this.#seen === this.#declared ? null : this.#mismatch());
    }
    #mismatch() {
        return new BodyLengthError(`the body is not the ${this.#declared} bytes its Content-Length says`);
    }
}
async function drain(body) {
    try {
        for await (const _ of body)
            ;
    }
    catch {
        body.destroy();
    }
}
async function readText(body, limit) {
    const chunks = [];
    let size = 0;
    try {
        for await (const chunk of body) {
            const buffer = chunk;
            chunks.push(buffer);
            size += buffer.length;
            if (size >= limit)
                break;
        }
    }
    catch {
        // An error body that breaks off is still worth quoting as far as it came.
    }
    body.destroy();
    return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}
function pumpIncoming(response, sink, signal) {
    return new Promise((resolve, reject) => {
        let last = Promise.resolve();
        const fail = (error) => {
            signal?.removeEventListener("abort", abort);
            response.destroy();
            reject(error);
        };
        const abort = () => fail(signal?.reason);
        if (signal?.aborted)
            return abort();
        signal?.addEventListener("abort", abort, { once: true });
        response.on("data", (chunk) => {
            try {
                const pending = sink(chunk);
                if (pending) {
                    response.pause();
                    last = pending.then(() => {
                        response.resume();
                    });
                    last.catch(fail);
                }
            }
            catch (error) {
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
function headerOf(headers, name) {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
}
function wrapIncoming(url, response) {
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
function wrapDirect(url, response) {
    let body;
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

;// CONCATENATED MODULE: ./src/registry/challenge.ts
/**
 * Parses a `WWW-Authenticate` value (RFC 7235): several challenges may share one header, parameters are
 * token=token or token="quoted string" with backslash escapes, and quoted values may contain commas.
 */
function parseChallenges(header) {
    const challenges = [];
    let i = 0;
    const n = header.length;
    const skipSpace = () => {
        while (i < n && /[\s,]/.test(header[i] ?? ""))
            i++;
    };
    const readToken = () => {
        const start = i;
        while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i] ?? ""))
            i++;
        return header.slice(start, i);
    };
    while (i < n) {
        skipSpace();
        const word = readToken();
        if (word === "") {
            i++;
            continue;
        }
        while (i < n && header[i] === " ")
            i++;
        if (header[i] === "=" && challenges.length > 0) {
            i++;
            while (i < n && header[i] === " ")
                i++;
            let value = "";
            if (header[i] === '"') {
                i++;
                while (i < n && header[i] !== '"') {
                    if (header[i] === "\\" && i + 1 < n)
                        i++;
                    value += header[i];
                    i++;
                }
                i++;
            }
            else {
                const start = i;
                while (i < n && header[i] !== "," && header[i] !== " ")
                    i++;
                value = header.slice(start, i);
            }
            const current = challenges[challenges.length - 1];
            if (current)
                current.params[word.toLowerCase()] = value;
        }
        else {
            challenges.push({ scheme: word.toLowerCase(), params: {} });
        }
    }
    return challenges;
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/registry/docker-config.ts





/** Docker Hub credentials live under the legacy index URL, in the config and in credential helpers. */
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
class CredentialHelperError extends errors/* CortexError */.G1 {
}
function dockerConfigPath(env) {
    const dir = env.DOCKER_CONFIG || external_node_path_default().join(env.HOME || external_node_os_default().homedir(), ".docker");
    return external_node_path_default().join(dir, "config.json");
}
/** `https://host/v1/` and `host` name the same registry, as the docker CLI reads them. */
function keyHost(key) {
    const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
    return DOCKER_HUB_ALIASES.has(host) ? ref/* DOCKER_HUB */.Xb : host;
}
/** Credentials for `registry` from the docker CLI's config: credHelpers, then credsStore, then auths. */
async function dockerConfigCredential(registry, env = process.env) {
    const file = dockerConfigPath(env);
    let config;
    try {
        config = JSON.parse(await (0,promises_.readFile)(file, "utf8"));
    }
    catch (error) {
        if (error.code === "ENOENT")
            return undefined;
        throw new errors/* CortexError */.G1(`cannot read docker config ${file}: ${error.message}`, { cause: error });
    }
    const host = keyHost(registry);
    const serverUrl = host === ref/* DOCKER_HUB */.Xb ? DOCKER_HUB_KEY : host;
    const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => keyHost(key) === host)?.[1];
    if (helper)
        return runCredentialHelper(helper, serverUrl, env);
    if (config.credsStore) {
        const stored = await runCredentialHelper(config.credsStore, serverUrl, env);
        if (stored)
            return stored;
    }
    const entry = Object.entries(config.auths ?? {}).find(([key]) => keyHost(key) === host)?.[1];
    return entry ? credentialFromEntry(entry, file) : undefined;
}
function credentialFromEntry(entry, file) {
    if (entry.registrytoken)
        return { kind: "registryToken", token: entry.registrytoken };
    if (entry.identitytoken)
        return { kind: "identityToken", token: entry.identitytoken };
    if (entry.username && entry.password)
        return { kind: "basic", username: entry.username, password: entry.password };
    if (entry.auth) {
        const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon <= 0)
            throw new errors/* CortexError */.G1(`docker config ${file}: an "auth" entry is not base64 of user:password`);
        return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    return undefined;
}
/**
 * `docker-credential-<name> get` with the server URL on stdin, as the docker CLI runs it. "Not found" is no
 * credential; any other failure is an error that quotes the helper's stderr, never its stdout (secrets).
 */
async function runCredentialHelper(name, serverUrl, env) {
    const program = `docker-credential-${name}`;
    // Loaded here, not at the top: execa's import costs over 100 ms, and every registry command would pay it
    // although most never run a helper.
    const { execa } = await __webpack_require__.e(/* import() */ 993).then(__webpack_require__.bind(__webpack_require__, 6993));
    const result = await execa(program, ["get"], { input: serverUrl, env, reject: false, timeout: 30_000 });
    if (result.failed) {
        const said = `${result.stdout} ${result.stderr}`;
        if (/not found|no credentials/i.test(said))
            return undefined;
        const reason = result.code === "ENOENT" ? "not found on PATH" : `exited with ${result.exitCode ?? result.signal}`;
        const stderr = result.stderr.trim().split("\n")[0] ?? "";
        throw new CredentialHelperError(`credential helper ${program} ${reason} for ${serverUrl}${stderr ? `: ${stderr.slice(0, 200)}` : ""}`);
    }
    let parsed;
    try {
        parsed = JSON.parse(result.stdout);
    }
    catch {
        throw new CredentialHelperError(`credential helper ${program} printed something other than JSON for ${serverUrl}`);
    }
    if (!parsed.Secret)
        return undefined;
    // Helpers store identity (refresh) tokens under the user name "<token>".
    if (parsed.Username === "<token>")
        return { kind: "identityToken", token: parsed.Secret };
    return { kind: "basic", username: parsed.Username ?? "", password: parsed.Secret };
}

;// CONCATENATED MODULE: ./src/registry/credentials.ts

const GHCR = "ghcr.io";
/**
 * Credentials for a registry, first match wins: explicit options, the docker CLI's config (credHelpers,
 * credsStore, auths), then `GITHUB_TOKEN` for ghcr.io. Undefined means anonymous.
 */
async function resolveCredential(registry, options = {}) {
    const env = options.env ?? process.env;
    const explicit = options.credentials;
    if (explicit?.username && explicit.password) {
        return { kind: "basic", username: explicit.username, password: explicit.password };
    }
    if (explicit?.token)
        return { kind: "registryToken", token: explicit.token };
    const configured = await dockerConfigCredential(registry, env);
    if (configured)
        return configured;
    if (registry === GHCR && env.GITHUB_TOKEN) {
        // ghcr.io accepts any user name with a token as the password; the actor is the honest one.
        return { kind: "basic", username: env.GITHUB_ACTOR || "x-access-token", password: env.GITHUB_TOKEN };
    }
    return undefined;
}
/** Every secret value inside a credential, for the redactor. */
function credentialSecrets(credential) {
    switch (credential.kind) {
        case "basic":
            return [credential.password, Buffer.from(`${credential.username}:${credential.password}`).toString("base64")];
        case "identityToken":
        case "registryToken":
            return [credential.token];
    }
}

;// CONCATENATED MODULE: ./src/registry/errors.ts

/** A registry answered with an error, or could not be reached; the message names host, repository and cause. */
class RegistryError extends errors/* CortexError */.G1 {
    status;
    codes;
    constructor(message, failure = {}, options) {
        super(message, options);
        this.status = failure.status ?? 0;
        this.codes = failure.codes ?? [];
    }
}
/** Credentials missing, wrong, or without the rights the operation needs. */
class RegistryAuthError extends RegistryError {
}
/** The registry does not hold the manifest, blob or repository asked for. */
class RegistryNotFoundError extends errors/* NotFoundError */.m_ {
    status;
    codes;
    constructor(message, failure, options) {
        super(message, options);
        this.status = failure.status;
        this.codes = failure.codes;
    }
}
const NOT_FOUND_CODES = new Set(["MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN", "BLOB_UPLOAD_UNKNOWN"]);
/** Reads the distribution-spec error body (`{"errors":[{"code","message"}]}`) when there is one. */
function parseErrorBody(text) {
    try {
        const body = JSON.parse(text);
        const errors = Array.isArray(body.errors) ? body.errors : [];
        return {
            codes: errors.map((e) => String(e.code ?? "")).filter((c) => c !== ""),
            messages: errors.map((e) => String(e.message ?? "")).filter((m) => m !== ""),
        };
    }
    catch {
        return { codes: [], messages: [] };
    }
}
function firstLine(text) {
    return (text.trim().split("\n")[0] ?? "").slice(0, 200);
}
/**
 * The error for a failed response. `where` names host and repository (`registry 127.0.0.1:5000, repository
 * ai/model`), `what` the operation (`manifest latest`). The body text has already been redacted. `anonymous`
 * says no credential was available, which is the likelier cause of a 401 than a wrong one.
 */
function errorForResponse(where, what, status, bodyText, options = {}) {
    const { codes, messages } = parseErrorBody(bodyText);
    // A body without the spec's error list (a proxy's HTML page, plain text) is quoted by its first line.
    const detail = codes.length > 0 || messages.length > 0 ? messages.join("; ") : firstLine(bodyText);
    const codeText = codes.length > 0 ? ` ${codes.join(",")}` : "";
    const failure = { status, codes };
    if (status === 404 || codes.some((c) => NOT_FOUND_CODES.has(c))) {
        return new RegistryNotFoundError(`${where}: ${what} not found (HTTP ${status}${codeText}${detail ? `: ${detail}` : ""})`, failure);
    }
    if (status === 401 || status === 403) {
        const reason = status === 401 ? "authentication failed" : "access denied";
        const hint = options.anonymous
            ? "no credentials were found for this registry (options, docker config, GITHUB_TOKEN for ghcr.io)"
            : "check the credentials for this registry";
        return new RegistryAuthError(`${where}: ${reason} for ${what} (HTTP ${status}${codeText}${detail ? `: ${detail}` : ""}); ${hint}`, failure);
    }
    return new RegistryError(`${where}: ${what} failed with HTTP ${status}${codeText}${detail ? `: ${detail}` : ""}`, failure);
}

;// CONCATENATED MODULE: ./src/registry/auth.ts





/** Tokens are refreshed this long before the expiry the token service announced. */
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;
/**
 * Answers a registry's authentication challenges: Basic with the resolved credentials, or Bearer tokens
 * fetched from the challenge's realm and cached per scope set (a push token must not serve a pull of
 * another repository, and the other way round).
 */
class Authenticator {
    #options;
    #credential;
    #anonymous = false;
    #basic;
    #tokens = new Map();
    constructor(options) {
        this.#options = options;
    }
    /** True once a challenge has been answered without any credential. */
    get anonymous() {
        return this.#anonymous;
    }
    /** The Authorization value to send for these scopes, when one is already known. */
    authorization(scopes) {
        if (this.#basic)
            return this.#basic;
        const token = this.#tokens.get(scopeKey(scopes));
        if (token && token.expiresAt > Date.now())
            return `Bearer ${token.value}`;
        return undefined;
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
        this.#anonymous = credential === undefined;
        if (bearer?.params.realm) {
            const previous = this.#tokens.get(scopeKey(scopes));
            if (credential?.kind === "registryToken") {
                if (previous?.value === credential.token)
                    return false;
                this.#tokens.set(scopeKey(scopes), { value: credential.token, expiresAt: Number.POSITIVE_INFINITY });
                return true;
            }
            const token = await this.#fetchToken(bearer, scopes, credential, signal);
            if (previous?.value === token.value)
                return false;
            this.#tokens.set(scopeKey(scopes), token);
            return true;
        }
        if (basic && credential?.kind === "basic") {
            const value = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
            if (this.#basic === value)
                return false;
            this.#basic = value;
            return true;
        }
        return false;
    }
    async #resolveCredential() {
        this.#credential ??= this.#options.credential().then((credential) => {
            if (credential)
                for (const secret of credentialSecrets(credential))
                    this.#options.redactor.add(secret);
            return credential;
        });
        return this.#credential;
    }
    async #fetchToken(challenge, scopes, credential, signal) {
        const realm = new URL(challenge.params.realm ?? "");
        const service = challenge.params.service;
        const wanted = mergeScopes(scopes, challenge.params.scope);
        const where = `registry ${this.#options.registry}: token service ${realm.origin}`;
        return (0,http_retry/* withRetries */.LH)(this.#options.retry, signal, async () => {
            const request = credential?.kind === "identityToken"
                ? refreshTokenRequest(realm, service, wanted, credential.token)
                : tokenRequest(realm, service, wanted, credential);
            const response = await exchange({ ...request, ...(signal ? { signal } : {}) }, { insecure: this.#options.insecure, ...(this.#options.proxies ? { proxies: this.#options.proxies } : {}) });
            if (response.status !== 200) {
                const text = this.#options.redactor.redact(await response.text());
                const error = errorForResponse(where, `token request for ${wanted.join(" ")}`, response.status, text, {
                    anonymous: credential === undefined,
                });
                if ((0,http_retry/* isRetryableStatus */.PS)(response.status)) {
                    throw new http_retry/* RetryLater */.vR(error, (0,http_retry/* parseRetryAfter */.mu)(response.header("retry-after")));
                }
                throw error;
            }
            const body = JSON.parse(await response.text(1024 * 1024));
            const value = body.token || body.access_token;
            if (!value)
                throw new RegistryAuthError(`${where}: the token response carries neither token nor access_token`);
            this.#options.redactor.add(value);
            const lifetime = (body.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
            return { value, expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2) };
        });
    }
}
function tokenRequest(realm, service, scopes, credential) {
    const url = new URL(realm);
    if (service)
        url.searchParams.set("service", service);
    for (const scope of scopes)
        url.searchParams.append("scope", scope);
    const headers = {};
    if (credential?.kind === "basic") {
        headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
    }
    return { method: "GET", url, headers };
}
/** OAuth2 refresh-token grant, as the docker CLI does with an identity token. */
function refreshTokenRequest(realm, service, scopes, token) {
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: token, client_id: "cortex-model" });
    if (service)
        form.set("service", service);
    if (scopes.length > 0)
        form.set("scope", scopes.join(" "));
    return {
        method: "POST",
        url: realm,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new Uint8Array(Buffer.from(form.toString())),
    };
}
function scopeKey(scopes) {
    return [...scopes].sort().join(" ");
}
/**
 * Our scopes joined with the challenge's, one entry per resource with its actions united. The registry
 * names actions in no fixed order (docker-registry says `push,pull` on one run and `pull,push` on the
 * next), so scopes are merged by resource, never compared as strings.
 */
function mergeScopes(scopes, challenged) {
    const actions = new Map();
    const extra = (challenged ?? "").split(" ").filter((scope) => scope !== "");
    for (const scope of [...scopes, ...extra]) {
        const split = scope.lastIndexOf(":");
        const resource = split > 0 ? scope.slice(0, split) : scope;
        const listed = split > 0 ? scope.slice(split + 1).split(",") : [];
        const known = actions.get(resource) ?? new Set();
        for (const action of listed)
            if (action)
                known.add(action);
        actions.set(resource, known);
    }
    return [...actions].map(([resource, known]) => (known.size > 0 ? `${resource}:${[...known].join(",")}` : resource));
}
/** Token scope for an operation on a repository. */
function repositoryScope(repository, access) {
    return `repository:${repository}:${access}`;
}

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
                    const response = await exchange({
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
        return errorForResponse(where, what, response.status, text, { anonymous: this.#options.authenticator.anonymous });
    }
    #clean(where, req, error) {
        if (req.signal?.aborted)
            return error;
        if (error instanceof errors/* CortexError */.G1)
            return error;
        const message = this.redactor.redact(error instanceof Error ? error.message : String(error));
        return new RegistryError(`${where}: ${req.method} ${req.what} failed: ${message}`, {}, { cause: error });
    }
}

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

// EXTERNAL MODULE: ./src/core/digest.ts
var core_digest = __webpack_require__(5543);
// EXTERNAL MODULE: ./src/core/media-types.ts
var media_types = __webpack_require__(7407);
;// CONCATENATED MODULE: ./src/registry/blob-reader.ts





function blobWindow(size, range, what) {
    const start = range?.offset ?? 0;
    if (!Number.isSafeInteger(start) || start < 0 || start > size) {
        throw new errors/* CortexError */.G1(`${what}: range offset ${start} lies outside the blob's ${size} bytes`);
    }
    if (range?.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 0)) {
        throw new errors/* CortexError */.G1(`${what}: range length ${range.length} is not a non-negative integer`);
    }
    const end = range?.length === undefined ? size : Math.min(size, start + range.length);
    return { start, end };
}
/**
 * Checks a response to a request for bytes [position, end) of a blob of `size` bytes and says how many
 * leading bytes to drop: a 206 must cover exactly the requested start; a 200 (a server that ignored Range)
 * carries the whole blob, so the bytes before `position` are skipped.
 */
function checkRangeResponse(response, position, end, size, what) {
    const ranged = position > 0 || end < size;
    if (response.status === 200)
        return ranged ? position : 0;
    if (response.status !== 206) {
        throw new RegistryError(`${what}: unexpected HTTP ${response.status} to a blob request`, {
            status: response.status,
        });
    }
    const contentRange = response.header("content-range") ?? "";
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
    if (!match || Number(match[1]) !== position || Number(match[2]) < Math.min(end, size) - 1) {
        throw new RegistryError(`${what}: asked for bytes ${position}-${end - 1} but the server answered 206 with Content-Range "${contentRange}"`, { status: 206 });
    }
    return 0;
}
/** Stops a whole-blob 200 once the window is full: the rest of that body is not ours. */
class WindowFull extends Error {
}
/**
 * Sends the bytes of a window into `sink`. A connection that breaks mid-body is picked up again with a
 * Range request from the first missing byte (the retry budget restarts whenever bytes arrive), so a long
 * download survives flaky links; a body longer than the window is an error, never silently passed on.
 */
async function pumpWindow(window, open, policy, what, sink, signal) {
    let position = window.start;
    let failures = 0;
    while (position < window.end) {
        const current = await open(position);
        let skip = current.skip;
        let failure;
        try {
            await current.response.readInto((chunk) => {
                // Bytes already read are not handed on once the caller has given up.
                signal?.throwIfAborted();
                let bytes = chunk;
                if (skip > 0) {
                    const dropped = Math.min(skip, bytes.length);
                    skip -= dropped;
                    bytes = bytes.subarray(dropped);
                    if (bytes.length === 0)
                        return;
                }
                const room = window.end - position;
                if (bytes.length > room) {
                    if (current.response.header("content-range")) {
                        throw new errors/* CortexError */.G1(`${what}: the server sent more bytes than requested`);
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
                // A caller that gave up while the last bytes were on their way still sees the abort.
                signal?.throwIfAborted();
                return;
            }
            failure = new http_retry/* TransientTransferError */.C6(`body ended at byte ${position} of ${window.end}`);
        }
        catch (error) {
            if (error instanceof WindowFull)
                return;
            failure = error;
        }
        if (signal?.aborted || !(0,http_retry/* isRetryableNetworkError */.Hr)(failure) || ++failures >= policy.attempts) {
            if (failure instanceof errors/* CortexError */.G1 || signal?.aborted)
                throw failure;
            throw new RegistryError(`${what}: transfer failed at byte ${position}: ${failure.message}`, {}, { cause: failure });
        }
        await (0,http_retry/* wait */.uk)((0,http_retry/* backoffDelay */.EY)(failures - 1, policy), signal);
    }
}
/** The bytes of a window as one stream, with the same resumption as pumpWindow. */
async function readWindow(window, open, policy, what, signal) {
    if (window.end === window.start)
        return external_node_stream_.Readable.from([]);
    // The first request is made before the stream is returned, so that a missing blob or a refusal is
    // reported by fetchBlob itself rather than by the first read.
    const first = await open(window.start);
    let opened = false;
    const reopen = async (position) => {
        if (opened)
            return open(position);
        opened = true;
        return first;
    };
    const stream = sinkReadable((sink, stop) => pumpWindow(window, reopen, policy, what, sink, signal ? AbortSignal.any([signal, stop]) : stop));
    // An abort ends the stream even when every byte has already arrived and waits in its buffer.
    return signal ? (0,external_node_stream_.addAbortSignal)(signal, stream) : stream;
}

// EXTERNAL MODULE: ./src/registry/manifest.ts
var manifest = __webpack_require__(506);
// EXTERNAL MODULE: ./src/registry/referrers.ts
var referrers = __webpack_require__(9191);
;// CONCATENATED MODULE: ./src/registry/upload.ts





const DEFAULT_UPLOAD_OPTIONS = {
    chunkThreshold: 64 * 1024 * 1024,
    chunkSize: 16 * 1024 * 1024,
};
const OCTET_STREAM = "application/octet-stream";
function request(ctx, fields) {
    return { ...fields, scopes: ctx.scopes, signal: ctx.signal };
}
/** The session URL a response points to (Location may be relative). */
function upload_location(ctx, response, what) {
    const value = response.header("location");
    if (!value)
        throw new RegistryError(`${ctx.where}: ${what}: the registry gave no upload Location`);
    return new URL(value, response.url);
}
/** Starts an upload session (POST); with `mount`, asks to mount the blob from another repository instead. */
async function startUpload(ctx, what, mount) {
    const path = new URL(`/v2/${ctx.repository}/blobs/uploads/`, ctx.client.baseUrl);
    if (mount) {
        path.searchParams.set("mount", mount.digest);
        path.searchParams.set("from", mount.from);
    }
    return ctx.client.send(ctx.where, request(ctx, { method: "POST", path, headers: { "content-length": "0" }, what }), async (response) => {
        if (response.status === 201 && mount) {
            await response.discard();
            return { mounted: true };
        }
        if (response.status !== 202)
            throw await ctx.client.failure(ctx.where, what, response);
        await response.discard();
        return { mounted: false, session: upload_location(ctx, response, what) };
    });
}
/** Abandons an upload session; failing to do so only leaves garbage the registry collects. */
async function cancelUpload(ctx, session) {
    try {
        await ctx.client.send(ctx.where, request(ctx, { method: "DELETE", path: session, what: "upload cancel" }), (r) => r.discard());
    }
    catch {
        // Nothing to do: the session expires on its own.
    }
}
/** Upload sessions started per blob before giving up on sessions the registry drops. */
const SESSION_ATTEMPTS = 3;
/**
 * Uploads a blob: one PUT when small, PATCH chunks when large; checks the digest it got back. A session
 * the registry drops (distribution cancels one whose PATCH broke off and was sent again: BLOB_UPLOAD_INVALID)
 * is started over from the first byte, which content as bytes or as a stream factory allows.
 */
async function uploadBlob(ctx, descriptor, content, options) {
    if (content instanceof Uint8Array)
        checkBytes(ctx, descriptor, content);
    for (let attempt = 1;; attempt++) {
        try {
            return await uploadOnce(ctx, descriptor, content, options);
        }
        catch (error) {
            if (attempt >= SESSION_ATTEMPTS || !isLostSession(error))
                throw error;
        }
    }
}
function isLostSession(error) {
    const failure = error;
    return (failure.status === 416 ||
        (failure.codes ?? []).some((code) => code === "BLOB_UPLOAD_INVALID" || code === "BLOB_UPLOAD_UNKNOWN"));
}
async function uploadOnce(ctx, descriptor, content, options) {
    const what = `blob ${descriptor.digest}`;
    const start = await startUpload(ctx, `${what} upload`);
    if (start.mounted)
        return;
    try {
        const monolithic = descriptor.size <= options.chunkThreshold;
        const session = monolithic
            ? start.session
            : await patchChunks(ctx, descriptor, start.session, content, options.chunkSize);
        const put = new URL(session);
        put.searchParams.set("digest", descriptor.digest);
        await ctx.client.send(ctx.where, request(ctx, {
            method: "PUT",
            path: put,
            headers: {
                "content-type": OCTET_STREAM,
                "content-length": String(monolithic ? descriptor.size : 0),
            },
            ...(monolithic ? { body: content } : {}),
            what,
        }), async (response) => {
            if (response.status !== 201)
                throw await uploadFailure(ctx, what, descriptor, response);
            await response.discard();
            const returned = response.header("docker-content-digest");
            if (returned && returned !== descriptor.digest) {
                throw new errors/* DigestMismatchError */.h(`${ctx.where}: ${what}: the registry stored it as ${returned}`);
            }
        });
    }
    catch (error) {
        await cancelUpload(ctx, start.session);
        if (error.cause instanceof BodyLengthError) {
            throw new errors/* DigestMismatchError */.h(`${ctx.where}: ${what}: the content is not the ${descriptor.size} bytes its descriptor says`, { cause: error });
        }
        throw error;
    }
}
async function uploadFailure(ctx, what, descriptor, response) {
    const error = await ctx.client.failure(ctx.where, what, response);
    if (error instanceof RegistryError && error.codes.includes("DIGEST_INVALID")) {
        return new errors/* DigestMismatchError */.h(`${ctx.where}: ${what}: the registry refused the content, it does not match ${descriptor.digest}`, { cause: error });
    }
    return error;
}
function checkBytes(ctx, descriptor, bytes) {
    const digest = (0,core_digest/* sha256Digest */.sI)(bytes);
    if (bytes.length !== descriptor.size || digest !== descriptor.digest) {
        throw new errors/* DigestMismatchError */.h(`${ctx.where}: blob content (${bytes.length} bytes, ${digest}) does not match its descriptor (${descriptor.size} bytes, ${descriptor.digest})`);
    }
}
/** Splits content into chunks of `size` bytes (the last one shorter). */
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
    if (pendingSize > 0)
        yield Buffer.concat(pending, pendingSize);
}
/**
 * Sends the content in PATCH chunks with Content-Range, hashing as it goes; content that does not match the
 * descriptor is refused before the final PUT, so the registry never commits it.
 */
async function patchChunks(ctx, descriptor, session, content, chunkSize) {
    const hash = (0,external_node_crypto_.createHash)("sha256");
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
        throw new errors/* DigestMismatchError */.h(`${ctx.where}: streamed blob content does not match its descriptor (${descriptor.size} bytes, ${descriptor.digest})${offset !== descriptor.size ? `: got at least ${offset} bytes` : ""}`);
    }
    return current;
}
/** Sends one PATCH of `bytes` starting at `offset`; resolves to the next session URL. */
async function sendPatch(ctx, session, chunk, offset, what) {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    return ctx.client.send(ctx.where, request(ctx, {
        method: "PATCH",
        path: session,
        headers: {
            "content-type": OCTET_STREAM,
            "content-length": String(bytes.length),
            "content-range": `${offset}-${offset + bytes.length - 1}`,
        },
        body: bytes,
        what,
    }), async (response) => {
        if (response.status !== 202)
            throw await ctx.client.failure(ctx.where, what, response);
        await response.discard();
        return upload_location(ctx, response, what);
    });
}

;// CONCATENATED MODULE: ./src/registry/remote-repository.ts









const MANIFEST_ACCEPT = media_types/* MANIFEST_MEDIA_TYPES */.$T.join(", ");
/** One repository of a remote registry, as a Target. */
class RemoteRepository {
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
        const headed = await this.#send({
            method: "HEAD",
            path: this.#path("manifests", reference),
            headers: { accept: MANIFEST_ACCEPT },
            signal: options.signal,
            scopes: this.#pull(),
            what,
        }, async (response) => {
            await response.discard();
            if (response.status !== 200)
                return undefined;
            const mediaType = (response.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
            const digest = response.header("docker-content-digest");
            const size = Number(response.header("content-length"));
            if (!(0,media_types/* isManifestMediaType */.CM)(mediaType) || !digest || !(0,core_digest/* isDigest */.Bc)(digest) || !Number.isSafeInteger(size))
                return undefined;
            if ((0,core_digest/* isDigest */.Bc)(reference) && digest !== reference)
                return undefined;
            return { mediaType, digest, size };
        });
        // A HEAD that says too little (Ollama's text/plain, no digest header) or fails: GET tells the truth.
        return headed ?? (await this.fetchManifest(reference, options)).descriptor;
    }
    async fetchManifest(reference, options = {}) {
        const expected = typeof reference === "string" ? undefined : reference;
        const name = typeof reference === "string" ? reference : reference.digest;
        const pinned = expected?.digest ?? ((0,core_digest/* isDigest */.Bc)(name) ? (0,core_digest/* parseDigest */.m)(name) : undefined);
        const what = `manifest ${name}`;
        return this.#send({
            method: "GET",
            path: this.#path("manifests", name),
            headers: { accept: MANIFEST_ACCEPT },
            signal: options.signal,
            scopes: this.#pull(),
            what,
        }, async (response) => {
            if (response.status !== 200)
                throw await this.#client.failure(this.#where, what, response);
            const announced = Number(response.header("content-length"));
            if (announced > manifest/* MAX_MANIFEST_BYTES */.ZJ) {
                response.body.destroy();
                throw new manifest/* ManifestTooLargeError */.Hf(`${this.#where}: ${what} is ${announced} bytes, over the ${manifest/* MAX_MANIFEST_BYTES */.ZJ}-byte manifest limit: refused`);
            }
            const bytes = await (0,manifest/* readLimited */.tk)(response.body, manifest/* MAX_MANIFEST_BYTES */.ZJ, `${this.#where}: ${what}`);
            const digest = (0,core_digest/* sha256Digest */.sI)(bytes);
            const claimed = response.header("docker-content-digest");
            const against = pinned ?? (claimed?.startsWith("sha256:") ? claimed : undefined);
            if (against && digest !== against) {
                // Bytes damaged in transit are worth another attempt; a registry that lies fails every time.
                throw new http_retry/* RetryLater */.vR(new errors/* DigestMismatchError */.h(`${this.#where}: ${what}: received bytes hash to ${digest}, expected ${against}`));
            }
            if (expected && expected.size !== bytes.length) {
                throw new errors/* DigestMismatchError */.h(`${this.#where}: ${what} is ${bytes.length} bytes, its descriptor says ${expected.size}`);
            }
            const mediaType = (0,manifest/* manifestMediaType */.gp)(response.header("content-type"), bytes, expected?.mediaType);
            const descriptor = {
                mediaType,
                digest,
                size: bytes.length,
                ...(expected?.annotations ? { annotations: expected.annotations } : {}),
            };
            return { descriptor, bytes };
        });
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
        const path = this.#path("blobs", descriptor.digest);
        const open = (position) => this.#send({
            method: "GET",
            path,
            headers: position > 0 || window.end < descriptor.size ? { range: `bytes=${position}-${window.end - 1}` } : {},
            signal: options.signal,
            scopes: this.#pull(),
            what,
            bulk: true,
        }, async (response) => {
            if (response.status !== 200 && response.status !== 206) {
                throw await this.#client.failure(this.#where, what, response);
            }
            const skip = checkRangeResponse(response, position, window.end, descriptor.size, where);
            return { response, skip };
        });
        return { window, open, what: where };
    }
    async exists(descriptor, options = {}) {
        const kind = (0,media_types/* isManifestMediaType */.CM)(descriptor.mediaType) ? "manifests" : "blobs";
        const what = `${kind === "blobs" ? "blob" : "manifest"} ${descriptor.digest}`;
        return this.#send({
            method: "HEAD",
            path: this.#path(kind, descriptor.digest),
            headers: kind === "manifests" ? { accept: MANIFEST_ACCEPT } : {},
            signal: options.signal,
            scopes: this.#pull(),
            what,
        }, async (response) => {
            await response.discard();
            if (response.status === 200)
                return true;
            if (response.status === 404)
                return false;
            throw await this.#client.failure(this.#where, what, response);
        });
    }
    async tags(options = {}) {
        const tags = [];
        let next = new URL(`/v2/${this.repository}/tags/list?n=${this.#tagPageSize}`, this.#client.baseUrl);
        while (next) {
            const page = next;
            next = await this.#send({ method: "GET", path: page, signal: options.signal, scopes: this.#pull(), what: "tag list" }, async (response) => {
                if (response.status === 404) {
                    await response.discard();
                    return undefined;
                }
                if (response.status !== 200)
                    throw await this.#client.failure(this.#where, "tag list", response);
                const body = JSON.parse(await response.text(16 * 1024 * 1024));
                tags.push(...(body.tags ?? []));
                const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.header("link") ?? "");
                return link?.[1] ? new URL(link[1], page) : undefined;
            });
        }
        return tags;
    }
    referrers(subject, options = {}) {
        return (0,referrers/* listReferrers */.xt)(this, subject, options);
    }
    /** GET /v2/<repo>/referrers/<digest>; undefined when the registry has no referrers API (404). */
    async referrersApi(subject, options = {}) {
        const path = new URL(`/v2/${this.repository}/referrers/${subject.digest}`, this.#client.baseUrl);
        if (options.artifactType)
            path.searchParams.set("artifactType", options.artifactType);
        const what = `referrers of ${subject.digest}`;
        return this.#send({
            method: "GET",
            path,
            headers: { accept: "application/vnd.oci.image.index.v1+json" },
            signal: options.signal,
            scopes: this.#pull(),
            what,
        }, async (response) => {
            if (response.status === 404) {
                await response.discard();
                return undefined;
            }
            if (response.status !== 200)
                throw await this.#client.failure(this.#where, what, response);
            const bytes = await (0,manifest/* readLimited */.tk)(response.body, manifest/* MAX_MANIFEST_BYTES */.ZJ, `${this.#where}: ${what}`);
            const index = JSON.parse(Buffer.from(bytes).toString("utf8"));
            return index.manifests ?? [];
        });
    }
    async pushBlob(descriptor, content, options = {}) {
        if (await this.exists(descriptor, options))
            return;
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
            from: fromRepository,
        });
        if (result.mounted)
            return true;
        await cancelUpload(ctx, result.session);
        return false;
    }
    #uploadContext(signal, extraScopes = []) {
        return {
            client: this.#client,
            where: this.#where,
            repository: this.repository,
            scopes: [...this.#push(), ...extraScopes],
            signal,
        };
    }
    async pushManifest(descriptor, bytes, options = {}) {
        const what = `manifest ${options.tag ?? descriptor.digest}`;
        const digest = (0,core_digest/* sha256Digest */.sI)(bytes);
        if (digest !== descriptor.digest || bytes.length !== descriptor.size) {
            throw new errors/* DigestMismatchError */.h(`${this.#where}: ${what}: bytes (${bytes.length}, ${digest}) do not match the descriptor (${descriptor.size}, ${descriptor.digest})`);
        }
        if (bytes.length > manifest/* MAX_MANIFEST_BYTES */.ZJ) {
            throw new manifest/* ManifestTooLargeError */.Hf(`${this.#where}: ${what} is ${bytes.length} bytes, over the ${manifest/* MAX_MANIFEST_BYTES */.ZJ}-byte manifest limit`);
        }
        await this.#send({
            method: "PUT",
            path: this.#path("manifests", options.tag ?? descriptor.digest),
            headers: { "content-type": descriptor.mediaType, "content-length": String(bytes.length) },
            body: bytes,
            signal: options.signal,
            scopes: this.#push(),
            what,
        }, async (response) => {
            if (response.status !== 201)
                throw await this.#client.failure(this.#where, what, response);
            await response.discard();
            const returned = response.header("docker-content-digest");
            if (returned && returned !== descriptor.digest) {
                throw new errors/* DigestMismatchError */.h(`${this.#where}: ${what}: the registry stored it as ${returned}`);
            }
        });
    }
    async tag(descriptor, tag, options = {}) {
        const { bytes } = await this.fetchManifest(descriptor, options);
        await this.pushManifest(descriptor, bytes, { ...options, tag });
    }
    /** Deletes a manifest by digest (the registry must allow deletes); a missing one is a NotFoundError. */
    async deleteManifest(descriptor, options = {}) {
        const what = `manifest ${descriptor.digest}`;
        await this.#send({
            method: "DELETE",
            path: this.#path("manifests", descriptor.digest),
            signal: options.signal,
            scopes: [repositoryScope(this.repository, "delete")],
            what,
        }, async (response) => {
            if (response.status !== 202 && response.status !== 200)
                throw await this.#client.failure(this.#where, what, response);
            await response.discard();
        });
    }
}

;// CONCATENATED MODULE: ./src/registry/index.ts









/** A registry repository as a Target; nothing is sent until the first operation. */
function openRepository(ref, options = {}) {
    const retry = { ...http_retry/* DEFAULT_RETRY_POLICY */.cO, ...options.retry };
    const redactor = new Redactor(options.onSecret);
    // The proxy variables of the environment the credentials come from (a command's own env in the CLI).
    const proxies = proxyEnv(options.env ?? process.env);
    redactor.add(proxies.http?.password);
    redactor.add(proxies.https?.password);
    const authenticator = new Authenticator({
        registry: ref.registry,
        credential: () => resolveCredential(ref.registry, options),
        redactor,
        retry,
        proxies,
        ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
    });
    const client = new RegistryClient({
        registry: ref.registry,
        baseUrl: registryBaseUrl(ref.registry, options),
        authenticator,
        redactor,
        retry,
        proxies,
        ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
    });
    return new RemoteRepository(client, ref.registry, ref.repository, {
        retry,
        upload: { ...DEFAULT_UPLOAD_OPTIONS, ...options.upload },
        tagPageSize: options.tagPageSize ?? 1000,
    });
}






/***/ })

};
