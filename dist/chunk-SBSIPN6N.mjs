import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  Annotation,
  MediaType,
  decodeManifest,
  describeBounds,
  digestHex,
  isDigest,
  parseDecimal,
  parseDigest,
  sha256Digest,
  withinBounds
} from "./chunk-P47FFNDF.mjs";
import {
  DigestMismatchError,
  EnvironmentError,
  FormatError,
  NotFoundError,
  UsageError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/core/settings.ts
var SettingError = class extends UsageError {
  static {
    __name(this, "SettingError");
  }
};
function requiredSetting(source, setting) {
  const value = source.value(setting);
  if (value === void 0) throw new SettingError(`${source.label(setting)} is required`);
  return value;
}
__name(requiredSetting, "requiredSetting");
function boundedSetting(source, setting, bounds) {
  const value = source.value(setting);
  if (value === void 0) return void 0;
  const number = parseDecimal(value);
  if (!withinBounds(number, bounds)) {
    throw new SettingError(`${source.label(setting)} must be ${describeBounds(bounds)}, got "${value}"`);
  }
  return number;
}
__name(boundedSetting, "boundedSetting");
var TRUE = /* @__PURE__ */ new Set(["true", "True", "TRUE"]);
var FALSE = /* @__PURE__ */ new Set(["false", "False", "FALSE"]);
function booleanSetting(source, setting, fallback) {
  const value = source.value(setting);
  if (value === void 0) return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new SettingError(`${source.label(setting)} must be true or false, got "${value}"`);
}
__name(booleanSetting, "booleanSetting");
function choiceSetting(source, setting, choices, fallback, renamed = {}) {
  const value = source.value(setting);
  if (value === void 0) return fallback;
  if (choices.includes(value)) return value;
  const now = Object.hasOwn(renamed, value) ? renamed[value] : void 0;
  if (now !== void 0) {
    source.warn(`${source.label(setting)} "${value}" is deprecated; use "${now}"`);
    return now;
  }
  throw new SettingError(`${source.label(setting)} must be one of ${choices.join(", ")}, got "${value}"`);
}
__name(choiceSetting, "choiceSetting");
function listSetting(source, setting) {
  return (source.value(setting) ?? "").split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== "");
}
__name(listSetting, "listSetting");
function boundedListSetting(source, setting, bounds) {
  return listSetting(source, setting).map(
    (item) => boundedSetting({ ...source, value: /* @__PURE__ */ __name(() => item, "value") }, setting, bounds)
  );
}
__name(boundedListSetting, "boundedListSetting");
function spellingsDisagree(source, given, old) {
  const label = source.label(given.setting);
  return new SettingError(
    `${label} ("${given.value}") and its deprecated spelling ${source.label(old.setting)} ("${old.value}") disagree; give only ${label}`
  );
}
__name(spellingsDisagree, "spellingsDisagree");
function withDeprecatedSpellings(source, spellings) {
  const warned = /* @__PURE__ */ new Set();
  const oldValue = /* @__PURE__ */ __name((spelling) => {
    const given = source.value(spelling.old);
    if (given === void 0) return void 0;
    const oldLabel = source.label(spelling.old);
    const converted = spelling.convert ? spelling.convert(given, oldLabel) : given;
    if (!warned.has(spelling.old)) {
      warned.add(spelling.old);
      const label = source.label(spelling.setting);
      const as = converted === given ? "" : ` (${oldLabel} "${given}" is ${label} "${converted}")`;
      source.warn(`${oldLabel} is deprecated; use ${label}${as}`);
    }
    return converted;
  }, "oldValue");
  return {
    label: /* @__PURE__ */ __name((setting) => source.label(setting), "label"),
    warn: /* @__PURE__ */ __name((message) => source.warn(message), "warn"),
    value(setting) {
      let value = source.value(setting);
      for (const spelling of spellings.filter((s) => s.setting === setting)) {
        const old = oldValue(spelling);
        if (old === void 0) continue;
        if (value !== void 0 && value !== old) {
          throw spellingsDisagree(
            source,
            { setting, value },
            { setting: spelling.old, value: source.value(spelling.old) }
          );
        }
        value = old;
      }
      return value;
    }
  };
}
__name(withDeprecatedSpellings, "withDeprecatedSpellings");

// src/store/files.ts
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

// src/core/process-alive.ts
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
__name(isAlive, "isAlive");

// src/store/files.ts
function tempPath(dir, prefix) {
  return path.join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}`);
}
__name(tempPath, "tempPath");
async function removeOrphanTemps(dir) {
  const names = await fs.readdir(dir).catch(() => []);
  await Promise.all(
    names.map(async (name) => {
      const owner = /^[a-z]+-(\d+)-[0-9a-f]{12}$/.exec(name)?.[1];
      if (owner !== void 0 && !isAlive(Number(owner))) await fs.rm(path.join(dir, name), { force: true });
    })
  );
}
__name(removeOrphanTemps, "removeOrphanTemps");
async function writeFileAtomic(file, data, tmpDir) {
  const tmp = tempPath(tmpDir, "write");
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}
__name(writeFileAtomic, "writeFileAtomic");
function checkContent(descriptor, size, digest, source) {
  if (size !== descriptor.size) {
    throw new DigestMismatchError(
      `${descriptor.digest} from ${source}: got ${size} bytes, the descriptor says ${descriptor.size}`
    );
  }
  if (digest !== descriptor.digest) {
    throw new DigestMismatchError(`${descriptor.digest} from ${source}: content hashes to ${digest}`);
  }
}
__name(checkContent, "checkContent");
async function writeVerified(file, descriptor, chunks, tmpDir, source) {
  const tmp = tempPath(tmpDir, "blob");
  const handle = await fs.open(tmp, "wx");
  try {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > descriptor.size) {
        throw new DigestMismatchError(
          `${descriptor.digest} from ${source}: more than the ${descriptor.size} bytes the descriptor says`
        );
      }
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.close();
    checkContent(descriptor, size, `sha256:${hash.digest("hex")}`, source);
    await fs.rename(tmp, file);
  } catch (error) {
    await handle.close().catch(() => {
    });
    await fs.rm(tmp, { force: true });
    throw error;
  }
}
__name(writeVerified, "writeVerified");
async function hashFile(file) {
  const hash = createHash("sha256");
  let size = 0;
  const handle = await fs.open(file, "r");
  try {
    const stat = await handle.stat({ bigint: true });
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    return { digest: `sha256:${hash.digest("hex")}`, size, stat };
  } finally {
    await handle.close();
  }
}
__name(hashFile, "hashFile");
async function fileExists(file) {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
__name(fileExists, "fileExists");
function isReadOnlyError(error) {
  const code = error?.code;
  return code === "EROFS" || code === "EACCES" || code === "EPERM";
}
__name(isReadOnlyError, "isReadOnlyError");

// src/store/oci-layout.ts
import { close, createReadStream as createReadStream2, promises as fs4, open } from "node:fs";
import path3 from "node:path";
import { Readable } from "node:stream";

// src/store/link.ts
import { createReadStream, promises as fs2 } from "node:fs";
import path2 from "node:path";
function linkRefused(error) {
  const code = error.code;
  return code === "EXDEV" || code === "EPERM" || code === "EMLINK";
}
__name(linkRefused, "linkRefused");
function isInode(stat, identity) {
  return stat?.isFile() === true && stat.ino === identity.ino && stat.dev === identity.dev;
}
__name(isInode, "isInode");
async function linkOrCopy(source, target) {
  const existing = await fs2.lstat(target).catch(() => void 0);
  if (existing) {
    const original = await fs2.stat(source);
    if (isInode(existing, original)) return "kept";
    await fs2.rm(target, { force: true });
  }
  await fs2.mkdir(path2.dirname(target), { recursive: true });
  try {
    await fs2.link(source, target);
    return "linked";
  } catch (error) {
    if (!linkRefused(error)) throw error;
  }
  const tmp = tempPath(path2.dirname(target), ".copy");
  try {
    await fs2.copyFile(source, tmp);
    await fs2.rename(tmp, target);
  } catch (error) {
    await fs2.rm(tmp, { force: true });
    throw error;
  }
  return "copied";
}
__name(linkOrCopy, "linkOrCopy");
async function adoptVerifiedFile(target, descriptor, file, hashed, tmpDir) {
  const existing = await fs2.lstat(target, { bigint: true }).catch(() => void 0);
  if (isInode(existing, hashed)) return "linked";
  await fs2.rm(target, { force: true });
  try {
    await fs2.link(file, target);
    const placed = await fs2.lstat(target, { bigint: true });
    if (isInode(placed, hashed)) return "linked";
    await fs2.rm(target, { force: true });
    throw new DigestMismatchError(`${file} changed after it was checked against ${descriptor.digest}`);
  } catch (error) {
    if (!linkRefused(error)) throw error;
  }
  const chunks = createReadStream(file, { highWaterMark: 1 << 20 });
  await writeVerified(target, descriptor, chunks, tmpDir, file);
  return "copied";
}
__name(adoptVerifiedFile, "adoptVerifiedFile");
async function symlinkOrLink(source, target) {
  const existing = await fs2.readlink(target).catch(() => void 0);
  if (existing === source) return "kept";
  await fs2.rm(target, { force: true });
  await fs2.mkdir(path2.dirname(target), { recursive: true });
  try {
    await fs2.symlink(source, target, "file");
    return "symlinked";
  } catch (error) {
    if (error.code !== "EPERM") throw error;
  }
  return linkOrCopy(source, target);
}
__name(symlinkOrLink, "symlinkOrLink");

// src/store/lock.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { promises as fs3 } from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
var DEFAULT_STALE_MS = 3e4;
var OWNERLESS_STALE_MS = 2e3;
async function withLock(file, fn, options = {}) {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const owner = { pid: process.pid, host: os.hostname(), token: randomBytes2(8).toString("hex") };
  const started = Date.now();
  let delay = 10;
  for (; ; ) {
    options.signal?.throwIfAborted();
    if (await tryCreate(file, owner)) break;
    if (await removeIfStale(file, staleMs)) continue;
    if (options.timeoutMs !== void 0 && Date.now() - started > options.timeoutMs) {
      throw new EnvironmentError(`timed out after ${options.timeoutMs} ms waiting for lock ${file}`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 500);
  }
  const heartbeat = setInterval(
    () => {
      const now = /* @__PURE__ */ new Date();
      fs3.utimes(file, now, now).catch(() => {
      });
    },
    Math.max(50, staleMs / 3)
  );
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await releaseIfOwned(file, owner);
  }
}
__name(withLock, "withLock");
async function tryCreate(file, owner) {
  let handle;
  try {
    handle = await fs3.open(file, "wx");
  } catch (error) {
    if (error.code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => {
    });
    await fs3.rm(file, { force: true });
    throw error;
  }
}
__name(tryCreate, "tryCreate");
async function readOwner(file) {
  try {
    return JSON.parse(await fs3.readFile(file, "utf8"));
  } catch {
    return void 0;
  }
}
__name(readOwner, "readOwner");
async function removeIfStale(file, staleMs) {
  let stat;
  try {
    stat = await fs3.stat(file);
  } catch {
    return true;
  }
  const owner = await readOwner(file);
  const deadHere = owner !== void 0 && owner.host === os.hostname() && !isAlive(owner.pid);
  const age = Date.now() - stat.mtimeMs;
  const ownerless = owner === void 0 && age > OWNERLESS_STALE_MS;
  if (!deadHere && !ownerless && age <= staleMs) return false;
  const aside = `${file}.stale-${randomBytes2(6).toString("hex")}`;
  try {
    await fs3.rename(file, aside);
  } catch {
    return true;
  }
  const moved = await readOwner(aside);
  if (owner !== void 0 && moved !== void 0 && moved.token !== owner.token) {
    await fs3.link(aside, file).catch(() => {
    });
  }
  await fs3.rm(aside, { force: true });
  return true;
}
__name(removeIfStale, "removeIfStale");
async function releaseIfOwned(file, owner) {
  const current = await readOwner(file);
  if (current?.token === owner.token) await fs3.rm(file, { force: true });
}
__name(releaseIfOwned, "releaseIfOwned");

// src/store/oci-layout.ts
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
var LAYOUT_FILE = "oci-layout";
var INDEX_FILE = "index.json";
var INGEST_DIR = "ingest";
var OciLayout = class _OciLayout {
  constructor(root) {
    this.root = root;
    this.name = `oci:${root}`;
  }
  root;
  static {
    __name(this, "OciLayout");
  }
  name;
  /** Opens a layout; with `create`, makes the directory a layout when it is not one yet. */
  static async open(dir, options = {}) {
    const root = path3.resolve(dir);
    const layout = new _OciLayout(root);
    let marker;
    try {
      marker = await fs4.readFile(path3.join(root, LAYOUT_FILE), "utf8");
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
      if (!options.create) throw new NotFoundError(`${root} is not an OCI image layout: it has no ${LAYOUT_FILE} file`);
    }
    if (marker !== void 0) {
      let version;
      try {
        version = JSON.parse(marker).imageLayoutVersion;
      } catch (error) {
        throw new FormatError(`${path3.join(root, LAYOUT_FILE)} is not valid JSON`, { cause: error });
      }
      if (version !== "1.0.0") {
        throw new FormatError(`${root}: unsupported imageLayoutVersion ${JSON.stringify(version)} (expected "1.0.0")`);
      }
    }
    try {
      await fs4.mkdir(path3.join(root, "blobs", "sha256"), { recursive: true });
      await fs4.mkdir(path3.join(root, INGEST_DIR), { recursive: true });
    } catch (error) {
      if (marker === void 0 || !isReadOnlyError(error)) throw error;
    }
    if (marker === void 0) {
      await createIfMissing(path3.join(root, INDEX_FILE), `${JSON.stringify(emptyIndex())}
`);
      await createIfMissing(path3.join(root, LAYOUT_FILE), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}
`);
    }
    return layout;
  }
  get ingestDir() {
    return path3.join(this.root, INGEST_DIR);
  }
  /** Where a blob lives; the digest is validated, so no name can point outside blobs/. */
  blobPath(digest) {
    return path3.join(this.root, "blobs", "sha256", digestHex(parseDigest(digest)));
  }
  async resolve(reference) {
    const entries = await this.entries();
    if (isDigest(reference)) {
      const listed = entries.find((d) => d.digest === reference);
      if (listed) return plainDescriptor(listed);
      const bytes = await this.readBlob(reference);
      return { mediaType: manifestMediaType(bytes), digest: reference, size: bytes.byteLength };
    }
    const tagged = entries.filter((d) => d.annotations?.[Annotation.refName] === reference);
    const found = tagged[tagged.length - 1];
    if (!found) throw new NotFoundError(`tag "${reference}" not found in ${this.name}`);
    return plainDescriptor(found);
  }
  async fetchManifest(reference) {
    const descriptor = typeof reference === "string" ? await this.resolve(reference) : reference;
    if (descriptor.size > MAX_MANIFEST_BYTES) {
      throw new FormatError(
        `manifest ${descriptor.digest} in ${this.name} is ${descriptor.size} bytes, over the ${MAX_MANIFEST_BYTES} byte limit`
      );
    }
    const bytes = await this.readBlob(descriptor.digest);
    checkContent(descriptor, bytes.byteLength, sha256Digest(bytes), this.name);
    return { descriptor: plainDescriptor(descriptor), bytes };
  }
  async fetchBlob(descriptor, options = {}) {
    const file = this.blobPath(descriptor.digest);
    const fd = await new Promise(
      (resolve, reject) => open(file, "r", (error, opened) => {
        if (error?.code === "ENOENT") reject(new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`));
        else if (error) reject(error);
        else resolve(opened);
      })
    );
    const range = options.range;
    const start = range?.offset ?? 0;
    if (range?.length === 0) {
      close(fd);
      return Readable.from([]);
    }
    const end = range?.length === void 0 ? void 0 : start + range.length - 1;
    return createReadStream2(file, { fd, start, ...end === void 0 ? {} : { end }, highWaterMark: 1 << 20 });
  }
  async pumpBlob(descriptor, sink, options = {}) {
    const handle = await fs4.open(this.blobPath(descriptor.digest), "r").catch((error) => {
      if (error.code === "ENOENT") throw new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`);
      throw error;
    });
    try {
      const start = options.range?.offset ?? 0;
      const end = options.range?.length === void 0 ? Number.POSITIVE_INFINITY : start + options.range.length;
      const buffer = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - start)));
      for (let position = start; position < end; ) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        await sink(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }
  /** A regular file of the right size; a symbolic link is not content this layout holds, wherever it points. */
  async exists(descriptor) {
    try {
      const stat = await fs4.lstat(this.blobPath(descriptor.digest));
      return stat.isFile() && stat.size === descriptor.size;
    } catch {
      return false;
    }
  }
  async tags() {
    const names = (await this.entries()).map((d) => d.annotations?.[Annotation.refName]);
    return [...new Set(names.filter((n) => n !== void 0))];
  }
  /** Layouts have no referrers API: every manifest listed in index.json is read and its `subject` compared. */
  async referrers(subject, options = {}) {
    const seen = /* @__PURE__ */ new Set();
    const found = [];
    for (const entry of await this.entries()) {
      if (seen.has(entry.digest) || entry.digest === subject.digest) continue;
      seen.add(entry.digest);
      const referrer = await this.#referrer(entry, subject);
      if (referrer && (options.artifactType === void 0 || referrer.artifactType === options.artifactType)) {
        found.push(referrer);
      }
    }
    return found;
  }
  /** The descriptor of the manifest `entry` names when its subject is `subject`, as the referrers API lists it. */
  async #referrer(entry, subject) {
    let manifest;
    try {
      const document = decodeManifest(await this.readBlob(entry.digest), `manifest ${entry.digest}`);
      manifest = document.kind === "index" ? document.index : document.manifest;
    } catch {
      return void 0;
    }
    if (manifest.subject?.digest !== subject.digest) return void 0;
    const artifactType = manifest.artifactType ?? ("config" in manifest ? manifest.config.mediaType : void 0);
    return {
      mediaType: entry.mediaType,
      digest: entry.digest,
      size: entry.size,
      ...artifactType ? { artifactType } : {},
      ...manifest.annotations ? { annotations: manifest.annotations } : {}
    };
  }
  /**
   * Takes a blob from a file the caller has verified: a hard link to the very inode that was hashed, or else a
   * copy hashed again on the way. Whatever replaced the file since (a swap for a link, other bytes) is refused.
   */
  async adoptBlobFile(descriptor, file, hashed) {
    return adoptVerifiedFile(this.blobPath(descriptor.digest), descriptor, file, hashed, this.ingestDir);
  }
  async pushBlob(descriptor, content) {
    if (await this.exists(descriptor)) return;
    const chunks = content instanceof Uint8Array ? [content] : content();
    await writeVerified(this.blobPath(descriptor.digest), descriptor, chunks, this.ingestDir, "pushed content");
  }
  /** Stores manifest bytes and lists the manifest in index.json (so referrers and `verify` find it). */
  async pushManifest(descriptor, bytes, options = {}) {
    await this.pushBlob(descriptor, bytes);
    await this.addEntry(descriptor, options.tag === void 0 ? {} : { [Annotation.refName]: options.tag });
  }
  async tag(descriptor, tag) {
    await this.nameManifest(descriptor, { [Annotation.refName]: tag });
  }
  /**
   * Points index.json entry names at a manifest already present. The ref.name annotation is the key: an
   * entry with the same name is replaced, other annotations are stored with it.
   */
  async nameManifest(descriptor, annotations) {
    if (!await this.exists(descriptor)) {
      throw new NotFoundError(`manifest ${descriptor.digest} not found in ${this.name}`);
    }
    await this.addEntry(descriptor, annotations);
  }
  /** The manifests listed in index.json, as stored. */
  async entries() {
    return (await this.readIndex()).manifests;
  }
  /** Applies `change` to index.json's manifest list, atomically and under a lock shared by all processes. */
  async updateEntries(change) {
    await withLock(path3.join(this.ingestDir, "index.lock"), async () => {
      const index = await this.readIndex();
      index.manifests = change(index.manifests);
      await writeFileAtomic(path3.join(this.root, INDEX_FILE), `${JSON.stringify(index, null, 2)}
`, this.ingestDir);
    });
  }
  async addEntry(descriptor, annotations) {
    const name = annotations[Annotation.refName];
    const entry = {
      ...plainDescriptor(descriptor),
      ...Object.keys(annotations).length > 0 ? { annotations } : {}
    };
    await this.updateEntries((entries) => {
      if (name === void 0) {
        return entries.some((d) => d.digest === descriptor.digest) ? entries : [...entries, entry];
      }
      const kept = entries.filter(
        (d) => d.annotations?.[Annotation.refName] !== name && !(d.digest === descriptor.digest && d.annotations?.[Annotation.refName] === void 0)
      );
      return [...kept, entry];
    });
  }
  async readIndex() {
    const file = path3.join(this.root, INDEX_FILE);
    let text;
    try {
      text = await fs4.readFile(file, "utf8");
    } catch (error) {
      if (error.code === "ENOENT") return emptyIndex();
      throw error;
    }
    let index;
    try {
      index = JSON.parse(text);
    } catch (error) {
      throw new FormatError(`${file} is not valid JSON`, { cause: error });
    }
    if (!Array.isArray(index.manifests)) throw new FormatError(`${file} has no "manifests" list`);
    return index;
  }
  async readBlob(digest) {
    try {
      return await fs4.readFile(this.blobPath(digest));
    } catch (error) {
      if (error.code === "ENOENT") {
        throw new NotFoundError(`${digest} not found in ${this.name}`);
      }
      throw error;
    }
  }
};
function emptyIndex() {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}
__name(emptyIndex, "emptyIndex");
async function createIfMissing(file, content) {
  try {
    await fs4.writeFile(file, content, { flag: "wx" });
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
}
__name(createIfMissing, "createIfMissing");
function plainDescriptor(d) {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...d.artifactType ? { artifactType: d.artifactType } : {}
  };
}
__name(plainDescriptor, "plainDescriptor");
function manifestMediaType(bytes) {
  let parsed;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new FormatError("manifest is not valid JSON", { cause: error });
  }
  if (typeof parsed.mediaType === "string") return parsed.mediaType;
  return Array.isArray(parsed.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}
__name(manifestMediaType, "manifestMediaType");

export {
  SettingError,
  requiredSetting,
  boundedSetting,
  booleanSetting,
  choiceSetting,
  listSetting,
  boundedListSetting,
  spellingsDisagree,
  withDeprecatedSpellings,
  isAlive,
  tempPath,
  removeOrphanTemps,
  writeFileAtomic,
  checkContent,
  writeVerified,
  hashFile,
  fileExists,
  isReadOnlyError,
  linkOrCopy,
  adoptVerifiedFile,
  symlinkOrLink,
  withLock,
  INGEST_DIR,
  OciLayout
};
