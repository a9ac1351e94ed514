import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { CortexError, UsageError } from "../core/errors.js";
import { hostName } from "./origin.js";
import { isRetryableStatus, networkError } from "./retry.js";

/*
 * HTTP proxies as curl reads them from the environment: `https_proxy` for https URLs and `http_proxy` for
 * http ones (the lower-case name wins where both are set), `no_proxy` for the hosts that bypass them, and no
 * implicit bypass of loopback. Every target, https or plain http, goes through a CONNECT tunnel: the proxy
 * sees a host and port and never a request, so it can neither cache a tag's manifest nor read the
 * registry's Authorization out of a request it parses, and both transports share one way of connecting.
 */

/** A proxy was unreachable or refused the tunnel. Messages name it by origin, never with its credentials. */
export class ProxyError extends CortexError {
  /** The proxy's answer to CONNECT; 0 when it gave none. */
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

export interface ProxyServer {
  /** `http://proxy:3128`: how messages name the proxy (no credentials). */
  readonly origin: string;
  /** Host name without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
  /** `Basic …` from the proxy URL's user info; sent to the proxy only. */
  readonly authorization?: string;
  /** The password alone, so the Actions layer can mask it; never sent or printed. */
  readonly password?: string;
  /** Tells proxies (and their credentials) apart for connection pools, without holding the secret itself. */
  readonly key: string;
}

type NoProxyRule =
  | { readonly kind: "any" }
  | { readonly kind: "name"; readonly name: string; readonly port?: number }
  | { readonly kind: "ip"; readonly addresses: net.BlockList; readonly port?: number };

/** The proxies an environment names, one per target scheme, and the hosts that bypass them. */
export interface ProxyEnv {
  readonly http?: ProxyServer;
  readonly https?: ProxyServer;
  readonly noProxy: readonly NoProxyRule[];
}

/** curl's default proxy port, used when the proxy URL names none. */
const DEFAULT_PROXY_PORT = 1080;
const CONNECT_TIMEOUT_MS = 30_000;
const MAX_CONNECT_HEAD_BYTES = 16 << 10;

/** The lower-case variable when it is set at all (even empty), else the upper-case one. */
function variable(env: NodeJS.ProcessEnv, lower: string): { readonly name: string; readonly value: string } {
  const upper = lower.toUpperCase();
  const name = env[lower] !== undefined ? lower : upper;
  return { name, value: (env[name] ?? "").trim() };
}

/** Percent-decoded user info; text that is not valid percent-encoding is taken as it is. */
function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseProxyUrl(value: string, name: string): ProxyServer {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    // The value is not quoted: it may hold a password.
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
  return { origin, host: hostName(url.hostname), port, authorization, ...(password ? { password } : {}), key };
}

/**
 * One NO_PROXY entry: `*`; a host name or a domain suffix (`example.com` matches it and its subdomains, a
 * leading `.` or `*.` changes nothing); an IP address or CIDR block (matched against IP literals only, no
 * name is resolved); any of them with `:port` to bypass only that port.
 */
function parseNoProxyEntry(entry: string, variableName: string): NoProxyRule {
  if (entry === "*") return { kind: "any" };
  const [host, portText] = splitPort(entry);
  const port = portText === undefined ? {} : { port: Number(portText) };
  const [address, bits] = host.split("/") as [string, string | undefined];
  const family = net.isIP(address);
  if (family !== 0) {
    const addresses = new net.BlockList();
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) addresses.addAddress(address, type);
    else if (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
      addresses.addSubnet(address, Number(bits), type);
    else throw new UsageError(`${variableName} entry "${entry}" is not a valid CIDR block`);
    return { kind: "ip", addresses, ...port };
  }
  const name = host
    .toLowerCase()
    .replace(/^\*?\.+/, "")
    .replace(/\.+$/, "");
  return { kind: "name", name, ...port };
}

/** `[v6]:port`, `host:port` or a bare host (an IPv6 address alone has colons but no port). */
function splitPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1] ?? "", bracketed[2]];
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  return hostPort ? [hostPort[1] ?? "", hostPort[2]] : [entry, undefined];
}

export function parseNoProxy(value: string, variableName = "NO_PROXY"): NoProxyRule[] {
  return value
    .split(/[\s,]+/)
    .filter((entry) => entry !== "")
    .map((entry) => parseNoProxyEntry(entry, variableName));
}

/** Reads the proxy variables; a malformed proxy URL is a UsageError naming the variable (never its value). */
export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  const server = (lower: string) => {
    const { name, value } = variable(env, lower);
    return value === "" ? undefined : parseProxyUrl(value, name);
  };
  const http = server("http_proxy");
  const https = server("https_proxy");
  const noProxy = variable(env, "no_proxy");
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), noProxy: parseNoProxy(noProxy.value, noProxy.name) };
}

function defaultPort(url: URL): number {
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

function bypasses(rule: NoProxyRule, host: string, port: number): boolean {
  if (rule.kind === "any") return true;
  if (rule.port !== undefined && rule.port !== port) return false;
  if (rule.kind === "ip") {
    const family = net.isIP(host);
    return family !== 0 && rule.addresses.check(host, family === 4 ? "ipv4" : "ipv6");
  }
  return rule.name !== "" && (host === rule.name || host.endsWith(`.${rule.name}`));
}

/** The proxy a request to `url` goes through, or undefined to connect directly. */
export function proxyFor(url: URL, proxies: ProxyEnv): ProxyServer | undefined {
  const proxy = url.protocol === "https:" ? proxies.https : url.protocol === "http:" ? proxies.http : undefined;
  if (proxy === undefined) return undefined;
  const host = hostName(url.hostname).replace(/\.$/, "");
  const port = defaultPort(url);
  return proxies.noProxy.some((rule) => bypasses(rule, host, port)) ? undefined : proxy;
}

/** Where a tunnel leads: host without brackets, port, and whether TLS runs inside it. */
export interface TunnelTarget {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
}

export function tunnelTarget(url: URL): TunnelTarget {
  return { host: hostName(url.hostname), port: defaultPort(url), secure: url.protocol === "https:" };
}

/** Printable text from a peer (a reason phrase): one line, bounded. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 80);
}

function refusal(proxy: ProxyServer, authority: string, status: number, reason: string): ProxyError {
  // 407 is the standard answer; tinyproxy says 401 to credentials it does not accept.
  const hint =
    status !== 407 && status !== 401
      ? ""
      : proxy.authorization
        ? "; the proxy rejected the credentials in the proxy URL"
        : "; the proxy wants credentials: give them in the proxy URL (http://user:password@host:port)";
  const phrase = reason ? ` ${printable(reason)}` : "";
  // A proxy that could not reach the target (5xx) is as worth another attempt as a refused direct connection.
  const retryable = isRetryableStatus(status) ? { cause: networkError(`HTTP ${status}`, "ECONNREFUSED") } : {};
  const message = `proxy ${proxy.origin} refused CONNECT to ${authority}: HTTP ${status}${phrase}${hint}`;
  return new ProxyError(message, status, retryable);
}

/** What the proxy's answer to CONNECT so far says: the tunnel is open, more is to come, or why it failed. */
function connectAnswer(head: Buffer, proxy: ProxyServer, authority: string): "open" | "incomplete" | ProxyError {
  const end = head.indexOf("\r\n\r\n");
  if (end < 0) {
    return head.length > MAX_CONNECT_HEAD_BYTES
      ? new ProxyError(`proxy ${proxy.origin} sent an endless head`, 0)
      : "incomplete";
  }
  const statusLine = head.toString("latin1", 0, head.indexOf("\r\n"));
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!status) return new ProxyError(`proxy ${proxy.origin} answered CONNECT with "${printable(statusLine)}"`, 0);
  const code = Number(status[1]);
  if (code < 200 || code > 299) return refusal(proxy, authority, code, status[2] ?? "");
  // The target has not been sent a byte yet, so it cannot have answered: anything more is a broken proxy.
  if (head.length > end + 4) return new ProxyError(`proxy ${proxy.origin} sent data after CONNECT`, code);
  return "open";
}

/**
 * Opens a CONNECT tunnel to `target` through `proxy`; resolves with the socket once the proxy has said 2xx.
 * Only the proxy's own Proxy-Authorization goes into the CONNECT request.
 */
export function openTunnel(proxy: ProxyServer, target: TunnelTarget, signal?: AbortSignal): Promise<net.Socket> {
  const authority = net.isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: proxy.host, port: proxy.port });
    let head = Buffer.alloc(0);
    const settle = (error?: Error) => {
      socket.off("readable", read);
      socket.off("error", unreachable);
      socket.off("end", closed);
      signal?.removeEventListener("abort", abort);
      socket.setTimeout(0);
      if (error === undefined) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    const unreachable = (error: Error) =>
      settle(
        new ProxyError(`cannot reach proxy ${proxy.origin} (for ${authority}): ${error.message}`, 0, { cause: error }),
      );
    const closed = () => {
      const cause = networkError("connection closed", "ECONNRESET");
      settle(new ProxyError(`proxy ${proxy.origin} closed the connection before answering CONNECT`, 0, { cause }));
    };
    const abort = () => settle(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    const read = () => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        head = Buffer.concat([head, chunk]);
      }
      const answer = connectAnswer(head, proxy, authority);
      if (answer === "open") settle();
      else if (answer !== "incomplete") settle(answer);
    };
    socket.on("readable", read);
    socket.once("error", unreachable);
    socket.once("end", closed);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
      const cause = networkError("timed out", "ETIMEDOUT");
      settle(
        new ProxyError(`proxy ${proxy.origin} did not answer CONNECT within ${CONNECT_TIMEOUT_MS / 1000} s`, 0, {
          cause,
        }),
      );
    });
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    const credentials = proxy.authorization ? `proxy-authorization: ${proxy.authorization}\r\n` : "";
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n${credentials}\r\n`);
  });
}

/**
 * A connection to `target` through `proxy`: the tunnel itself for plain HTTP, or TLS inside it, with the
 * server name and certificate checked against the target host (never the proxy's).
 */
export async function connectThrough(
  proxy: ProxyServer,
  target: TunnelTarget,
  options: tls.ConnectionOptions = {},
  signal?: AbortSignal | undefined,
): Promise<net.Socket> {
  const tunnel = await openTunnel(proxy, target, signal);
  if (!target.secure) return tunnel;
  const servername = net.isIP(target.host) === 0 ? { servername: target.host } : {};
  return tls.connect({ ...options, socket: tunnel, host: target.host, port: target.port, ...servername });
}

const agents = new Map<string, http.Agent>();

/**
 * A keep-alive agent whose connections are tunnels through `proxy`. One agent per proxy and scheme, and the
 * agent pools by target host and port, so a tunnel is only ever reused for the target it leads to.
 */
export function proxyAgent(proxy: ProxyServer, secure: boolean): http.Agent {
  const key = `${secure ? "https" : "http"} ${proxy.key}`;
  const known = agents.get(key);
  if (known) return known;
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  agent.createConnection = (options, callback) => {
    const target = { host: hostName(options.host ?? "localhost"), port: Number(options.port), secure };
    connectThrough(proxy, target, options as tls.ConnectionOptions).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as never),
    );
    return undefined;
  };
  agents.set(key, agent);
  return agent;
}
