import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  HistoryEntryError,
  PromoteUsageError,
  PromotionRefusedError,
  TagMoveError,
  describeVerdict,
  evaluatePolicy,
  listResults
} from "./chunk-3IICKCHI.mjs";
import {
  copyGraph,
  sameRegistryMount
} from "./chunk-APVQ7LTG.mjs";
import {
  ATTESTED_KINDS,
  BUNDLE_MEDIA_TYPE,
  SignatureError,
  describeSigner,
  legacySignatureTag,
  mapLimit,
  requireSignature,
  signDigest,
  statementPassed
} from "./chunk-OKSVDTLS.mjs";
import {
  attachReferrer,
  isValidTag
} from "./chunk-JLHAMPB3.mjs";
import {
  Annotation,
  MediaType,
  decodeIndex,
  digestHex,
  isDigest,
  sha256Digest
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  NotFoundError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/promote/copy-results.ts
var TRAVELLING = /* @__PURE__ */ new Set([MediaType.cortexResult, BUNDLE_MEDIA_TYPE]);
async function copyResults(source, destination, subject, options = {}) {
  const { signal } = options;
  const listed = /* @__PURE__ */ __name((target) => target.referrers(subject, signal ? { signal } : {}).then((all) => all.filter((d) => d.artifactType !== void 0 && TRAVELLING.has(d.artifactType))), "listed");
  const [attached, present] = await Promise.all([listed(source), listed(destination)]);
  const known = new Set(present.map((d) => d.digest));
  const missing = attached.filter((d) => !known.has(d.digest));
  for (const descriptor of missing) {
    const fetched = await source.fetchManifest(descriptor, { signal });
    await copyGraph(source, destination, fetched, options);
    await attachReferrer(destination, fetched.descriptor, fetched.bytes, { signal });
  }
  const legacy = await copyLegacySignatures(source, destination, subject, options);
  return { copied: missing.length + legacy, present: attached.length - missing.length };
}
__name(copyResults, "copyResults");
async function copyLegacySignatures(source, destination, subject, options) {
  const tag = legacySignatureTag(subject.digest);
  let fetched;
  try {
    fetched = await source.fetchManifest(tag, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (error instanceof NotFoundError) return 0;
    throw error;
  }
  const stats = await copyGraph(source, destination, fetched, options);
  await destination.tag(fetched.descriptor, tag, options.signal ? { signal: options.signal } : {});
  return stats.manifestsPushed > 0 ? 1 : 0;
}
__name(copyLegacySignatures, "copyLegacySignatures");

// src/promote/history-entry.ts
var HISTORY_ARTIFACT_TYPE = "application/vnd.cortex.model.history.v1+json";
var NS = "io.cortex.model.history";
var HistoryAnnotation = {
  tag: `${NS}.tag`,
  action: `${NS}.action`,
  digest: `${NS}.digest`,
  previous: `${NS}.previous`,
  actor: `${NS}.actor`,
  runUrl: `${NS}.run-url`,
  reason: `${NS}.reason`,
  version: `${NS}.version`,
  source: `${NS}.source`,
  aborts: `${NS}.aborts`,
  role: `${NS}.role`
};
function referenced(descriptor, role) {
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    annotations: { [HistoryAnnotation.role]: role }
  };
}
__name(referenced, "referenced");
function defined(entries) {
  return Object.fromEntries(Object.entries(entries).filter((e) => e[1] !== void 0));
}
__name(defined, "defined");
function encodeHistoryRecord(record) {
  const common = {
    [Annotation.created]: record.time.toISOString(),
    [HistoryAnnotation.tag]: record.tag,
    [HistoryAnnotation.action]: record.action,
    [HistoryAnnotation.reason]: record.reason
  };
  let manifests;
  let annotations;
  if (record.action === "abort") {
    manifests = record.keep ? [referenced(record.keep, "previous")] : [];
    annotations = defined({ ...common, [HistoryAnnotation.aborts]: record.aborts });
  } else {
    const previous = record.previousDescriptor;
    manifests = [referenced(record.descriptor, "digest")];
    if (previous && previous.digest !== record.digest) manifests.push(referenced(previous, "previous"));
    annotations = defined({
      ...common,
      [HistoryAnnotation.digest]: record.digest,
      [HistoryAnnotation.previous]: record.previous,
      [HistoryAnnotation.actor]: record.actor,
      [HistoryAnnotation.runUrl]: record.runUrl,
      [HistoryAnnotation.version]: record.version,
      [HistoryAnnotation.source]: record.source
    });
  }
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    artifactType: HISTORY_ARTIFACT_TYPE,
    manifests,
    annotations
  };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  return { descriptor: { mediaType: MediaType.ociIndex, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}
__name(encodeHistoryRecord, "encodeHistoryRecord");
function optionalDigest(value, id, what) {
  if (value === void 0) return void 0;
  if (!isDigest(value)) throw new HistoryEntryError(`history entry ${id}: ${what} "${value}" is not a sha256 digest`);
  return value;
}
__name(optionalDigest, "optionalDigest");
function historyIndex(id, bytes) {
  let index;
  try {
    index = decodeIndex(bytes, `history entry ${id}`);
  } catch (error) {
    throw new HistoryEntryError(describeError(error), { cause: error });
  }
  if (index.artifactType !== HISTORY_ARTIFACT_TYPE) {
    throw new HistoryEntryError(`history entry ${id} is not a ${HISTORY_ARTIFACT_TYPE} index`);
  }
  return index;
}
__name(historyIndex, "historyIndex");
function decodeHistoryRecord(id, bytes) {
  const index = historyIndex(id, bytes);
  const a = index.annotations ?? {};
  const tag = a[HistoryAnnotation.tag];
  const time = a[Annotation.created];
  const action = a[HistoryAnnotation.action];
  if (!tag || !time) throw new HistoryEntryError(`history entry ${id} lacks its tag or time annotation`);
  const reason = a[HistoryAnnotation.reason];
  if (action === "abort") {
    const aborts = a[HistoryAnnotation.aborts];
    if (!aborts) throw new HistoryEntryError(`history entry ${id}: abort marker names no entry`);
    return { action, id, tag, time, aborts, ...reason === void 0 ? {} : { reason } };
  }
  if (action !== "promote" && action !== "revert") {
    throw new HistoryEntryError(`history entry ${id}: unknown action "${action}"`);
  }
  const digest = optionalDigest(a[HistoryAnnotation.digest], id, "digest");
  const descriptor = index.manifests.find((m) => m.digest === digest);
  if (!digest || !descriptor) throw new HistoryEntryError(`history entry ${id} does not reference its digest`);
  const previous = optionalDigest(a[HistoryAnnotation.previous], id, "previous digest");
  const optional = defined({
    actor: a[HistoryAnnotation.actor],
    runUrl: a[HistoryAnnotation.runUrl],
    reason,
    version: a[HistoryAnnotation.version],
    source: a[HistoryAnnotation.source]
  });
  return {
    action,
    id,
    tag,
    time,
    digest,
    descriptor: { mediaType: descriptor.mediaType, digest, size: descriptor.size },
    ...previous === void 0 ? {} : { previous },
    ...optional
  };
}
__name(decodeHistoryRecord, "decodeHistoryRecord");

// src/promote/history-tag.ts
import { randomBytes } from "node:crypto";
var HISTORY_TAG_PREFIX = "cortex-history";
var TIME_LENGTH = "20261128T023537123Z".length;
var RANDOM_LENGTH = 8;
var MAX_TAG_LENGTH = 128;
var MAX_KEY_LENGTH = MAX_TAG_LENGTH - HISTORY_TAG_PREFIX.length - TIME_LENGTH - RANDOM_LENGTH - 3;
var HASH_LENGTH = 12;
var NAME = new RegExp(`^${HISTORY_TAG_PREFIX}-(.+)-(\\d{8}T\\d{9}Z)-([0-9a-f]{${RANDOM_LENGTH}})$`);
function historyKey(tag) {
  if (tag.length <= MAX_KEY_LENGTH) return tag;
  const hash = digestHex(sha256Digest(tag)).slice(0, HASH_LENGTH);
  return `${tag.slice(0, MAX_KEY_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}
__name(historyKey, "historyKey");
function sortableTime(date) {
  return date.toISOString().replace(/[-:.]/g, "");
}
__name(sortableTime, "sortableTime");
function newHistoryTag(tag, date, random = randomBytes(4).toString("hex")) {
  return `${HISTORY_TAG_PREFIX}-${historyKey(tag)}-${sortableTime(date)}-${random}`;
}
__name(newHistoryTag, "newHistoryTag");
function parseHistoryTag(name) {
  const match = NAME.exec(name);
  if (!match) return void 0;
  const [, key, time, random] = match;
  return { name, key, time, random };
}
__name(parseHistoryTag, "parseHistoryTag");
function isHistoryTag(tag) {
  return tag.startsWith(`${HISTORY_TAG_PREFIX}-`);
}
__name(isHistoryTag, "isHistoryTag");
function historyTagsFor(tag, allTags) {
  const key = historyKey(tag);
  const names = [];
  for (const candidate of allTags) {
    const parsed = parseHistoryTag(candidate);
    if (parsed && parsed.key === key) names.push(parsed);
  }
  return names.sort(newestFirst);
}
__name(historyTagsFor, "historyTagsFor");
function newestFirst(a, b) {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  return a.random < b.random ? 1 : a.random > b.random ? -1 : 0;
}
__name(newestFirst, "newestFirst");

// src/promote/history.ts
var FETCH_CONCURRENCY = 8;
async function listTags(target, signal) {
  try {
    return await target.tags({ signal });
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}
__name(listTags, "listTags");
async function appendHistory(target, record, signal, id = newHistoryTag(record.tag, record.time)) {
  const { descriptor, bytes } = encodeHistoryRecord(record);
  await target.pushManifest(descriptor, bytes, { tag: id, signal });
  return id;
}
__name(appendHistory, "appendHistory");
async function readHistoryRecords(target, tag, options = {}) {
  const allTags = options.allTags ?? await listTags(target, options.signal);
  const names = historyTagsFor(tag, allTags);
  const records = await mapLimit(names, FETCH_CONCURRENCY, async ({ name }) => {
    const { bytes } = await target.fetchManifest(name, { signal: options.signal });
    return decodeHistoryRecord(name, bytes);
  });
  return records.filter((record) => record.tag === tag);
}
__name(readHistoryRecords, "readHistoryRecords");
function effectiveEntries(records) {
  const aborted = new Set(records.flatMap((r) => r.action === "abort" ? [r.aborts] : []));
  return records.filter((r) => r.action !== "abort" && !aborted.has(r.id));
}
__name(effectiveEntries, "effectiveEntries");
async function readHistory(target, tag, options = {}) {
  return effectiveEntries(await readHistoryRecords(target, tag, options));
}
__name(readHistory, "readHistory");
function currentPosition(entries, current) {
  return current === void 0 ? -1 : entries.findIndex((entry) => entry.digest === current);
}
__name(currentPosition, "currentPosition");

// src/promote/move-tag.ts
async function readTag(target, tag, signal) {
  try {
    return { kind: "known", descriptor: await target.resolve(tag, { signal }) };
  } catch (error) {
    return error instanceof NotFoundError ? { kind: "known", descriptor: void 0 } : { kind: "unknown" };
  }
}
__name(readTag, "readTag");
async function recordAndMoveTag(target, manifest, record, signal) {
  const { tag } = record;
  const id = newHistoryTag(tag, record.time);
  const abort = /* @__PURE__ */ __name(async (reason, keep) => {
    const marker = { action: "abort", tag, time: /* @__PURE__ */ new Date(), aborts: id, reason };
    await appendHistory(target, keep ? { ...marker, keep } : marker, signal);
  }, "abort");
  try {
    await appendHistory(target, record, signal, id);
  } catch (error) {
    await abort(`history entry could not be written: ${describeError(error)}`, record.previousDescriptor).catch(
      () => void 0
    );
    throw new TagMoveError(
      `tag ${tag} was not moved: its history entry could not be written: ${describeError(error)}`,
      tag,
      "old",
      { cause: error }
    );
  }
  try {
    await target.pushManifest(manifest.descriptor, manifest.bytes, { tag, signal });
    return id;
  } catch (error) {
    const state = await readTag(target, tag, signal);
    if (state.kind === "known" && state.descriptor?.digest === manifest.descriptor.digest) return id;
    const cause = describeError(error);
    if (state.kind === "unknown") {
      throw new TagMoveError(
        `tag ${tag}: the update failed (${cause}) and the registry could not be asked whether it landed; history entry ${id} records the attempt, run cortex-model history to see where the tag points`,
        tag,
        "unknown",
        { cause: error }
      );
    }
    const where = state.descriptor?.digest ?? "nothing";
    try {
      await abort(`tag update failed: ${cause}`, state.descriptor);
    } catch (markerError) {
      throw new TagMoveError(
        `tag ${tag} was not moved (it still points at ${where}): ${cause}; history entry ${id} could not be marked aborted (${describeError(markerError)}), so history shows it as not current`,
        tag,
        "old",
        { cause: error }
      );
    }
    throw new TagMoveError(`tag ${tag} was not moved (it still points at ${where}): ${cause}`, tag, "old", {
      cause: error
    });
  }
}
__name(recordAndMoveTag, "recordAndMoveTag");

// src/promote/channel-lock.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
var LOCK_TAG_PREFIX = "cortex-lock";
var LOCK_ARTIFACT_TYPE = "application/vnd.cortex.model.release-lock.v1+json";
var NS2 = "io.cortex.model.lock";
var LockAnnotation = {
  channel: `${NS2}.channel`,
  action: `${NS2}.action`,
  claim: `${NS2}.claim`,
  owner: `${NS2}.owner`,
  expires: `${NS2}.expires`
};
var NAME2 = new RegExp(`^${LOCK_TAG_PREFIX}-(.+)-(\\d{8}T\\d{9}Z)-([0-9a-f]{8})$`);
var FETCH_CONCURRENCY2 = 8;
var ChannelLockedError = class extends CortexError {
  static {
    __name(this, "ChannelLockedError");
  }
};
function isLockTag(tag) {
  return tag.startsWith(`${LOCK_TAG_PREFIX}-`);
}
__name(isLockTag, "isLockTag");
function keyOf(channel) {
  return historyKey(`release.${channel}`);
}
__name(keyOf, "keyOf");
async function writeRecord(target, record, now, signal) {
  const id = `${LOCK_TAG_PREFIX}-${keyOf(record.channel)}-${sortableTime(now)}-${randomBytes2(4).toString("hex")}`;
  const annotations = {
    [Annotation.created]: record.created,
    [LockAnnotation.channel]: record.channel,
    [LockAnnotation.action]: record.action,
    ...record.claim ? { [LockAnnotation.claim]: record.claim } : {},
    ...record.owner ? { [LockAnnotation.owner]: record.owner } : {},
    ...record.expires ? { [LockAnnotation.expires]: record.expires } : {}
  };
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    artifactType: LOCK_ARTIFACT_TYPE,
    manifests: [],
    annotations
  };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  const descriptor = { mediaType: MediaType.ociIndex, digest: sha256Digest(bytes), size: bytes.length };
  await target.pushManifest(descriptor, bytes, { tag: id, signal });
  return id;
}
__name(writeRecord, "writeRecord");
function decode(id, bytes) {
  try {
    const index = JSON.parse(new TextDecoder().decode(bytes));
    const a = index.annotations ?? {};
    const action = a[LockAnnotation.action];
    const channel = a[LockAnnotation.channel];
    const created = a[Annotation.created];
    if (index.artifactType !== LOCK_ARTIFACT_TYPE || !channel || !created) return void 0;
    if (action !== "claim" && action !== "withdraw") return void 0;
    const optional = /* @__PURE__ */ __name((name) => a[LockAnnotation[name]], "optional");
    const claim = optional("claim");
    const owner = optional("owner");
    const expires = optional("expires");
    return {
      id,
      action,
      channel,
      created,
      ...claim ? { claim } : {},
      ...owner ? { owner } : {},
      ...expires ? { expires } : {}
    };
  } catch {
    return void 0;
  }
}
__name(decode, "decode");
async function liveClaims(target, channel, now, leaseMs, signal) {
  const key = keyOf(channel);
  const oldest = sortableTime(new Date(now.getTime() - leaseMs));
  const names = (await listTags(target, signal)).filter((tag) => {
    const match = NAME2.exec(tag);
    return match !== null && match[1] === key && match[2] >= oldest;
  });
  const records = await mapLimit(names, FETCH_CONCURRENCY2, async (name) => {
    try {
      const { bytes } = await target.fetchManifest(name, { signal });
      return decode(name, bytes);
    } catch (error) {
      if (error instanceof NotFoundError) return void 0;
      throw error;
    }
  });
  const mine = records.filter((r) => r !== void 0 && r.channel === channel);
  const withdrawn = new Set(mine.flatMap((r) => r.action === "withdraw" && r.claim ? [r.claim] : []));
  const at = now.toISOString();
  return mine.filter((r) => r.action === "claim" && !withdrawn.has(r.id) && (r.expires ?? "") > at).sort((a, b) => a.id < b.id ? -1 : 1).map((r) => ({ id: r.id, time: r.created, expires: r.expires ?? "", ...r.owner ? { owner: r.owner } : {} }));
}
__name(liveClaims, "liveClaims");
function describeHolder(channel, holder) {
  return `another release of channel ${channel} is under way (${holder.owner ? `by ${holder.owner}, ` : ""}since ${holder.time}, claim ${holder.id}, expires ${holder.expires})`;
}
__name(describeHolder, "describeHolder");
var ChannelLock = class {
  constructor(target, channel, options) {
    this.target = target;
    this.channel = channel;
    this.options = options;
    this.now = options.now ?? (() => /* @__PURE__ */ new Date());
    this.leaseMs = options.leaseMs ?? 60 * 6e4;
    this.signal = options.signal;
  }
  target;
  channel;
  options;
  static {
    __name(this, "ChannelLock");
  }
  now;
  leaseMs;
  signal;
  holders() {
    return liveClaims(this.target, this.channel, this.now(), this.leaseMs, this.signal);
  }
  /**
   * Writes a claim, then lists again: the claim's id when no other live claim showed up meanwhile, else the
   * claim withdrawn and the others returned.
   */
  async claim() {
    const time = this.now();
    const record = {
      action: "claim",
      channel: this.channel,
      created: time.toISOString(),
      expires: new Date(time.getTime() + this.leaseMs).toISOString(),
      ...this.options.owner ? { owner: this.options.owner } : {}
    };
    const claim = await writeRecord(this.target, record, time, this.signal);
    const others = (await this.holders()).filter((c) => c.id !== claim);
    if (others.length === 0) return { claim };
    await this.withdraw(claim);
    return { others };
  }
  async withdraw(claim) {
    const record = { action: "withdraw", channel: this.channel, claim, created: this.now().toISOString() };
    await writeRecord(this.target, record, this.now(), this.signal);
  }
  /** Runs `fn` under the claim and withdraws it however `fn` ends. */
  async holding(claim, fn) {
    let result;
    try {
      result = await fn();
    } catch (error) {
      await this.withdraw(claim).catch(() => void 0);
      throw error;
    }
    await this.withdraw(claim);
    return result;
  }
};
async function withChannelLock(target, channel, fn, options = {}) {
  const lock = new ChannelLock(target, channel, options);
  const waitMs = options.waitMs ?? 15 * 6e4;
  const started = Date.now();
  let pause = 200;
  for (; ; ) {
    options.signal?.throwIfAborted();
    let holders = await lock.holders();
    if (holders.length === 0) {
      const claimed = await lock.claim();
      if ("claim" in claimed) return lock.holding(claimed.claim, fn);
      holders = claimed.others;
    }
    const holder = holders[0];
    if (Date.now() - started > waitMs) throw new ChannelLockedError(describeHolder(channel, holder));
    options.onWait?.(holder);
    await sleep(pause + Math.random() * pause, void 0, { signal: options.signal });
    pause = Math.min(pause * 2, 5e3);
  }
}
__name(withChannelLock, "withChannelLock");

// src/promote/semver.ts
var FULL = /^(v?)(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
function parseVersionTag(tag) {
  const match = FULL.exec(tag);
  if (!match) return void 0;
  const [, prefix, major, minor, patch, prerelease] = match;
  return {
    tag,
    prefix: prefix === "v" ? "v" : "",
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: prerelease ? prerelease.split(".") : []
  };
}
__name(parseVersionTag, "parseVersionTag");
function compareIdentifiers(a, b) {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return Math.sign(Number(a) - Number(b));
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
__name(compareIdentifiers, "compareIdentifiers");
function compareVersions(a, b) {
  const core = Math.sign(a.major - b.major) || Math.sign(a.minor - b.minor) || Math.sign(a.patch - b.patch);
  if (core !== 0) return core;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const order = compareIdentifiers(a.prerelease[i], b.prerelease[i]);
    if (order !== 0) return order;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}
__name(compareVersions, "compareVersions");
function aliasTags(version) {
  if (version.prerelease.length > 0) return [];
  const { prefix, major, minor } = version;
  const release = /* @__PURE__ */ __name((v) => v.prerelease.length === 0 && v.prefix === prefix && v.major === major, "release");
  return [
    { tag: `${prefix}${major}.${minor}`, covers: /* @__PURE__ */ __name((v) => release(v) && v.minor === minor, "covers") },
    { tag: `${prefix}${major}`, covers: release }
  ];
}
__name(aliasTags, "aliasTags");
function highestCovered(alias, tags) {
  let highest;
  for (const tag of tags) {
    const version = parseVersionTag(tag);
    if (version && alias.covers(version) && (!highest || compareVersions(version, highest) > 0)) highest = version;
  }
  return highest;
}
__name(highestCovered, "highestCovered");

// src/promote/plan.ts
function reservedReason(tag) {
  if (isHistoryTag(tag)) return "it is reserved for history entries";
  if (isLockTag(tag)) return "it is reserved for release locks";
  if (/^sha256-[0-9a-f]{64}/.test(tag)) return "it is the referrers fallback tag schema";
  return void 0;
}
__name(reservedReason, "reservedReason");
function planTags(requested, semverAliases) {
  const tags = [...new Set(requested.map((t) => t.trim()).filter((t) => t !== ""))];
  if (tags.length === 0)
    throw new PromoteUsageError("no tag to promote to: name at least one (the tags to point at the digest)");
  for (const tag of tags) checkRequestedTag(tag);
  const planned = tags.map((tag) => {
    const version = parseVersionTag(tag);
    return version ? { kind: "explicit", tag, version } : { kind: "explicit", tag };
  });
  if (!semverAliases) return planned;
  const versions = planned.flatMap((p) => p.version ? [p.version] : []);
  if (versions.length === 0) {
    throw new PromoteUsageError(`semver-aliases needs a version tag such as v1.4.2 among: ${tags.join(", ")}`);
  }
  for (const [tag, { version, alias }] of highestAliases(versions, tags)) {
    planned.push({ kind: "alias", tag, version, alias });
  }
  return planned;
}
__name(planTags, "planTags");
function checkRequestedTag(tag) {
  if (!isValidTag(tag)) {
    throw new PromoteUsageError(
      `invalid tag "${tag}": a tag is 1-128 characters of letters, digits, _ . - and does not start with . or -`
    );
  }
  const reserved = reservedReason(tag);
  if (reserved) throw new PromoteUsageError(`tag "${tag}" cannot be promoted to: ${reserved}`);
}
__name(checkRequestedTag, "checkRequestedTag");
function highestAliases(versions, explicit) {
  const aliases = /* @__PURE__ */ new Map();
  for (const version of versions) {
    for (const alias of aliasTags(version)) {
      const known = aliases.get(alias.tag);
      if (!explicit.includes(alias.tag) && (!known || compareVersions(version, known.version) > 0)) {
        aliases.set(alias.tag, { version, alias });
      }
    }
  }
  return aliases;
}
__name(highestAliases, "highestAliases");
function aliasHoldReason(planned, recordedVersion, allTags) {
  const recorded = recordedVersion === void 0 ? void 0 : parseVersionTag(recordedVersion);
  const current = recorded ?? highestCovered(planned.alias, allTags);
  if (current && compareVersions(planned.version, current) < 0) {
    return `${planned.tag} stays at ${current.tag}, which is newer than ${planned.version.tag}`;
  }
  return void 0;
}
__name(aliasHoldReason, "aliasHoldReason");

// src/promote/signed-results.ts
var KIND_OF = new Map(
  Object.entries(ATTESTED_KINDS).map(([kind, predicateType]) => [predicateType, kind])
);
function signedResults(evidence) {
  return evidence.verified.flatMap((v) => {
    const kind = KIND_OF.get(v.statement.predicateType);
    if (kind === void 0) return [];
    const passed = statementPassed(v.statement);
    const verdict = v.statement.predicate.verdict;
    if (kind !== "bench" || typeof verdict !== "string") return [{ descriptor: v.referrer, kind, passed }];
    const overridden = verdict !== "regression" !== passed;
    return [
      {
        descriptor: v.referrer,
        kind,
        passed,
        verdict,
        ...overridden ? { override: passed ? "passed" : "failed" } : {}
      }
    ];
  });
}
__name(signedResults, "signedResults");

// src/promote/promote.ts
async function resolveOrNone(target, tag, signal) {
  try {
    return await target.resolve(tag, { signal });
  } catch (error) {
    if (error instanceof NotFoundError) return void 0;
    throw error;
  }
}
__name(resolveOrNone, "resolveOrNone");
async function fetchSource(options) {
  try {
    return await options.source.fetchManifest(options.digest, { signal: options.signal });
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new PromotionRefusedError(`${options.digest} is not in ${options.source.name}: nothing to promote`, {
        cause: error
      });
    }
    throw error;
  }
}
__name(fetchSource, "fetchSource");
async function checkPolicy(options, subject) {
  const required = options.require ?? [];
  if (options.trust) return checkSigned(options, options.trust, subject, required);
  if (required.length === 0) return void 0;
  const results = await listResults(options.source, subject, options.signal);
  const verdict = evaluatePolicy(required, results);
  if (!verdict.satisfied) {
    throw new PromotionRefusedError(`${describeVerdict(verdict, options.digest, results)}; nothing was promoted`);
  }
  return void 0;
}
__name(checkPolicy, "checkPolicy");
async function checkSigned(options, trust, subject, required) {
  let signed;
  try {
    signed = await requireSignature(options.source, subject, trust, options.signal);
  } catch (error) {
    if (error instanceof SignatureError) {
      throw new PromotionRefusedError(`${error.message}; nothing was promoted`, { cause: error });
    }
    throw error;
  }
  const results = signedResults(signed.evidence);
  const verdict = evaluatePolicy(required, results);
  if (!verdict.satisfied) {
    const line = describeVerdict(verdict, options.digest, results, "signed");
    throw new PromotionRefusedError(`${line}; nothing was promoted`);
  }
  return signed.signers.map(describeSigner);
}
__name(checkSigned, "checkSigned");
async function planMoves(options, planned) {
  const { destination, signal } = options;
  const allTags = planned.some((p) => p.kind === "alias") ? await listTags(destination, signal) : [];
  const plans = [];
  for (const p of planned) {
    const previous = await resolveOrNone(destination, p.tag, signal);
    if (p.kind !== "alias" || previous?.digest === options.digest) {
      plans.push({ planned: p, previous });
      continue;
    }
    const history = previous ? await readHistory(destination, p.tag, { allTags, signal }) : [];
    const recorded = history[currentPosition(history, previous?.digest)]?.version;
    const hold = aliasHoldReason(p, recorded, allTags);
    plans.push(hold ? { planned: p, previous, hold } : { planned: p, previous });
  }
  return plans;
}
__name(planMoves, "planMoves");
async function promote(options) {
  const planned = planTags(options.tags, options.semverAliases ?? false);
  const manifest = await fetchSource(options);
  const signers = await checkPolicy(options, manifest.descriptor);
  const plans = await planMoves(options, planned);
  const base = {
    source: options.source.name,
    destination: options.destination.name,
    digest: options.digest,
    dryRun: options.dryRun ?? false,
    ...signers ? { signedBy: signers } : {}
  };
  if (options.dryRun) {
    return { ...base, tags: plans.map((plan) => tagOutcome(plan, options.digest, tagMoves(plan, options.digest))) };
  }
  const mount = sameRegistryMount(options.source, options.destination);
  const copyOptions = { ...mount ? { mount } : {}, signal: options.signal };
  const copy = await copyGraph(options.source, options.destination, manifest, copyOptions);
  const results = options.source === options.destination ? void 0 : await copyResults(options.source, options.destination, manifest.descriptor, copyOptions);
  const signature = options.sign ? await signPromoted(options, options.sign, manifest) : void 0;
  const outcomes = await moveTags(options, manifest, plans);
  return { ...base, tags: outcomes, copy, ...results ? { results } : {}, ...signature ? { signature } : {} };
}
__name(promote, "promote");
function signPromoted(options, sign, manifest) {
  return signDigest(options.destination, manifest.descriptor, options.destination.name, sign.identity, {
    ...sign.legacy === false ? { legacy: false } : {},
    signal: options.signal
  });
}
__name(signPromoted, "signPromoted");
async function moveTags(options, manifest, plans) {
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const outcomes = [];
  for (const plan of plans) {
    if (!tagMoves(plan, options.digest)) {
      outcomes.push(tagOutcome(plan, options.digest, false));
      continue;
    }
    try {
      const record = promotionRecord(options, manifest, plan, now());
      const entry = await recordAndMoveTag(options.destination, manifest, record, options.signal);
      outcomes.push(tagOutcome(plan, options.digest, true, entry));
    } catch (error) {
      throw withMovedTags(error, outcomes);
    }
  }
  return outcomes;
}
__name(moveTags, "moveTags");
function tagMoves(plan, digest) {
  return !plan.hold && plan.previous?.digest !== digest;
}
__name(tagMoves, "tagMoves");
function tagOutcome(plan, digest, changed, entry) {
  return {
    tag: plan.planned.tag,
    previous: plan.previous?.digest ?? null,
    digest: changed || !plan.hold ? digest : plan.previous?.digest ?? digest,
    changed,
    alias: plan.planned.kind === "alias",
    ...plan.hold ? { note: plan.hold } : {},
    ...entry ? { entry } : {}
  };
}
__name(tagOutcome, "tagOutcome");
function promotionRecord(options, manifest, plan, time) {
  const { previous } = plan;
  const { version } = plan.planned;
  return {
    action: "promote",
    tag: plan.planned.tag,
    time,
    digest: options.digest,
    descriptor: manifest.descriptor,
    ...previous ? { previous: previous.digest, previousDescriptor: previous } : {},
    ...version ? { version: version.tag } : {},
    source: `${options.source.name}@${options.digest}`,
    ...provenance(options)
  };
}
__name(promotionRecord, "promotionRecord");
function withMovedTags(error, outcomes) {
  const moved = outcomes.filter((o) => o.changed).map((o) => o.tag);
  if (!(error instanceof TagMoveError) || moved.length === 0) return error;
  return new TagMoveError(`${error.message}; already moved: ${moved.join(", ")}`, error.tag, error.state, {
    cause: error
  });
}
__name(withMovedTags, "withMovedTags");
function provenance(options) {
  return {
    ...options.actor ? { actor: options.actor } : {},
    ...options.runUrl ? { runUrl: options.runUrl } : {},
    ...options.reason ? { reason: options.reason } : {}
  };
}
__name(provenance, "provenance");

export {
  readHistory,
  currentPosition,
  recordAndMoveTag,
  withChannelLock,
  planTags,
  resolveOrNone,
  promote,
  provenance
};
