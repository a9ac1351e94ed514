import http from "node:http";
import type { AddressInfo } from "node:net";
import { Transform, type TransformCallback } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

export interface ThrottleProxy {
  /** `127.0.0.1:<port>`, to use as the registry host in references. */
  readonly host: string;
  /** Requests seen, for asserting that a pull made none. */
  readonly requests: number;
  /** Response body bytes sent to clients, for asserting how much of a blob a reader took. */
  readonly bytes: number;
  /** The most requests that were in flight at once. */
  readonly mostInFlight: number;
  stop(): Promise<void>;
}

/** Paces a response body to `bytesPerSecond`, as a CDN caps each connection. */
function pace(bytesPerSecond: number, onSend: (bytes: number) => void): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      void (async () => {
        for (let at = 0; at < chunk.length; at += 16 * 1024) {
          const piece = chunk.subarray(at, at + 16 * 1024);
          sent += piece.length;
          onSend(piece.length);
          const due = started + (sent / bytesPerSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
          this.push(piece);
        }
        callback();
      })();
    },
  });
}

/** An HTTP proxy on a loopback port in front of `upstream` (host:port) that caps each response's rate. */
export async function startThrottleProxy(upstream: string, bytesPerSecond: number): Promise<ThrottleProxy> {
  const [upstreamHost, upstreamPort] = upstream.split(":") as [string, string];
  let requests = 0;
  let bytes = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  const server = http.createServer((req, res) => {
    requests++;
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    res.once("close", () => inFlight--);
    const forward = http.request(
      { host: upstreamHost, port: Number(upstreamPort), method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes
          .pipe(
            pace(bytesPerSecond, (sent) => {
              bytes += sent;
            }),
          )
          .pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    res.on("close", () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get bytes() {
      return bytes;
    },
    get mostInFlight() {
      return mostInFlight;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
