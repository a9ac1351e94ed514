import http from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";

/**
 * An HTTP proxy on 127.0.0.1 in front of a server (the test registry), injecting faults into chosen requests:
 *
 *   const proxy = await startFaultProxy(registry.host);
 *   proxy.inject({ method: "GET", path: /\/blobs\//, fault: { kind: "cut", afterBytes: 1000 } });
 *   proxy.inject({ path: /\/manifests\//, fault: { kind: "status", status: 500 }, times: 2 });
 *   ... point the client at proxy.host ...
 *   expect(proxy.pending()).toBe(0); // every fault was used
 *
 * A rule applies to the next `times` (default 1) requests it matches, in the order rules were injected.
 * The Host header is passed through unchanged, so the registry's absolute Location URLs point back at the
 * proxy and upload sessions stay behind it.
 */
export type Fault =
  /** Answer with this status without forwarding (500, or 429 with a Retry-After header). */
  | { readonly kind: "status"; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** Forward, send the headers and the first `afterBytes` bytes of the body, then break the connection. */
  | { readonly kind: "cut"; readonly afterBytes: number }
  /** Forward, but answer with only the first `bytes` bytes of the body and a Content-Length to match. */
  | { readonly kind: "truncate"; readonly bytes: number }
  /** Forward, with the byte at `offset` (default: the middle) of the body flipped. */
  | { readonly kind: "corrupt"; readonly offset?: number };

export interface FaultRule {
  readonly method?: string;
  readonly path: RegExp;
  readonly fault: Fault;
  readonly times?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The fault applied to it, if any. */
  readonly fault?: Fault["kind"];
}

export interface FaultProxy {
  /** `127.0.0.1:<port>`, to use as the registry host. */
  readonly host: string;
  readonly requests: RecordedRequest[];
  inject(rule: FaultRule): void;
  /** Faults still waiting for a matching request. */
  pending(): number;
  close(): Promise<void>;
}

/** A 429 that asks the client to come back after `seconds`. */
export function tooManyRequests(seconds: number | string): Fault {
  return { kind: "status", status: 429, headers: { "retry-after": String(seconds) } };
}

/** Sends a request on to `upstream` (host:port) and returns its response, body unread. */
export function forward(
  upstream: string,
  req: http.IncomingMessage,
  overrides: { method?: string } = {},
): Promise<http.IncomingMessage> {
  const [hostname, port] = splitHost(upstream);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { hostname, port, method: overrides.method ?? req.method, path: req.url, headers: req.headers },
      resolve,
    );
    outgoing.on("error", reject);
    if (overrides.method === "HEAD") outgoing.end();
    else req.pipe(outgoing);
  });
}

function splitHost(host: string): [string, number] {
  const colon = host.lastIndexOf(":");
  return [host.slice(0, colon), Number(host.slice(colon + 1))];
}

/** Relays an upstream response as it is. */
export function relay(upstream: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(upstream.statusCode ?? 502, upstream.headers);
  upstream.pipe(res);
}

async function applyFault(fault: Fault, upstream: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  switch (fault.kind) {
    case "status":
      throw new Error("status faults are answered before forwarding");
    case "cut": {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      let sent = 0;
      for await (const chunk of upstream) {
        const part = (chunk as Buffer).subarray(0, Math.max(0, fault.afterBytes - sent));
        if (part.length > 0) res.write(part);
        sent += part.length;
        if (sent >= fault.afterBytes) break;
      }
      // Let the bytes leave before breaking the connection, so the client sees a body cut mid-way.
      await new Promise<void>((resolve) => res.socket?.write("", () => resolve()) ?? resolve());
      res.socket?.destroy();
      upstream.destroy();
      return;
    }
    case "truncate": {
      const body = (await buffer(upstream)).subarray(0, fault.bytes);
      res.writeHead(upstream.statusCode ?? 502, { ...upstream.headers, "content-length": String(body.length) });
      res.end(body);
      return;
    }
    case "corrupt": {
      const body = Buffer.from(await buffer(upstream));
      const at = Math.min(body.length - 1, fault.offset ?? Math.floor(body.length / 2));
      if (at >= 0) body[at] = (body[at] as number) ^ 0xff;
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      res.end(body);
      return;
    }
  }
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const rules: { rule: FaultRule; left: number }[] = [];
  const requests: RecordedRequest[] = [];

  function take(req: http.IncomingMessage): Fault | undefined {
    const index = rules.findIndex(
      ({ rule }) => (!rule.method || rule.method === req.method) && rule.path.test(req.url ?? ""),
    );
    const found = rules[index];
    if (!found) return undefined;
    if (--found.left <= 0) rules.splice(index, 1);
    return found.rule.fault;
  }

  const server = http.createServer(async (req, res) => {
    const fault = take(req);
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      ...(fault ? { fault: fault.kind } : {}),
    });
    try {
      if (fault?.kind === "status") {
        req.resume();
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: `injected ${fault.status}` }] }));
        return;
      }
      const response = await forward(upstream, req);
      if (fault) await applyFault(fault, response, res);
      else relay(response, res);
    } catch {
      res.socket?.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    inject(rule) {
      rules.push({ rule, left: rule.times ?? 1 });
    },
    pending: () => rules.reduce((sum, r) => sum + r.left, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
