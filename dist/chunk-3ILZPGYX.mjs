import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  recognizeArtifact,
  weightFiles
} from "./chunk-B3WLYY5J.mjs";
import {
  Limiter
} from "./chunk-OKSVDTLS.mjs";
import {
  formatReference,
  isPinned,
  referenceVersion
} from "./chunk-JLHAMPB3.mjs";
import {
  checkContent,
  withLock,
  writeFileAtomic,
  writeVerified
} from "./chunk-SBSIPN6N.mjs";
import {
  decodeImageManifest,
  decodeManifest,
  isIndexMediaType,
  isManifestMediaType
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  DigestMismatchError,
  EnvironmentError,
  FormatError,
  NotFoundError,
  TransferError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/pull/progress.ts
var MiB = 1024 * 1024;
function mib(bytes) {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
__name(mib, "mib");
function createProgress(out, options) {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? (options.tty ? 100 : 5e3);
  let total = 0;
  let reused = 0;
  let transferred = 0;
  let started = now();
  let lastPrint = started;
  const render = /* @__PURE__ */ __name((final) => {
    const have = Math.min(total, reused + transferred);
    const percent = total > 0 ? Math.floor(have / total * 100) : 100;
    const seconds = Math.max((now() - started) / 1e3, 1e-3);
    const rate = `${mib(transferred / seconds)}/s`;
    if (options.tty) {
      const width = 24;
      const filled = Math.round(percent / 100 * width);
      const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
      out.write(`\r${options.label} [${bar}] ${String(percent).padStart(3)}% ${mib(have)}/${mib(total)} ${rate}\x1B[K`);
      if (final) out.write("\n");
      return;
    }
    const what = final ? "done" : `${percent}%`;
    out.write(`${options.label}: ${what} ${mib(have)} of ${mib(total)}, ${mib(transferred)} downloaded at ${rate}
`);
  }, "render");
  return {
    start(bytes) {
      total = bytes;
      started = now();
      lastPrint = started;
    },
    reuse(bytes) {
      reused += bytes;
    },
    transfer(bytes) {
      transferred += bytes;
      const t = now();
      if (t - lastPrint >= interval) {
        lastPrint = t;
        render(false);
      }
    },
    finish() {
      render(true);
    }
  };
}
__name(createProgress, "createProgress");
var silentProgress = {
  start() {
  },
  reuse() {
  },
  transfer() {
  },
  finish() {
  }
};

// src/pull/pull.ts
import { setMaxListeners as setMaxListeners2 } from "node:events";

// src/pull/ramp.ts
var START_CONNECTIONS = 2;
var WINDOW_MS = 100;
var GROWTH = 1.5;
var ConnectionRamp = class {
  static {
    __name(this, "ConnectionRamp");
  }
  #limiter;
  #max;
  #timer;
  #bytes = 0;
  #since = performance.now();
  #best = 0;
  #previous;
  #settling = true;
  constructor(limiter, max) {
    this.#limiter = limiter;
    this.#max = max;
    this.#previous = Math.min(START_CONNECTIONS, max);
    limiter.resize(this.#previous);
    this.#timer = setInterval(() => this.#judge(), WINDOW_MS).unref();
  }
  record(bytes) {
    this.#bytes += bytes;
  }
  stop() {
    clearInterval(this.#timer);
  }
  #judge() {
    const now = performance.now();
    const rate = this.#bytes / (now - this.#since);
    this.#bytes = 0;
    this.#since = now;
    if (this.#settling) {
      this.#settling = false;
      return;
    }
    if (this.#limiter.queued === 0 || rate === 0) return;
    const limit = this.#limiter.limit;
    if (rate < this.#best * GROWTH) {
      this.#limiter.resize(this.#previous);
      this.stop();
      return;
    }
    this.#best = rate;
    this.#previous = limit;
    if (limit >= this.#max) this.stop();
    else {
      this.#limiter.resize(Math.min(this.#max, limit * 2));
      this.#settling = true;
    }
  }
};

// src/pull/select.ts
var REFERENCE_TYPE = "vnd.docker.reference.type";
function selectManifest(index, indexDigest) {
  const candidates = (index.manifests ?? []).filter(
    (d) => isManifestMediaType(d.mediaType) && !isIndexMediaType(d.mediaType) && d.annotations?.[REFERENCE_TYPE] === void 0 && d.platform?.os !== "unknown"
  );
  const amd64 = candidates.find((d) => d.platform?.os === "linux" && d.platform?.architecture === "amd64");
  const chosen = amd64 ?? candidates[0];
  if (!chosen) {
    const types = (index.manifests ?? []).map((d) => d.mediaType).join(", ") || "none";
    throw new FormatError(`index ${indexDigest} lists no model manifest (entries: ${types})`);
  }
  return chosen;
}
__name(selectManifest, "selectManifest");

// src/pull/space.ts
import { promises as fs } from "node:fs";
function describeBytes(bytes) {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = "bytes";
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === "bytes" ? `${bytes} bytes` : `${value.toFixed(1)} ${unit} (${bytes} bytes)`;
}
__name(describeBytes, "describeBytes");
async function bytesNeeded(store, blobs) {
  let needed = 0;
  for (const blob of blobs) {
    if (await store.has(blob)) continue;
    const partial = await fs.stat(store.partialFiles(blob.digest).data).catch(() => void 0);
    needed += blob.size - Math.min(blob.size, (partial?.blocks ?? 0) * 512);
  }
  return needed;
}
__name(bytesNeeded, "bytesNeeded");
async function freeBytes(dir) {
  try {
    const stats = await fs.statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return void 0;
  }
}
__name(freeBytes, "freeBytes");
async function checkFreeSpace(store, blobs, label) {
  const needed = await bytesNeeded(store, blobs);
  if (needed === 0) return { needed, free: void 0 };
  const free = await freeBytes(store.root);
  if (free !== void 0 && needed > free) {
    throw new EnvironmentError(
      `not enough free space to pull ${label}: it needs ${describeBytes(needed)} more in the store ${store.root}, whose file system has ${describeBytes(free)} free`
    );
  }
  return { needed, free };
}
__name(checkFreeSpace, "checkFreeSpace");
function isNoSpace(error) {
  let current = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = current.code;
    if (code === "ENOSPC" || code === "EDQUOT") return true;
    current = current.cause;
  }
  return false;
}
__name(isNoSpace, "isNoSpace");
function spaceRanOut(store, label, check, cause) {
  const free = check.free === void 0 ? "" : ` and had ${describeBytes(check.free)} free when it began`;
  return new EnvironmentError(
    `the store's file system filled up while pulling ${label}: the pull needed ${describeBytes(check.needed)} in ${store.root}${free}; the partial file that hit it was removed, so free some space and pull again`,
    { cause }
  );
}
__name(spaceRanOut, "spaceRanOut");

// src/pull/transfer.ts
import { setMaxListeners } from "node:events";
import { promises as fs3, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

// src/pull/prefix-hasher.ts
import { Worker } from "node:worker_threads";
var WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { createHash } = require("node:crypto");
const fd = fs.openSync(workerData.file, "r");
const hash = createHash("sha256");
const buffer = Buffer.allocUnsafe(4 << 20);
let position = 0;
parentPort.on("message", (message) => {
  while (position < message.end) {
    const read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, message.end - position), position);
    if (read === 0) throw new Error("partial file is shorter than its completed ranges");
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  if (message.finish) {
    fs.closeSync(fd);
    parentPort.postMessage({ digest: "sha256:" + hash.digest("hex"), size: position });
  }
});
`;
var PrefixHasher = class {
  static {
    __name(this, "PrefixHasher");
  }
  worker;
  result;
  posted = 0;
  constructor(file) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file } });
    this.result = new Promise((resolve, reject) => {
      this.worker.once("message", (message) => resolve(message));
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new Error(`hash worker exited with code ${code}`)));
    });
    this.result.catch(() => {
    });
  }
  /** The first `end` bytes of the file are complete. */
  advance(end) {
    if (end <= this.posted) return;
    this.posted = end;
    this.worker.postMessage({ end });
  }
  /** Hashes up to `size` and returns the digest of exactly those bytes. */
  async finish(size) {
    this.worker.postMessage({ end: size, finish: true });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }
  async cancel() {
    await this.worker.terminate();
  }
};

// src/pull/ranges.ts
function addRange(ranges, added) {
  const all = [...ranges, added].sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [start, end] of all) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
__name(addRange, "addRange");
function missingRanges(ranges, size) {
  const gaps = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) gaps.push([at, Math.min(start, size)]);
    at = Math.max(at, end);
  }
  if (at < size) gaps.push([at, size]);
  return gaps;
}
__name(missingRanges, "missingRanges");
function contiguousPrefix(ranges) {
  const first = ranges[0];
  return first && first[0] === 0 ? first[1] : 0;
}
__name(contiguousPrefix, "contiguousPrefix");
function splitRanges(ranges, partSize) {
  const parts = [];
  for (const [start, end] of ranges) {
    for (let at = start; at < end; at += partSize) parts.push([at, Math.min(end, at + partSize)]);
  }
  return parts;
}
__name(splitRanges, "splitRanges");
function coveredBytes(ranges) {
  return ranges.reduce((sum, [start, end]) => sum + (end - start), 0);
}
__name(coveredBytes, "coveredBytes");

// src/pull/resume.ts
import { promises as fs2 } from "node:fs";
async function loadProgress(metaFile, dataFile, digest, size) {
  try {
    const record = JSON.parse(await fs2.readFile(metaFile, "utf8"));
    const stat = await fs2.stat(dataFile);
    if (record.version !== 1 || record.digest !== digest || record.size !== size || stat.size !== size) return [];
    let done = [];
    for (const range of record.done) {
      const [start, end] = range;
      if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= size) {
        done = addRange(done, [start, end]);
      }
    }
    return done;
  } catch {
    return [];
  }
}
__name(loadProgress, "loadProgress");
var ProgressWriter = class {
  constructor(metaFile, tmpDir, digest, size) {
    this.metaFile = metaFile;
    this.tmpDir = tmpDir;
    this.digest = digest;
    this.size = size;
  }
  metaFile;
  tmpDir;
  digest;
  size;
  static {
    __name(this, "ProgressWriter");
  }
  last = Promise.resolve();
  /** Queues a save. A record that cannot be written only costs resumability, never the download. */
  save(done) {
    const record = { version: 1, digest: this.digest, size: this.size, done: [...done] };
    this.last = this.last.then(() => writeFileAtomic(this.metaFile, JSON.stringify(record), this.tmpDir)).catch(() => {
    });
  }
  flush() {
    return this.last;
  }
};

// src/pull/transfer.ts
async function transferBlob(descriptor, ctx) {
  if (await ctx.store.holds(descriptor)) return { downloaded: 0, reused: descriptor.size };
  const files = ctx.store.partialFiles(descriptor.digest);
  return withLock(
    files.lock,
    async () => {
      if (await ctx.store.holds(descriptor)) return { downloaded: 0, reused: descriptor.size };
      const result2 = descriptor.size <= ctx.partSize(descriptor.size) ? { downloaded: await transferWhole(descriptor, ctx), reused: 0 } : await transferParts(descriptor, ctx);
      await ctx.store.stamp(descriptor);
      return result2;
    },
    ctx.signal ? { signal: ctx.signal } : {}
  );
}
__name(transferBlob, "transferBlob");
async function transferWhole(descriptor, ctx) {
  const target = ctx.store.blobPath(descriptor.digest);
  await withAttempts(ctx, descriptor, ctx.signal, async () => {
    await ctx.limiter.run(async () => {
      const stream = await ctx.source.fetchBlob(descriptor, ctx.signal ? { signal: ctx.signal } : {});
      await writeVerified(target, descriptor, counted(stream, ctx), ctx.store.layout.ingestDir, ctx.source.name);
    });
  });
  return descriptor.size;
}
__name(transferWhole, "transferWhole");
async function* counted(stream, ctx) {
  for await (const chunk of stream) {
    ctx.onBytes(chunk.byteLength);
    yield chunk;
  }
}
__name(counted, "counted");
async function transferParts(descriptor, ctx) {
  try {
    return await transferPartsResumably(descriptor, ctx);
  } catch (error) {
    if (isNoSpace(error)) await discardPartial(ctx, descriptor);
    throw error;
  }
}
__name(transferParts, "transferParts");
async function transferPartsResumably(descriptor, ctx) {
  const files = ctx.store.partialFiles(descriptor.digest);
  const resumed = await loadProgress(files.meta, files.data, descriptor.digest, descriptor.size);
  const first = await downloadInto(descriptor, ctx, resumed);
  if (first.ok) return first.result;
  if (resumed.length === 0) {
    await discardPartial(ctx, descriptor);
    throw first.error;
  }
  await discardPartial(ctx, descriptor);
  const second = await downloadInto(descriptor, ctx, []);
  if (second.ok) return { downloaded: first.result.downloaded + second.result.downloaded, reused: 0 };
  await discardPartial(ctx, descriptor);
  throw second.error;
}
__name(transferPartsResumably, "transferPartsResumably");
async function downloadInto(descriptor, ctx, resumed) {
  const files = ctx.store.partialFiles(descriptor.digest);
  const handle = await fs3.open(files.data, resumed.length > 0 ? "r+" : "w+");
  let hasher;
  const progress = new ProgressWriter(files.meta, ctx.store.layout.ingestDir, descriptor.digest, descriptor.size);
  let done = resumed;
  let downloaded = 0;
  try {
    await handle.truncate(descriptor.size);
    hasher = new PrefixHasher(files.data);
    hasher.advance(contiguousPrefix(done));
    const parts = splitRanges(missingRanges(done, descriptor.size), ctx.partSize(descriptor.size));
    const failure = new AbortController();
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, failure.signal]) : failure.signal;
    setMaxListeners(0, signal);
    let firstError;
    await Promise.allSettled(
      parts.map(
        (part) => ctx.limiter.run(async () => {
          try {
            signal.throwIfAborted();
            await withAttempts(ctx, descriptor, signal, () => fetchPart(descriptor, part, handle, ctx, signal));
          } catch (error) {
            firstError ??= error;
            failure.abort(error);
            throw error;
          }
          downloaded += part[1] - part[0];
          done = addRange(done, part);
          hasher?.advance(contiguousPrefix(done));
          progress.save(done);
        })
      )
    );
    await progress.flush();
    if (firstError !== void 0) throw firstError;
    await handle.close();
    const hashed = await hasher.finish(descriptor.size);
    hasher = void 0;
    const result2 = { downloaded, reused: coveredBytes(resumed) };
    try {
      checkContent(descriptor, hashed.size, hashed.digest, ctx.source.name);
    } catch (error) {
      if (error instanceof DigestMismatchError) return { ok: false, error, result: result2 };
      throw error;
    }
    await fs3.rename(files.data, ctx.store.blobPath(descriptor.digest));
    await fs3.rm(files.meta, { force: true });
    return { ok: true, result: result2 };
  } finally {
    await hasher?.cancel();
    await handle.close().catch(() => {
    });
  }
}
__name(downloadInto, "downloadInto");
async function fetchPart(descriptor, [start, end], handle, ctx, signal) {
  const length = end - start;
  let position = start;
  await ctx.source.pumpBlob(
    descriptor,
    (chunk) => {
      if (position + chunk.length > end) {
        throw new TransferError(
          `${descriptor.digest} from ${ctx.source.name}: the source sent more than the ${length} bytes asked for at offset ${start}`
        );
      }
      ctx.onBytes(chunk.length);
      for (let written = 0; written < chunk.length; ) {
        written += writeSync(handle.fd, chunk, written, chunk.length - written, position + written);
      }
      position += chunk.length;
    },
    { range: { offset: start, length }, signal }
  );
  if (position !== end) {
    throw new TransferError(
      `${descriptor.digest} from ${ctx.source.name}: the source ended after ${position - start} of ${length} bytes at offset ${start}`
    );
  }
}
__name(fetchPart, "fetchPart");
async function withAttempts(ctx, descriptor, signal, task) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      const final = attempt >= ctx.attempts || error instanceof NotFoundError || error instanceof DigestMismatchError || isNoSpace(error) || signal?.aborted === true;
      if (final) {
        if (error instanceof CortexError) throw error;
        throw new TransferError(`${descriptor.digest} from ${ctx.source.name}: ${error.message}`, {
          cause: error
        });
      }
      await sleep(200 * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}
__name(withAttempts, "withAttempts");
async function discardPartial(ctx, descriptor) {
  const files = ctx.store.partialFiles(descriptor.digest);
  await fs3.rm(files.data, { force: true });
  await fs3.rm(files.meta, { force: true });
}
__name(discardPartial, "discardPartial");

// src/pull/pull.ts
var MiB2 = 1024 * 1024;
var DEFAULT_PART_SIZE = 16 * MiB2;
var LARGEST_PART_SIZE = 64 * MiB2;
var DEFAULT_CONCURRENCY = 16;
function partSizeFor(blobSize) {
  return Math.min(LARGEST_PART_SIZE, Math.max(DEFAULT_PART_SIZE, Math.ceil(blobSize / 16 / MiB2) * MiB2));
}
__name(partSizeFor, "partSizeFor");
async function assertWritableIfNeeded(store, ref, pulled) {
  const { blobs, missing, resolved } = pulled;
  const manifests = [resolved.manifest.descriptor, resolved.top.descriptor];
  if (missing.length === 0 && await every(manifests, (d) => store.has(d))) return;
  await store.assertWritable(
    `lacks ${missing.length} of the ${blobs.length} files of ${formatReference(ref)}, which a pull would write`
  );
}
__name(assertWritableIfNeeded, "assertWritableIfNeeded");
async function pull(source, ref, store, options = {}) {
  const local = await pullFromStore(store, ref);
  if (local) return local;
  const progress = options.progress ?? silentProgress;
  const signalOption = options.signal ? { signal: options.signal } : {};
  const version = referenceVersion(ref);
  const topDescriptor = await source.resolve(version, signalOption);
  if (isPinned(ref) && topDescriptor.digest !== ref.digest) {
    throw new DigestMismatchError(`${source.name} resolved ${ref.digest} to ${topDescriptor.digest}`);
  }
  const resolved = await resolveModel(
    topDescriptor,
    async (d) => await store.has(d) ? store.layout.fetchManifest(d) : source.fetchManifest(d, signalOption)
  );
  const artifact = recognizeArtifact(resolved.parsed);
  const blobs = uniqueBlobs([resolved.parsed.config, ...resolved.parsed.layers]);
  const missing = await missingBlobs(store, blobs, options);
  await assertWritableIfNeeded(store, ref, { blobs, missing, resolved });
  const label = formatReference(ref);
  const space = await checkFreeSpace(store, blobs, label);
  progress.start(blobs.reduce((sum, b) => sum + b.size, 0));
  const limiter = new Limiter(1);
  const ramp = new ConnectionRamp(limiter, Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const fixedPartSize = options.partSize === void 0 ? void 0 : Math.max(1, options.partSize);
  const partSize = /* @__PURE__ */ __name((blobSize) => fixedPartSize ?? partSizeFor(blobSize), "partSize");
  let downloadedBytes = 0;
  let reusedBytes = blobs.filter((b) => !missing.includes(b)).reduce((sum, b) => sum + b.size, 0);
  if (reusedBytes > 0) progress.reuse(reusedBytes);
  const failure = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failure.signal]) : failure.signal;
  setMaxListeners2(0, signal);
  let firstError;
  try {
    await Promise.all(
      missing.map(async (blob) => {
        try {
          const result2 = await transferBlob(blob, {
            source,
            store,
            limiter,
            partSize,
            attempts: 3,
            signal,
            onBytes: /* @__PURE__ */ __name((n) => {
              ramp.record(n);
              progress.transfer(n);
            }, "onBytes")
          });
          downloadedBytes += result2.downloaded;
          reusedBytes += result2.reused;
          if (result2.reused > 0) progress.reuse(result2.reused);
        } catch (error) {
          firstError ??= error;
          failure.abort(error);
        }
      })
    );
  } finally {
    ramp.stop();
    progress.finish();
  }
  try {
    if (firstError !== void 0) throw firstError;
    await store.addManifest(resolved.manifest);
    if (resolved.top !== resolved.manifest) await store.addManifest(resolved.top);
    await store.record(resolved.top.descriptor, label);
  } catch (error) {
    throw isNoSpace(error) ? spaceRanOut(store, label, space, error) : error;
  }
  return result(store, ref, resolved, artifact, downloadedBytes, reusedBytes);
}
__name(pull, "pull");
async function pullFromStore(store, ref, options = {}) {
  if (!isPinned(ref)) return void 0;
  const layout = store.layout;
  let resolved;
  try {
    const top = await layout.resolve(ref.digest);
    resolved = await resolveModel(top, async (d) => layout.fetchManifest(d));
  } catch {
    return void 0;
  }
  const blobs = uniqueBlobs([resolved.parsed.config, ...resolved.parsed.layers]);
  if ((await missingBlobs(store, blobs, options)).length > 0) return void 0;
  const artifact = recognizeArtifact(resolved.parsed);
  await store.record(resolved.top.descriptor, formatReference(ref));
  const reused = blobs.reduce((sum, b) => sum + b.size, 0);
  return result(store, ref, resolved, artifact, 0, reused);
}
__name(pullFromStore, "pullFromStore");
async function resolveModel(top, fetch) {
  const fetched = await fetch(top);
  const document = decodeManifest(fetched.bytes, `manifest ${top.digest}`, fetched.descriptor.mediaType);
  if (document.kind === "index") {
    const child = selectManifest(document.index, top.digest);
    const manifest = await fetch(child);
    return { top: fetched, manifest, parsed: decodeImageManifest(manifest.bytes, `manifest ${child.digest}`) };
  }
  return { top: fetched, manifest: fetched, parsed: document.manifest };
}
__name(resolveModel, "resolveModel");
function damagedBlobWarning(store, blob) {
  return `${blob.digest} in the store ${store.root} no longer matched its digest: removed, fetching it again`;
}
__name(damagedBlobWarning, "damagedBlobWarning");
async function missingBlobs(store, blobs, options) {
  const missing = [];
  for (const blob of blobs) {
    const present = await store.has(blob);
    if (present && (options.deferHashOfPresent || await store.holds(blob))) continue;
    if (present) options.onDamaged?.(blob);
    missing.push(blob);
  }
  return missing;
}
__name(missingBlobs, "missingBlobs");
async function every(items, test) {
  for (const item of items) if (!await test(item)) return false;
  return true;
}
__name(every, "every");
function uniqueBlobs(descriptors) {
  const seen = /* @__PURE__ */ new Map();
  for (const d of descriptors) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}
__name(uniqueBlobs, "uniqueBlobs");
function result(store, ref, resolved, artifact, downloadedBytes, reusedBytes) {
  const files = weightFiles(artifact).map((d) => store.blobPath(d.digest));
  return {
    digest: resolved.top.descriptor.digest,
    reference: formatReference({ ...ref, digest: resolved.top.descriptor.digest }),
    model: files[0],
    files,
    weights: artifact.weights,
    downloadedBytes,
    reusedBytes,
    manifestDigest: resolved.manifest.descriptor.digest,
    manifest: resolved.parsed,
    format: artifact.format,
    store: store.root
  };
}
__name(result, "result");

export {
  createProgress,
  pull,
  pullFromStore,
  resolveModel,
  damagedBlobWarning
};
