import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local GitHub Actions cache service, so the real @actions/cache saves and restores through it.
 *
 * @actions/cache 6.3.0 speaks two protocols, chosen by environment (internal/config.js):
 * - v1 (ACTIONS_CACHE_URL, no ACTIONS_CACHE_SERVICE_V2): REST under `_apis/artifactcache/`: GET `cache?keys&version`
 *   (200 with `archiveLocation`, or 204), POST `caches` (reserve), PATCH `caches/<id>` with Content-Range
 *   chunks, POST `caches/<id>` (commit), then a plain GET of `archiveLocation`.
 * - v2 (ACTIONS_RESULTS_URL with ACTIONS_CACHE_SERVICE_V2 set, what github.com runners use today): Twirp JSON
 *   `twirp/github.actions.results.api.v1.CacheService/{GetCacheEntryDownloadURL,CreateCacheEntry,
 *   FinalizeCacheEntryUpload}`; the archive goes up through @azure/storage-blob to the signed URL (one
 *   `Put Blob` up to 128 MiB, else `Put Block` + `Put Block List`) and comes down with a plain GET, since the
 *   library uses the Azure SDK for downloads only on `*.blob.core.windows.net` hosts.
 * Both are served here on one loopback port, over one set of entries.
 */
export interface CacheEntry {
  readonly key: string;
  readonly version: string;
  readonly size: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
}

export interface ActionsCacheServer {
  /** Base URL with its trailing slash, as the runner sets ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL. */
  readonly url: string;
  /** The environment a runner gives a step for the chosen protocol. */
  env(protocol: "v1" | "v2"): Record<string, string>;
  /** Committed entries, oldest first. */
  entries(): CacheEntry[];
  /** Every request, blob transfers included. */
  readonly requests: RecordedRequest[];
  /** When set, every cache API call (not the blob transfers) answers this status: a service outage. */
  fault: number | undefined;
  close(): Promise<void>;
}

const TOKEN = "test-runtime-token";
const SIGNATURE = "sig=test-signature";
const V1_PREFIX = "/_apis/artifactcache/";
const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.CacheService/";
const BLOB_PREFIX = "/devstoreaccount1/actions-cache/";

interface Stored {
  readonly id: number;
  readonly key: string;
  readonly version: string;
  /** v1 chunks by offset; v2 staged blocks by id. Assembled into `archive` on commit. */
  readonly chunks: Map<number, Buffer>;
  readonly blocks: Map<string, Buffer>;
  archive?: Buffer;
  committed: boolean;
}

export async function startActionsCacheServer(): Promise<ActionsCacheServer> {
  const stored: Stored[] = [];
  const requests: RecordedRequest[] = [];
  let nextId = 1;
  let base = "";
  const control = { fault: undefined as number | undefined };

  const committed = () => stored.filter((entry) => entry.committed);
  const blobName = (entry: Stored) => `${entry.id}-${encodeURIComponent(entry.key)}`;
  const blobUrl = (entry: Stored) => `${base}${BLOB_PREFIX.slice(1)}${blobName(entry)}?${SIGNATURE}`;

  /** The service's lookup: each key in order, exact match first, then the newest entry it prefixes. */
  function lookup(keys: readonly string[], version: string): Stored | undefined {
    const candidates = committed().filter((entry) => entry.version === version);
    for (const key of keys) {
      const exact = candidates.find((entry) => entry.key === key);
      if (exact) return exact;
      const prefixed = candidates.filter((entry) => entry.key.startsWith(key)).at(-1);
      if (prefixed) return prefixed;
    }
    return undefined;
  }

  function reserve(key: string, version: string): Stored | undefined {
    if (stored.some((entry) => entry.key === key && entry.version === version)) return undefined;
    const entry: Stored = { id: nextId++, key, version, chunks: new Map(), blocks: new Map(), committed: false };
    stored.push(entry);
    return entry;
  }

  async function handleV1(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const resource = url.pathname.slice(V1_PREFIX.length);
    const route = `${request.method} ${resource}`;
    if (route === "GET cache") return lookupV1(response, url.searchParams);
    if (route === "GET caches") return listV1(response, url.searchParams.get("key") ?? "");
    if (route === "POST caches") return reserveV1(request, response);
    const entry = openEntry(resource);
    if (!entry) return json(response, 404, { message: `no open cache entry ${resource}` });
    if (request.method === "PATCH") return uploadV1Chunk(request, response, entry);
    if (request.method === "POST") return commitV1(request, response, entry);
    return json(response, 405, { message: `${request.method} not allowed on ${resource}` });
  }

  /** The uncommitted entry `caches/<id>` names. */
  function openEntry(resource: string): Stored | undefined {
    const id = /^caches\/(\d+)$/.exec(resource)?.[1];
    return stored.find((candidate) => String(candidate.id) === id && !candidate.committed);
  }

  function lookupV1(response: ServerResponse, params: URLSearchParams): void {
    const entry = lookup((params.get("keys") ?? "").split(","), params.get("version") ?? "");
    if (!entry) return void response.writeHead(204).end();
    json(response, 200, { cacheKey: entry.key, scope: "refs/heads/main", archiveLocation: blobUrl(entry) });
  }

  function listV1(response: ServerResponse, prefix: string): void {
    const matching = committed().filter((entry) => entry.key.startsWith(prefix));
    json(response, 200, {
      totalCount: matching.length,
      artifactCaches: matching.map((entry) => ({ cacheKey: entry.key, cacheVersion: entry.version })),
    });
  }

  async function reserveV1(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = JSON.parse((await readBody(request)).toString("utf8")) as { key: string; version: string };
    const entry = reserve(body.key, body.version);
    if (!entry) return json(response, 409, { message: `cache entry ${body.key} already exists` });
    json(response, 201, { cacheId: entry.id });
  }

  async function uploadV1Chunk(request: IncomingMessage, response: ServerResponse, entry: Stored): Promise<void> {
    const range = /^bytes (\d+)-(\d+)\/\*$/.exec(request.headers["content-range"] ?? "");
    const chunk = await readBody(request);
    if (!range || Number(range[2]) - Number(range[1]) + 1 !== chunk.length) {
      return json(response, 400, { message: "Content-Range does not match the chunk" });
    }
    entry.chunks.set(Number(range[1]), chunk);
    response.writeHead(204).end();
  }

  async function commitV1(request: IncomingMessage, response: ServerResponse, entry: Stored): Promise<void> {
    const { size } = JSON.parse((await readBody(request)).toString("utf8")) as { size: number };
    const archive = Buffer.concat([...entry.chunks.entries()].sort(([a], [b]) => a - b).map(([, chunk]) => chunk));
    if (archive.length !== size) {
      return json(response, 400, { message: `committed size ${size} but ${archive.length} bytes were uploaded` });
    }
    entry.archive = archive;
    entry.committed = true;
    response.writeHead(204).end();
  }

  async function handleTwirp(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    const body = JSON.parse((await readBody(request)).toString("utf8")) as Record<string, unknown>;
    const key = String(body.key ?? "");
    const version = String(body.version ?? "");
    if (method === "GetCacheEntryDownloadURL") {
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
      return downloadTwirp(response, [key, ...restoreKeys], version);
    }
    if (method === "CreateCacheEntry") {
      const entry = reserve(key, version);
      if (!entry) return json(response, 409, { code: "already_exists", msg: `cache entry ${key} already exists` });
      return json(response, 200, { ok: true, signed_upload_url: blobUrl(entry) });
    }
    if (method === "FinalizeCacheEntryUpload") return finalizeTwirp(response, key, version, Number(body.size_bytes));
    return json(response, 404, { code: "bad_route", msg: `no method ${method}` });
  }

  function downloadTwirp(response: ServerResponse, keys: string[], version: string): void {
    const entry = lookup(keys, version);
    if (!entry) json(response, 200, { ok: false, signed_download_url: "", matched_key: "" });
    else json(response, 200, { ok: true, signed_download_url: blobUrl(entry), matched_key: entry.key });
  }

  function finalizeTwirp(response: ServerResponse, key: string, version: string, size: number): void {
    const entry = stored.find((candidate) => candidate.key === key && candidate.version === version);
    if (!entry?.archive || entry.archive.length !== size) {
      json(response, 200, { ok: false, entry_id: "0", message: `no complete upload for ${key}` });
    } else {
      entry.committed = true;
      json(response, 200, { ok: true, entry_id: String(entry.id) });
    }
  }

  /** Azure Blob Storage, the subset @azure/storage-blob's uploadFile and a plain ranged GET use. */
  async function handleBlob(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (url.searchParams.get("sig") !== SIGNATURE.slice(4)) return void response.writeHead(403).end();
    const entry = stored.find((candidate) => blobName(candidate) === url.pathname.slice(BLOB_PREFIX.length));
    if (!entry) return void response.writeHead(404).end();
    const azureHeaders = {
      ETag: `"0x${entry.id.toString(16)}"`,
      "Last-Modified": new Date().toUTCString(),
      "x-ms-request-id": randomUUID(),
      "x-ms-version": "2025-01-05",
      "x-ms-request-server-encrypted": "true",
    };
    if (request.method === "PUT") return putBlob(request, response, url, entry, azureHeaders);
    if (request.method === "GET" && entry.archive && entry.committed) {
      return getBlob(request, response, entry.archive, azureHeaders);
    }
    return void response.writeHead(404).end();
  }

  /** A whole blob, a block of it, or the block list that puts the blocks together. */
  async function putBlob(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    entry: Stored,
    azureHeaders: Record<string, string>,
  ): Promise<void> {
    const body = await readBody(request);
    const comp = url.searchParams.get("comp");
    if (comp === "block") {
      entry.blocks.set(url.searchParams.get("blockid") ?? "", body);
    } else if (comp === "blocklist") {
      const ids = [...body.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)].map((m) => m[1]);
      const parts = ids.map((id) => entry.blocks.get(id ?? ""));
      if (parts.some((part) => part === undefined)) return void response.writeHead(400).end("unknown block id");
      entry.archive = Buffer.concat(parts as Buffer[]);
    } else if (request.headers["x-ms-blob-type"] === "BlockBlob") {
      entry.archive = body;
    } else {
      return void response.writeHead(400).end("unsupported blob operation");
    }
    response.writeHead(201, { ...azureHeaders, "Content-Length": "0" }).end();
  }

  /** The archive, or the byte range asked for. */
  function getBlob(
    request: IncomingMessage,
    response: ServerResponse,
    archive: Buffer,
    azureHeaders: Record<string, string>,
  ): void {
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
    if (!range) {
      response.writeHead(200, { ...azureHeaders, "Content-Length": String(archive.length) });
      return void response.end(archive);
    }
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), archive.length - 1) : archive.length - 1;
    response.writeHead(206, {
      ...azureHeaders,
      "Content-Length": String(end - start + 1),
      "Content-Range": `bytes ${start}-${end}/${archive.length}`,
    });
    response.end(archive.subarray(start, end + 1));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", base);
    requests.push({ method: request.method ?? "", path: url.pathname });
    if (url.pathname.startsWith(BLOB_PREFIX)) return handleBlob(request, response, url);
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, 401, { message: "bad token" });
    if (control.fault !== undefined) {
      await readBody(request);
      return json(response, control.fault, { message: "injected fault", msg: "injected fault" });
    }
    if (url.pathname.startsWith(V1_PREFIX)) return handleV1(request, response, url);
    if (url.pathname.startsWith(TWIRP_PREFIX) && request.method === "POST") {
      return handleTwirp(request, response, url.pathname.slice(TWIRP_PREFIX.length));
    }
    return json(response, 404, { message: `unknown path ${url.pathname}` });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { message: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: base,
    // A runner sets both URLs; ACTIONS_CACHE_SERVICE_V2 alone picks the protocol.
    env: (protocol) => ({
      ACTIONS_CACHE_URL: base,
      ACTIONS_RESULTS_URL: base,
      ACTIONS_RUNTIME_TOKEN: TOKEN,
      ACTIONS_CACHE_SERVICE_V2: protocol === "v2" ? "True" : "",
    }),
    entries: () =>
      committed().map((entry) => ({ key: entry.key, version: entry.version, size: entry.archive?.length ?? 0 })),
    requests,
    get fault() {
      return control.fault;
    },
    set fault(status) {
      control.fault = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
