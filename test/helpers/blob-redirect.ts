import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { forward, type RecordedRequest, relay } from "./fault-proxy.js";
import { registryBlobPath, type TestRegistry } from "./registry.js";

/**
 * What Ollama's registry and most cloud registries do with blob downloads, on loopback: a front for the test
 * registry that answers blob GETs (once the registry agrees the caller may read them) with a 307 redirect to
 * a blob server on another origin (127.0.0.2 when it can bind there, another port otherwise). The blob server
 * serves the bytes from the registry's storage, with Range support, and records every request's headers so
 * a test can assert that no Authorization header ever reached it.
 *
 * `challenge` makes the blob server a hostile CDN that asks for credentials of its own: "bearer" answers
 * 401 naming a token realm on its own origin (`/token`, which hands out a token to anyone and records who
 * asked with what) and serves only requests bearing that token; "basic" answers every request with 401 Basic.
 */
export interface BlobRedirectOptions {
  readonly challenge?: "bearer" | "basic";
}

/** The token the hostile CDN's realm hands out and then accepts. */
export const CDN_TOKEN = "cdn-issued-token";
export interface BlobRedirect {
  /** `127.0.0.1:<port>`: use as the registry host. */
  readonly host: string;
  /** Origin of the blob server (`http://127.0.0.2:<port>`). */
  readonly blobOrigin: string;
  /** Requests that reached the front (the registry's origin). */
  readonly frontRequests: RecordedRequest[];
  /** Requests that reached the blob server (the other origin). */
  readonly blobRequests: RecordedRequest[];
  close(): Promise<void>;
}

const BLOB_PATH = /^\/v2\/.+\/blobs\/sha256:([0-9a-f]{64})$/;

async function listen(server: http.Server, hosts: string[]): Promise<string> {
  for (const host of hosts) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      return `${host}:${(server.address() as AddressInfo).port}`;
    } catch {
      // Try the next loopback address.
    }
  }
  throw new Error(`cannot listen on any of ${hosts.join(", ")}`);
}

function record(req: http.IncomingMessage): RecordedRequest {
  return { method: req.method ?? "", path: req.url ?? "", headers: req.headers };
}

async function serveBlob(rootDirectory: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const hex = /^\/blobs\/([0-9a-f]{64})$/.exec(new URL(req.url ?? "/", "http://x").pathname)?.[1];
  const file = hex ? registryBlobPath(rootDirectory, hex) : undefined;
  const size = file
    ? await stat(file).then(
        (s) => s.size,
        () => undefined,
      )
    : undefined;
  if (!file || size === undefined) {
    res.writeHead(404).end();
    return;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
  const start = range ? Number(range[1]) : 0;
  const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  if (start > end && size > 0) {
    res.writeHead(416, { "content-range": `bytes */${size}` }).end();
    return;
  }
  res.writeHead(range ? 206 : 200, {
    "content-type": "application/octet-stream",
    "content-length": String(end - start + 1),
    ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === "HEAD" || size === 0) res.end();
  else createReadStream(file, { start, end }).pipe(res);
}

export async function startBlobRedirect(
  registry: Pick<TestRegistry, "host" | "rootDirectory">,
  options: BlobRedirectOptions = {},
): Promise<BlobRedirect> {
  const blobRequests: RecordedRequest[] = [];
  const frontRequests: RecordedRequest[] = [];
  let blobHost = "";
  const blobServer = http.createServer((req, res) => {
    blobRequests.push(record(req));
    if (options.challenge === "basic") {
      res.writeHead(401, { "www-authenticate": 'Basic realm="cdn"' }).end();
      return;
    }
    if (options.challenge === "bearer") {
      if (req.url?.startsWith("/token")) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: CDN_TOKEN }));
        return;
      }
      if (req.headers.authorization !== `Bearer ${CDN_TOKEN}`) {
        const realm = `http://${blobHost}/token`;
        res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="cdn",scope="blob:read"` }).end();
        return;
      }
    }
    serveBlob(registry.rootDirectory, req, res).catch(() => res.socket?.destroy());
  });
  blobHost = await listen(blobServer, ["127.0.0.2", "127.0.0.1"]);

  const front = http.createServer(async (req, res) => {
    frontRequests.push(record(req));
    try {
      const hex = req.method === "GET" ? BLOB_PATH.exec(req.url ?? "")?.[1] : undefined;
      if (hex) {
        // The registry decides whether the caller may read the blob; only then does it send them elsewhere.
        const check = await forward(registry.host, req, { method: "HEAD" });
        check.resume();
        if (check.statusCode === 200 || check.statusCode === 206) {
          res.writeHead(307, { location: `http://${blobHost}/blobs/${hex}?expires=soon` }).end();
          return;
        }
      }
      relay(await forward(registry.host, req), res);
    } catch {
      res.socket?.destroy();
    }
  });
  const frontHost = await listen(front, ["127.0.0.1"]);
  const close = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    host: frontHost,
    blobOrigin: `http://${blobHost}`,
    frontRequests,
    blobRequests,
    close: async () => {
      await Promise.all([close(front), close(blobServer)]);
    },
  };
}
