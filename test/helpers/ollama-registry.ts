import http from "node:http";
import type { AddressInfo } from "node:net";
import { sha256Digest } from "../../src/core/digest.js";
import type { RecordedRequest } from "./fault-proxy.js";

/**
 * A loopback stand-in for registry.ollama.ai with its quirks: `GET /v2/` answers
 * 404, manifests come back as `text/plain` without Docker-Content-Digest (HEAD included), and blob GETs are
 * redirected to a blob server on another origin. Content is whatever the test puts in:
 *
 *   const ollama = await startOllamaLikeRegistry();
 *   ollama.putBlob(bytes); ollama.putManifest("library/tiny", "1b", manifestBytes);
 *   openRepository({ kind: "registry", registry: ollama.host, repository: "library/tiny" })
 */
export interface OllamaLikeRegistry {
  readonly host: string;
  /**
   * How the blob server treats Range: honour it, ignore it (200 with the whole blob, as some CDNs do), or
   * answer 206 for the wrong bytes. Tests may change it at any time.
   */
  rangeMode: "honour" | "ignore" | "wrong";
  readonly requests: RecordedRequest[];
  /** Requests that reached the blob server (the other origin). */
  readonly blobRequests: RecordedRequest[];
  putBlob(bytes: Uint8Array): void;
  putManifest(repository: string, tag: string, bytes: Uint8Array): void;
  close(): Promise<void>;
}

function record(req: http.IncomingMessage): RecordedRequest {
  return { method: req.method ?? "", path: req.url ?? "", headers: req.headers };
}

async function listen(server: http.Server, host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `${host}:${(server.address() as AddressInfo).port}`;
}

export async function startOllamaLikeRegistry(): Promise<OllamaLikeRegistry> {
  const blobs = new Map<string, Uint8Array>();
  const manifests = new Map<string, Uint8Array>();
  const requests: RecordedRequest[] = [];
  const blobRequests: RecordedRequest[] = [];

  const blobServer = http.createServer((req, res) => {
    blobRequests.push(record(req));
    const bytes = blobs.get(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    if (!bytes) return void res.writeHead(404).end();
    const range = servedRange(req.headers.range, bytes.length, registry.rangeMode);
    const { start, end } = range ?? { start: 0, end: bytes.length - 1 };
    res.writeHead(range ? 206 : 200, {
      "content-length": String(end - start + 1),
      ...(range ? { "content-range": `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : Buffer.from(bytes.subarray(start, end + 1)));
  });
  let blobHost: string;
  try {
    blobHost = await listen(blobServer, "127.0.0.2");
  } catch {
    blobHost = await listen(blobServer, "127.0.0.1");
  }

  const server = http.createServer((req, res) => {
    requests.push(record(req));
    const url = req.url ?? "/";
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url);
    if (manifest) {
      const bytes = manifests.get(`${manifest[1]}:${manifest[2]}`);
      if (!bytes) {
        res.writeHead(404, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }));
      }
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": String(bytes.length) });
      return void res.end(req.method === "HEAD" ? undefined : Buffer.from(bytes));
    }
    const blob = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    if (blob?.[1] && blobs.has(blob[1])) {
      return void res.writeHead(307, { location: `http://${blobHost}/${blob[1]}` }).end();
    }
    res.writeHead(404).end("404 page not found\n");
  });
  const host = await listen(server, "127.0.0.1");
  const close = (s: http.Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  const registry: OllamaLikeRegistry = {
    rangeMode: "honour",
    host,
    requests,
    blobRequests,
    putBlob: (bytes) => void blobs.set(sha256Digest(bytes), bytes),
    putManifest: (repository, tag, bytes) => {
      manifests.set(`${repository}:${tag}`, bytes);
      manifests.set(`${repository}:${sha256Digest(bytes)}`, bytes);
    },
    close: async () => {
      await Promise.all([close(server), close(blobServer)]);
    },
  };
  return registry;
}

/** The byte range the CDN answers a Range header with: as asked, off by one ("wrong"), or none ("ignore"). */
function servedRange(
  header: string | undefined,
  length: number,
  mode: OllamaLikeRegistry["rangeMode"],
): { start: number; end: number } | undefined {
  const range = mode === "ignore" ? null : /^bytes=(\d+)-(\d*)$/.exec(header ?? "");
  if (!range) return undefined;
  return { start: Number(range[1]) + (mode === "wrong" ? 1 : 0), end: range[2] ? Number(range[2]) : length - 1 };
}
