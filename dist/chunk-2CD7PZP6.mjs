import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  isRetryableStatus,
  networkError,
  registryEndpoint
} from "./chunk-JLHAMPB3.mjs";
import {
  CortexError,
  UsageError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/http/origin.ts
function hostName(host) {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracket?.[1]) return bracket[1].toLowerCase();
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && host.indexOf(":") === colon) return host.slice(0, colon).toLowerCase();
  return host.toLowerCase();
}
__name(hostName, "hostName");
function isLoopbackHost(host) {
  const name = hostName(host);
  if (name === "localhost" || name.endsWith(".localhost") || name === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
__name(isLoopbackHost, "isLoopbackHost");
function registryBaseUrl(registry, options = {}) {
  const endpoint = registryEndpoint(registry);
  const scheme = options.insecure || isLoopbackHost(endpoint) ? "http" : "https";
  return new URL(`${scheme}://${endpoint}/`);
}
__name(registryBaseUrl, "registryBaseUrl");
function assertTransportAllowed(url, options = {}) {
  if (url.protocol === "https:") return;
  if (url.protocol !== "http:")
    throw new UsageError(`refusing to contact ${url.origin}: only http(s) URLs are allowed`);
  if (options.insecure || isLoopbackHost(url.host)) return;
  throw new UsageError(
    `refusing plain HTTP to ${url.host}: only loopback hosts or registries marked insecure may use http`
  );
}
__name(assertTransportAllowed, "assertTransportAllowed");

// src/http/proxy.ts
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
var ProxyError = class extends CortexError {
  static {
    __name(this, "ProxyError");
  }
  /** The proxy's answer to CONNECT; 0 when it gave none. */
  status;
  constructor(message, status, options) {
    super(message, options);
    this.status = status;
  }
};
var DEFAULT_PROXY_PORT = 1080;
var CONNECT_TIMEOUT_MS = 3e4;
var MAX_CONNECT_HEAD_BYTES = 16 << 10;
function variable(env, lower) {
  const upper = lower.toUpperCase();
  const name = env[lower] !== void 0 ? lower : upper;
  return { name, value: (env[name] ?? "").trim() };
}
__name(variable, "variable");
function decodeUserInfo(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
__name(decodeUserInfo, "decodeUserInfo");
function parseProxyUrl(value, name) {
  let url;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    throw new UsageError(`${name} is not a proxy URL (expected http://[user:password@]host[:port])`);
  }
  if (url.protocol !== "http:") {
    throw new UsageError(`${name}: ${url.protocol.slice(0, -1)} proxies are not supported; give an http:// proxy`);
  }
  if (url.hostname === "") throw new UsageError(`${name} names no proxy host`);
  const port = url.port === "" ? DEFAULT_PROXY_PORT : Number(url.port);
  const origin = `http://${url.hostname}:${port}`;
  const user = decodeUserInfo(url.username);
  const password = decodeUserInfo(url.password);
  if (user === "" && password === "") return { origin, host: hostName(url.hostname), port, key: origin };
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const fingerprint = createHash("sha256").update(authorization).digest("hex").slice(0, 16);
  const key = `${origin} ${fingerprint}`;
  return { origin, host: hostName(url.hostname), port, authorization, ...password ? { password } : {}, key };
}
__name(parseProxyUrl, "parseProxyUrl");
function parseNoProxyEntry(entry, variableName) {
  if (entry === "*") return { kind: "any" };
  const [host, portText] = splitPort(entry);
  const port = portText === void 0 ? {} : { port: Number(portText) };
  const [address, bits] = host.split("/");
  const family = net.isIP(address);
  if (family !== 0) {
    const addresses = new net.BlockList();
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === void 0) addresses.addAddress(address, type);
    else if (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
      addresses.addSubnet(address, Number(bits), type);
    else throw new UsageError(`${variableName} entry "${entry}" is not a valid CIDR block`);
    return { kind: "ip", addresses, ...port };
  }
  const name = host.toLowerCase().replace(/^\*?\.+/, "").replace(/\.+$/, "");
  return { kind: "name", name, ...port };
}
__name(parseNoProxyEntry, "parseNoProxyEntry");
function splitPort(entry) {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1] ?? "", bracketed[2]];
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  return hostPort ? [hostPort[1] ?? "", hostPort[2]] : [entry, void 0];
}
__name(splitPort, "splitPort");
function parseNoProxy(value, variableName = "NO_PROXY") {
  return value.split(/[\s,]+/).filter((entry) => entry !== "").map((entry) => parseNoProxyEntry(entry, variableName));
}
__name(parseNoProxy, "parseNoProxy");
function proxyEnv(env = process.env) {
  const server = /* @__PURE__ */ __name((lower) => {
    const { name, value } = variable(env, lower);
    return value === "" ? void 0 : parseProxyUrl(value, name);
  }, "server");
  const http3 = server("http_proxy");
  const https3 = server("https_proxy");
  const noProxy = variable(env, "no_proxy");
  return { ...http3 ? { http: http3 } : {}, ...https3 ? { https: https3 } : {}, noProxy: parseNoProxy(noProxy.value, noProxy.name) };
}
__name(proxyEnv, "proxyEnv");
function defaultPort(url) {
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}
__name(defaultPort, "defaultPort");
function bypasses(rule, host, port) {
  if (rule.kind === "any") return true;
  if (rule.port !== void 0 && rule.port !== port) return false;
  if (rule.kind === "ip") {
    const family = net.isIP(host);
    return family !== 0 && rule.addresses.check(host, family === 4 ? "ipv4" : "ipv6");
  }
  return rule.name !== "" && (host === rule.name || host.endsWith(`.${rule.name}`));
}
__name(bypasses, "bypasses");
function proxyFor(url, proxies) {
  const proxy = url.protocol === "https:" ? proxies.https : url.protocol === "http:" ? proxies.http : void 0;
  if (proxy === void 0) return void 0;
  const host = hostName(url.hostname).replace(/\.$/, "");
  const port = defaultPort(url);
  return proxies.noProxy.some((rule) => bypasses(rule, host, port)) ? void 0 : proxy;
}
__name(proxyFor, "proxyFor");
function tunnelTarget(url) {
  return { host: hostName(url.hostname), port: defaultPort(url), secure: url.protocol === "https:" };
}
__name(tunnelTarget, "tunnelTarget");
function printable(text) {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 80);
}
__name(printable, "printable");
function refusal(proxy, authority, status, reason) {
  const hint = status !== 407 && status !== 401 ? "" : proxy.authorization ? "; the proxy rejected the credentials in the proxy URL" : "; the proxy wants credentials: give them in the proxy URL (http://user:password@host:port)";
  const phrase = reason ? ` ${printable(reason)}` : "";
  const retryable = isRetryableStatus(status) ? { cause: networkError(`HTTP ${status}`, "ECONNREFUSED") } : {};
  const message = `proxy ${proxy.origin} refused CONNECT to ${authority}: HTTP ${status}${phrase}${hint}`;
  return new ProxyError(message, status, retryable);
}
__name(refusal, "refusal");
function connectAnswer(head, proxy, authority) {
  const end = head.indexOf("\r\n\r\n");
  if (end < 0) {
    return head.length > MAX_CONNECT_HEAD_BYTES ? new ProxyError(`proxy ${proxy.origin} sent an endless head`, 0) : "incomplete";
  }
  const statusLine = head.toString("latin1", 0, head.indexOf("\r\n"));
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!status) return new ProxyError(`proxy ${proxy.origin} answered CONNECT with "${printable(statusLine)}"`, 0);
  const code = Number(status[1]);
  if (code < 200 || code > 299) return refusal(proxy, authority, code, status[2] ?? "");
  if (head.length > end + 4) return new ProxyError(`proxy ${proxy.origin} sent data after CONNECT`, code);
  return "open";
}
__name(connectAnswer, "connectAnswer");
function openTunnel(proxy, target, signal) {
  const authority = net.isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: proxy.host, port: proxy.port });
    let head = Buffer.alloc(0);
    const settle = /* @__PURE__ */ __name((error) => {
      socket.off("readable", read);
      socket.off("error", unreachable);
      socket.off("end", closed);
      signal?.removeEventListener("abort", abort);
      socket.setTimeout(0);
      if (error === void 0) return resolve(socket);
      socket.destroy();
      reject(error);
    }, "settle");
    const unreachable = /* @__PURE__ */ __name((error) => settle(
      new ProxyError(`cannot reach proxy ${proxy.origin} (for ${authority}): ${error.message}`, 0, { cause: error })
    ), "unreachable");
    const closed = /* @__PURE__ */ __name(() => {
      const cause = networkError("connection closed", "ECONNRESET");
      settle(new ProxyError(`proxy ${proxy.origin} closed the connection before answering CONNECT`, 0, { cause }));
    }, "closed");
    const abort = /* @__PURE__ */ __name(() => settle(signal?.reason instanceof Error ? signal.reason : new Error("aborted")), "abort");
    const read = /* @__PURE__ */ __name(() => {
      for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) {
        head = Buffer.concat([head, chunk]);
      }
      const answer = connectAnswer(head, proxy, authority);
      if (answer === "open") settle();
      else if (answer !== "incomplete") settle(answer);
    }, "read");
    socket.on("readable", read);
    socket.once("error", unreachable);
    socket.once("end", closed);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
      const cause = networkError("timed out", "ETIMEDOUT");
      settle(
        new ProxyError(`proxy ${proxy.origin} did not answer CONNECT within ${CONNECT_TIMEOUT_MS / 1e3} s`, 0, {
          cause
        })
      );
    });
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    const credentials = proxy.authorization ? `proxy-authorization: ${proxy.authorization}\r
` : "";
    socket.write(`CONNECT ${authority} HTTP/1.1\r
host: ${authority}\r
${credentials}\r
`);
  });
}
__name(openTunnel, "openTunnel");
async function connectThrough(proxy, target, options = {}, signal) {
  const tunnel = await openTunnel(proxy, target, signal);
  if (!target.secure) return tunnel;
  const servername = net.isIP(target.host) === 0 ? { servername: target.host } : {};
  return tls.connect({ ...options, socket: tunnel, host: target.host, port: target.port, ...servername });
}
__name(connectThrough, "connectThrough");
var agents = /* @__PURE__ */ new Map();
function proxyAgent(proxy, secure) {
  const key = `${secure ? "https" : "http"} ${proxy.key}`;
  const known = agents.get(key);
  if (known) return known;
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  agent.createConnection = (options, callback) => {
    const target = { host: hostName(options.host ?? "localhost"), port: Number(options.port), secure };
    connectThrough(proxy, target, options).then(
      (socket) => callback?.(null, socket),
      (error) => callback?.(error, void 0)
    );
    return void 0;
  };
  agents.set(key, agent);
  return agent;
}
__name(proxyAgent, "proxyAgent");

// src/http/transport.ts
import http2 from "node:http";
import https2 from "node:https";
import { pipeline, Transform } from "node:stream";

// src/core/body-sink.ts
import { Readable } from "node:stream";
function sinkReadable(pump) {
  const stop = new AbortController();
  let wake;
  const stream = new Readable({
    read() {
      const resume = wake;
      wake = void 0;
      resume?.();
    },
    destroy(error, callback) {
      stop.abort(error ?? new Error("stream destroyed"));
      wake?.();
      callback(error);
    }
  });
  pump((chunk) => {
    if (stop.signal.aborted) throw stop.signal.reason;
    if (stream.push(Buffer.from(chunk))) return;
    return new Promise((resolve) => {
      wake = resolve;
    });
  }, stop.signal).then(
    () => stream.push(null),
    (error) => {
      if (!stream.destroyed) stream.destroy(error);
    }
  );
  return stream;
}
__name(sinkReadable, "sinkReadable");

// src/http/direct-get.ts
import net2 from "node:net";
import tls2 from "node:tls";

// src/http/chunked-decoder.ts
var ChunkedEncodingError = class extends Error {
  static {
    __name(this, "ChunkedEncodingError");
  }
  name = "ChunkedEncodingError";
};
var MAX_LINE = 4096;
var ChunkedDecoder = class {
  static {
    __name(this, "ChunkedDecoder");
  }
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
        if (this.#left === 0) this.#state = "data-end";
        return { offset: end, data: bytes.subarray(at, end) };
      }
      const newline = bytes.indexOf(10, at);
      const stop = newline < 0 ? bytes.length : newline;
      this.#line += bytes.toString("latin1", at, stop);
      if (this.#line.length > MAX_LINE) throw new ChunkedEncodingError(`a chunk line is over ${MAX_LINE} bytes`);
      at = stop;
      if (newline < 0) break;
      at += 1;
      const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
      this.#line = "";
      this.#endLine(line);
    }
    return { offset: at };
  }
  #endLine(line) {
    if (this.#state === "data-end") {
      if (line !== "") throw new ChunkedEncodingError("chunk data is longer than its size says");
      this.#state = "size";
    } else if (this.#state === "trailer") {
      if (line === "") this.#state = "done";
    } else {
      const size = (line.split(";", 1)[0] ?? "").trim();
      if (!/^[0-9a-f]{1,12}$/i.test(size)) throw new ChunkedEncodingError(`bad chunk size line "${line.slice(0, 40)}"`);
      this.#left = Number.parseInt(size, 16);
      this.#state = this.#left === 0 ? "trailer" : "data";
    }
  }
};

// src/http/direct-get.ts
var READ_BUFFER_BYTES = 1 << 20;
var MAX_HEAD_BYTES = 64 << 10;
var MAX_IDLE_PER_ORIGIN = 16;
var IDLE_TIMEOUT_MS = 6e4;
function idleTimeoutError(origin) {
  return networkError(`no data from ${origin} for ${IDLE_TIMEOUT_MS / 1e3} s`, "ETIMEDOUT");
}
__name(idleTimeoutError, "idleTimeoutError");
function parseHead(text) {
  const [statusLine = "", ...fields] = text.split("\r\n");
  const status = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP/1.x response: "${statusLine.slice(0, 80)}"`);
  const headers = {};
  for (const field of fields) {
    const colon = field.indexOf(":");
    if (colon <= 0) throw new Error(`malformed response header "${field.slice(0, 80)}"`);
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).trim();
    headers[name] = headers[name] === void 0 ? value : `${headers[name]}, ${value}`;
  }
  return {
    status: Number(status[2]),
    headers,
    keepAlive: status[1] === "1" && !/\bclose\b/i.test(headers.connection ?? "")
  };
}
__name(parseHead, "parseHead");
function framing(head) {
  const coding = head.headers["transfer-encoding"];
  if (head.status === 204 || head.status === 304) return { kind: "length", left: 0 };
  if (coding !== void 0) {
    if (!/(^|,)\s*chunked\s*$/i.test(coding)) throw new Error(`unsupported transfer-encoding "${coding}"`);
    return { kind: "chunked", decoder: new ChunkedDecoder() };
  }
  const declared = head.headers["content-length"];
  if (declared === void 0) return { kind: "close" };
  if (!/^\d+$/.test(declared)) throw new Error(`bad content-length "${declared}"`);
  return { kind: "length", left: Number(declared) };
}
__name(framing, "framing");
function finalHead(bytes) {
  let rest = bytes;
  for (let end = rest.indexOf("\r\n\r\n"); end >= 0; end = rest.indexOf("\r\n\r\n")) {
    const head = parseHead(rest.toString("latin1", 0, end));
    rest = rest.subarray(end + 4);
    if (head.status >= 200) return { head, frame: framing(head), body: rest };
  }
  return { rest };
}
__name(finalHead, "finalHead");
function bodyStep(frame, bytes, offset) {
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
__name(bodyStep, "bodyStep");
function bodyEnded(frame) {
  return frame.kind === "length" ? frame.left === 0 : frame.kind === "chunked" && frame.decoder.done;
}
__name(bodyEnded, "bodyEnded");
var HeadBuffer = class {
  static {
    __name(this, "HeadBuffer");
  }
  #held;
  #bytes = 0;
  /** The final head once `bytes` completes it, or undefined to read on; throws on a malformed or huge head. */
  add(bytes) {
    this.#bytes += bytes.length;
    const found = finalHead(this.#held === void 0 ? bytes : Buffer.concat([this.#held, bytes]));
    if ("head" in found) return found;
    this.#held = found.rest.length === 0 ? void 0 : Buffer.from(found.rest);
    if (this.#bytes > MAX_HEAD_BYTES) throw new Error(`response head over ${MAX_HEAD_BYTES} bytes`);
    return void 0;
  }
};
var BodyRead = class {
  static {
    __name(this, "BodyRead");
  }
  #frame;
  #sink;
  #signal;
  #resume;
  #end;
  #received = 0;
  #ended = false;
  constructor(frame, sink, signal, calls) {
    this.#frame = frame;
    this.#sink = sink;
    this.#signal = signal;
    this.#resume = calls.resume;
    this.#end = calls.end;
  }
  /** Hands `bytes` from `offset` on; false when reading must pause (a pending sink, or the end). */
  consume(bytes, offset) {
    for (let at = offset; ; ) {
      let pending;
      try {
        const step = bodyStep(this.#frame, bytes, at);
        at = step.offset;
        this.#received += step.data?.length ?? 0;
        pending = step.data && step.data.length > 0 ? this.#sink(step.data) : void 0;
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
  closed(error) {
    if (this.#signal?.aborted) this.#finish(this.#signal.reason);
    else if (error === void 0 && this.#frame.kind === "close") this.#finish();
    else {
      const message = `${error?.message ?? "the connection closed"} after ${this.#received} body bytes`;
      this.#finish(networkError(message, "ECONNRESET", error));
    }
  }
  /** Once the sink has taken its bytes: the rest of this read, then reading resumes. */
  #continueAfter(pending, bytes, next) {
    pending.then(
      () => {
        if (bodyEnded(this.#frame)) this.#finish();
        else if (this.consume(bytes, next)) this.#resume();
      },
      (error) => this.#finish(error)
    );
  }
  #finish(error) {
    if (this.#ended) return;
    this.#ended = true;
    this.#end(error);
  }
};
var Connection = class {
  static {
    __name(this, "Connection");
  }
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
      callback: /* @__PURE__ */ __name((length, read) => {
        const receiver = this.#receiver;
        if (receiver === void 0) {
          this.socket.destroy();
          return false;
        }
        return receiver(read.subarray(0, length));
      }, "callback")
    };
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const secure = {
      host,
      port,
      onread,
      ALPNProtocols: ["http/1.1"],
      ...net2.isIP(host) === 0 ? { servername: host } : {}
    };
    this.socket = tunnel ? readThrough(tunnel, onread) : url.protocol === "https:" ? tls2.connect(secure) : net2.connect({ host, port, onread });
    this.socket.setTimeout(IDLE_TIMEOUT_MS, () => this.socket.destroy(idleTimeoutError(url.origin)));
    const closed = /* @__PURE__ */ __name((error) => {
      const onClose = this.#onClose;
      this.#onClose = void 0;
      this.#receiver = void 0;
      onClose?.(error);
    }, "closed");
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
        let found;
        try {
          found = heads.add(bytes);
        } catch (error) {
          this.socket.destroy();
          reject(error);
          return false;
        }
        if (found === void 0) return true;
        stopWatching();
        this.#receiver = void 0;
        this.#onClose = void 0;
        resolve(this.#response(found.head, found.frame, found.body));
        return false;
      };
      this.socket.ref();
      this.socket.write(requestHead);
      this.socket.resume();
    });
  }
  #response(head, frame, early) {
    let used = false;
    const keepAlive = head.keepAlive && frame.kind !== "close";
    return {
      status: head.status,
      headers: head.headers,
      readInto: /* @__PURE__ */ __name((sink, signal) => {
        if (used) throw new Error("the body was already read");
        used = true;
        return this.#body(frame, keepAlive, early, sink, signal);
      }, "readInto"),
      discard: /* @__PURE__ */ __name(() => {
        if (used) return;
        used = true;
        if (frame.kind === "length" && frame.left === early.length) release(this, keepAlive);
        else this.socket.destroy();
      }, "discard")
    };
  }
  #body(frame, keepAlive, early, sink, signal) {
    return new Promise((resolve, reject) => {
      const stopWatching = watch(signal, this.socket);
      const read = new BodyRead(frame, sink, signal, {
        resume: /* @__PURE__ */ __name(() => this.socket.resume(), "resume"),
        end: /* @__PURE__ */ __name((error) => {
          stopWatching();
          this.#receiver = void 0;
          this.#onClose = void 0;
          if (error === void 0) {
            release(this, keepAlive);
            resolve();
          } else {
            this.socket.destroy();
            reject(error);
          }
        }, "end")
      });
      this.#onClose = (error) => read.closed(error);
      this.#receiver = (bytes) => read.consume(bytes, 0);
      if (!read.consume(early, 0)) return;
      if (this.socket.destroyed) read.closed(void 0);
      else this.socket.resume();
    });
  }
};
function readThrough(socket, { callback }) {
  return socket.on("data", (chunk) => {
    if (!callback(chunk.length, chunk)) socket.pause();
  });
}
__name(readThrough, "readThrough");
function watch(signal, socket) {
  if (signal === void 0) return () => {
  };
  const abort = /* @__PURE__ */ __name(() => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted")), "abort");
  if (signal.aborted) abort();
  signal.addEventListener("abort", abort, { once: true });
  return () => signal.removeEventListener("abort", abort);
}
__name(watch, "watch");
var idle = /* @__PURE__ */ new Map();
function release(connection, keepAlive) {
  const list = idle.get(connection.key) ?? [];
  if (!keepAlive || connection.socket.destroyed || list.length >= MAX_IDLE_PER_ORIGIN) {
    connection.socket.destroy();
    return;
  }
  connection.socket.unref();
  list.push(connection);
  idle.set(connection.key, list);
}
__name(release, "release");
function forget(connection) {
  const list = idle.get(connection.key);
  const at = list?.indexOf(connection) ?? -1;
  if (list && at >= 0) list.splice(at, 1);
}
__name(forget, "forget");
function take(key) {
  const list = idle.get(key);
  for (let connection = list?.pop(); connection; connection = list?.pop()) {
    if (!connection.socket.destroyed) return connection;
  }
  return void 0;
}
__name(take, "take");
async function directGet(url, headers, signal, proxy) {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  const requestHead = `${lines.join("\r\n")}\r
\r
`;
  const key = proxy ? `${url.origin} via ${proxy.key}` : url.origin;
  const reused = take(key);
  if (reused) {
    try {
      return await reused.request(url, requestHead, signal);
    } catch (error) {
      if (!error.beforeResponse || signal?.aborted) throw error;
    }
  }
  const tunnel = proxy && await connectThrough(proxy, tunnelTarget(url), { ALPNProtocols: ["http/1.1"] }, signal);
  return new Connection(url, key, tunnel).request(url, requestHead, signal);
}
__name(directGet, "directGet");

// src/http/transport.ts
var BodyLengthError = class extends Error {
  static {
    __name(this, "BodyLengthError");
  }
  name = "BodyLengthError";
};
var MAX_REDIRECTS = 10;
var REDIRECT_STATUSES = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
var agents2 = {
  "http:": new http2.Agent({ keepAlive: true }),
  "https:": new https2.Agent({ keepAlive: true })
};
var ConfidentialRedirectError = class extends CortexError {
  static {
    __name(this, "ConfidentialRedirectError");
  }
};
async function exchange(req, options = {}) {
  let url = req.url;
  let method = req.method;
  let body = req.body;
  const left = /* @__PURE__ */ new Set();
  for (let hop = 0; ; hop++) {
    assertTransportAllowed(url, { insecure: options.insecure });
    const authorization = options.authorizations?.find((a) => a.origin === url.origin && !left.has(a.origin));
    const headers = hopHeaders(req.headers, method, body, authorization?.value);
    const proxy = options.proxies && proxyFor(url, options.proxies);
    const response = await sendHop({ ...req, url, method, headers, body }, proxy);
    const location = response.header("location");
    if (!REDIRECT_STATUSES.has(response.status) || location === void 0) return response;
    await response.discard();
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects (more than ${MAX_REDIRECTS}) from ${req.url.origin}`);
    const next = new URL(location, url);
    if (response.status === 303 || response.status <= 302 && method === "POST") {
      method = "GET";
      body = void 0;
    }
    if (next.origin !== url.origin)
      leaveOrigin(url, next, body !== void 0 && options.confidentialBody === true, left);
    url = next;
  }
}
__name(exchange, "exchange");
function leaveOrigin(url, next, confidential, left) {
  if (confidential) {
    throw new ConfidentialRedirectError(
      `${url.origin} redirected a request carrying a secret to ${next.origin}: not followed`
    );
  }
  left.add(url.origin);
}
__name(leaveOrigin, "leaveOrigin");
async function sendHop(hop, proxy) {
  if (hop.bulk && hop.method === "GET")
    return wrapDirect(hop.url, await directGet(hop.url, hop.headers, hop.signal, proxy));
  return wrapIncoming(hop.url, await send(hop.url, hop.method, hop.headers, hop.body, hop.signal, proxy));
}
__name(sendHop, "sendHop");
function hopHeaders(given, method, body, authorization) {
  const headers = { ...given };
  if (authorization !== void 0) headers.authorization = authorization;
  if (body === void 0 && (method === "GET" || method === "HEAD")) delete headers["content-length"];
  return headers;
}
__name(hopHeaders, "hopHeaders");
function send(url, method, headers, body, signal, proxy) {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const request = (secure ? https2 : http2).request(url, {
      method,
      headers,
      agent: proxy ? proxyAgent(proxy, secure) : agents2[secure ? "https:" : "http:"],
      ...signal ? { signal } : {}
    });
    request.once("response", resolve);
    request.on("error", reject);
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(idleTimeoutError(url.origin)));
    writeBody(request, body, headers["content-length"]);
  });
}
__name(send, "send");
function writeBody(request, body, declared) {
  if (body === void 0) request.end();
  else if (body instanceof Uint8Array) request.end(body);
  else {
    const source = declared === void 0 ? body() : pipeline(body(), new LengthCheck(Number(declared)), () => {
    });
    source.once("error", (error) => request.destroy(error));
    source.pipe(request);
  }
}
__name(writeBody, "writeBody");
var LengthCheck = class extends Transform {
  static {
    __name(this, "LengthCheck");
  }
  #seen = 0;
  #declared;
  constructor(declared) {
    super();
    this.#declared = declared;
  }
  _transform(chunk, _encoding, callback) {
    this.#seen += chunk.length;
    if (this.#seen > this.#declared) callback(this.#mismatch());
    else callback(null, chunk);
  }
  _flush(callback) {
    callback(this.#seen === this.#declared ? null : this.#mismatch());
  }
  #mismatch() {
    return new BodyLengthError(`the body is not the ${this.#declared} bytes its Content-Length says`);
  }
};
async function drain(body) {
  try {
    for await (const _ of body) ;
  } catch {
    body.destroy();
  }
}
__name(drain, "drain");
async function readText(body, limit) {
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}
__name(readText, "readText");
function pumpIncoming(response, sink, signal) {
  return new Promise((resolve, reject) => {
    let last = Promise.resolve();
    const fail = /* @__PURE__ */ __name((error) => {
      signal?.removeEventListener("abort", abort);
      response.destroy();
      reject(error);
    }, "fail");
    const abort = /* @__PURE__ */ __name(() => fail(signal?.reason), "abort");
    if (signal?.aborted) return abort();
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
__name(pumpIncoming, "pumpIncoming");
function headerOf(headers, name) {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}
__name(headerOf, "headerOf");
function wrapIncoming(url, response) {
  return {
    status: response.statusCode ?? 0,
    url,
    body: response,
    header: /* @__PURE__ */ __name((name) => headerOf(response.headers, name), "header"),
    readInto: /* @__PURE__ */ __name((sink, signal) => pumpIncoming(response, sink, signal), "readInto"),
    text: /* @__PURE__ */ __name((limit = 64 * 1024) => readText(response, limit), "text"),
    discard: /* @__PURE__ */ __name(() => drain(response), "discard")
  };
}
__name(wrapIncoming, "wrapIncoming");
function wrapDirect(url, response) {
  let body;
  const stream = /* @__PURE__ */ __name(() => {
    body ??= sinkReadable((sink, signal) => response.readInto(sink, signal));
    return body;
  }, "stream");
  return {
    status: response.status,
    url,
    get body() {
      return stream();
    },
    header: /* @__PURE__ */ __name((name) => response.headers[name.toLowerCase()], "header"),
    readInto: /* @__PURE__ */ __name((sink, signal) => response.readInto(sink, signal), "readInto"),
    text: /* @__PURE__ */ __name((limit = 64 * 1024) => readText(stream(), limit), "text"),
    discard: /* @__PURE__ */ __name(async () => response.discard(), "discard")
  };
}
__name(wrapDirect, "wrapDirect");

export {
  registryBaseUrl,
  ProxyError,
  proxyEnv,
  sinkReadable,
  BodyLengthError,
  ConfidentialRedirectError,
  exchange
};
