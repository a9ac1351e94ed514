import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  BOUNDS,
  MediaType,
  decodeIndex,
  decodeManifest,
  describeBounds,
  digestHex,
  isManifestMediaType,
  parseDigest,
  sha256Digest,
  withinBounds
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  FormatError,
  InvalidReferenceError,
  NotFoundError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/http/retry.ts
import { setTimeout as sleep } from "node:timers/promises";
var DEFAULT_RETRY_POLICY = {
  attempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 1e4,
  maxRetryAfterMs: 6e4
};
function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500 && status !== 501 && status !== 505;
}
__name(isRetryableStatus, "isRetryableStatus");
function parseRetryAfter(value, now = Date.now()) {
  if (value === void 0) return void 0;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1e3;
  if (!/[a-z]/i.test(text)) return void 0;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return void 0;
  return Math.max(0, date - now);
}
__name(parseRetryAfter, "parseRetryAfter");
function backoffDelay(retry, policy, random = Math.random) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
__name(backoffDelay, "backoffDelay");
var RETRYABLE_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE"
]);
function isRetryableNetworkError(error) {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = current.code;
    if (typeof code === "string" && RETRYABLE_CODES.has(code)) return true;
    if (current.name === "TransientTransferError") return true;
    current = current.cause;
  }
  return false;
}
__name(isRetryableNetworkError, "isRetryableNetworkError");
function networkError(message, code, cause) {
  return Object.assign(new Error(message, cause === void 0 ? {} : { cause }), { code });
}
__name(networkError, "networkError");
var TransientTransferError = class extends Error {
  static {
    __name(this, "TransientTransferError");
  }
  name = "TransientTransferError";
};
async function wait(ms, signal) {
  if (ms <= 0) {
    signal?.throwIfAborted();
    return;
  }
  await sleep(ms, void 0, signal ? { signal } : void 0);
}
__name(wait, "wait");
var RetryLater = class extends Error {
  constructor(finalError, retryAfterMs) {
    super(finalError.message);
    this.finalError = finalError;
    this.retryAfterMs = retryAfterMs;
  }
  finalError;
  retryAfterMs;
  static {
    __name(this, "RetryLater");
  }
  name = "RetryLater";
};
function statusFailure(response, error) {
  if (!isRetryableStatus(response.status)) return error;
  return new RetryLater(error, parseRetryAfter(response.header("retry-after")));
}
__name(statusFailure, "statusFailure");
async function withRetries(policy, signal, attempt) {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      await wait(retryDelay(policy, n, error), signal);
    }
  }
}
__name(withRetries, "withRetries");
function retryDelay(policy, n, error) {
  const later = error instanceof RetryLater ? error : void 0;
  if (!later && !isRetryableNetworkError(error)) throw error;
  const last = n + 1 >= policy.attempts;
  const tooLong = later?.retryAfterMs !== void 0 && later.retryAfterMs > policy.maxRetryAfterMs;
  if (last || tooLong) throw later ? later.finalError : error;
  return later?.retryAfterMs ?? backoffDelay(n, policy);
}
__name(retryDelay, "retryDelay");

// src/registry/manifest.ts
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
async function readLimited(body, limit, what) {
  const chunks = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw new FormatError(`${what} is larger than ${limit} bytes: refused`);
    }
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}
__name(readLimited, "readLimited");
function withoutParameters(contentType) {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
__name(withoutParameters, "withoutParameters");
function manifestMediaType(contentType, bytes, expected) {
  const announced = withoutParameters(contentType);
  if (isManifestMediaType(announced)) return announced;
  let document;
  try {
    document = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new FormatError(`manifest is not JSON (Content-Type "${announced || "none"}"): cannot tell its media type`);
  }
  if (typeof document.mediaType === "string") {
    if (isManifestMediaType(document.mediaType)) return document.mediaType;
    throw new FormatError(`unknown manifest media type "${document.mediaType}"`);
  }
  if (expected && isManifestMediaType(expected)) return expected;
  if (Array.isArray(document.manifests)) return MediaType.ociIndex;
  if (document.config !== void 0 && Array.isArray(document.layers)) return MediaType.ociManifest;
  throw new FormatError(
    `manifest has no media type (Content-Type "${announced || "none"}", no mediaType field) and is neither a manifest nor an index`
  );
}
__name(manifestMediaType, "manifestMediaType");
function manifestArtifactType(bytes) {
  try {
    const document = JSON.parse(Buffer.from(bytes).toString("utf8"));
    if (typeof document.artifactType === "string") return document.artifactType;
    const config = document.config?.mediaType;
    return typeof config === "string" && config !== MediaType.ociEmpty ? config : void 0;
  } catch {
    return void 0;
  }
}
__name(manifestArtifactType, "manifestArtifactType");

// src/registry/referrers.ts
var ATTACH_WRITES = 8;
var ATTACH_CONFIRMATIONS = 3;
var ATTACH_RECHECK_MS = 100;
var ATTACH_RECHECK_ROUND_TRIPS = 3;
function referrersTag(subject) {
  return `sha256-${digestHex(subject)}`;
}
__name(referrersTag, "referrersTag");
async function listReferrers(source, subject, options = {}) {
  const listed = await source.referrersApi?.(subject, options) ?? (await fallbackIndex(source, subject, options)).manifests;
  return options.artifactType ? listed.filter((d) => d.artifactType === options.artifactType) : [...listed];
}
__name(listReferrers, "listReferrers");
async function fallbackIndex(source, subject, options) {
  try {
    const { bytes } = await source.fetchManifest(referrersTag(subject.digest), options);
    return decodeIndex(bytes, `the referrers index at tag ${referrersTag(subject.digest)}`);
  } catch (error) {
    if (error instanceof NotFoundError) return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
    throw error;
  }
}
__name(fallbackIndex, "fallbackIndex");
async function attachReferrer(target, descriptor, bytes, options = {}) {
  const manifest = decodeManifest(bytes, `referrer ${descriptor.digest}`);
  const document = manifest.kind === "index" ? manifest.index : manifest.manifest;
  const subject = document.subject;
  if (!subject?.digest) throw new CortexError(`referrer ${descriptor.digest} has no subject: nothing to attach it to`);
  await target.pushManifest(descriptor, bytes, options);
  if (await target.referrersApi?.(subject, options) !== void 0) return;
  const artifactType = manifestArtifactType(bytes);
  const entry = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...artifactType ? { artifactType } : {},
    ...document.annotations ? { annotations: document.annotations } : {}
  };
  let seen = 0;
  let roundTripMs = 0;
  for (let writes = 0; seen < ATTACH_CONFIRMATIONS; ) {
    const readAt = performance.now();
    const index = await fallbackIndex(target, subject, options);
    if (index.manifests.some((d) => d.digest === descriptor.digest)) {
      seen++;
      const pause = Math.max(ATTACH_RECHECK_MS, ATTACH_RECHECK_ROUND_TRIPS * roundTripMs);
      if (seen < ATTACH_CONFIRMATIONS) await wait(pause * (1 + Math.random() / 2), options.signal);
      continue;
    }
    if (writes >= ATTACH_WRITES) {
      throw new CortexError(
        `${target.name}: referrer ${descriptor.digest} kept disappearing from the fallback index at tag ${referrersTag(subject.digest)}: other writers replace it`
      );
    }
    seen = 0;
    const updated = {
      ...index,
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [...index.manifests, entry]
    };
    const updatedBytes = new Uint8Array(Buffer.from(JSON.stringify(updated)));
    const updatedDescriptor = {
      mediaType: MediaType.ociIndex,
      digest: sha256Digest(updatedBytes),
      size: updatedBytes.length
    };
    await target.pushManifest(updatedDescriptor, updatedBytes, { ...options, tag: referrersTag(subject.digest) });
    roundTripMs = performance.now() - readAt;
    writes++;
  }
}
__name(attachReferrer, "attachReferrer");

// src/core/ref.ts
import path from "node:path";
var DOCKER_HUB = "docker.io";
var DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
var OLLAMA_REGISTRY = "registry.ollama.ai";
var DEFAULT_TAG = "latest";
var TAG = /^[\w][\w.-]{0,127}$/;
var PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:.]+\](?::[0-9]+)?$/;
function parseReference(input) {
  const value = input.trim();
  if (value === "") throw new InvalidReferenceError("empty model reference");
  if (value.startsWith("oci:")) return parseLayoutReference(value);
  if (hasUserInfo(value)) {
    throw new InvalidReferenceError(
      `invalid reference: an "@" must introduce a digest (sha256:<64 hex>); user info (user:password@host) is refused and not shown: credentials go to docker login (the docker config, or the one DOCKER_CONFIG names) or the action's registry-username and registry-password inputs`
    );
  }
  if (value.startsWith("ollama://")) return parseOllamaReference(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": unknown scheme "${value.split(":")[0]}" (use ollama:// or oci:)`
    );
  }
  return parseRegistryReference(value, input);
}
__name(parseReference, "parseReference");
var DIGEST_START = /^(?:sha256|sha384|sha512|blake3):/;
function hasUserInfo(value) {
  const at = value.indexOf("@");
  return at >= 0 && !DIGEST_START.test(value.slice(at + 1));
}
__name(hasUserInfo, "hasUserInfo");
function splitDigest(value, input) {
  const at = value.indexOf("@");
  if (at < 0) return { rest: value };
  const digestPart = value.slice(at + 1);
  try {
    return { rest: value.slice(0, at), digest: parseDigest(digestPart) };
  } catch (error) {
    throw new InvalidReferenceError(`invalid reference "${input}": ${error.message}`, { cause: error });
  }
}
__name(splitDigest, "splitDigest");
function isValidTag(tag) {
  return TAG.test(tag);
}
__name(isValidTag, "isValidTag");
function checkTag(tag, input) {
  if (!isValidTag(tag)) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": tag "${tag}" must be 1-128 characters of letters, digits, _ . - and not start with . or -`
    );
  }
  return tag;
}
__name(checkTag, "checkTag");
function parseRegistryReference(value, input) {
  const { rest, digest } = splitDigest(value, input);
  const { registry, path: path2 } = splitRegistry(rest, input);
  let remainder = path2;
  let tag;
  const colon = remainder.lastIndexOf(":");
  if (colon >= 0) {
    tag = checkTag(remainder.slice(colon + 1), input);
    remainder = remainder.slice(0, colon);
  }
  checkRepository(remainder, input);
  const defaultNamespace = registry === DOCKER_HUB || registry === OLLAMA_REGISTRY;
  const repository = defaultNamespace && !remainder.includes("/") ? `library/${remainder}` : remainder;
  return withVersion({ kind: "registry", registry, repository }, tag, digest);
}
__name(parseRegistryReference, "parseRegistryReference");
function splitRegistry(rest, input) {
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || /^\[/.test(first));
  if (!hasDomain) return { registry: DOCKER_HUB, path: rest };
  if (!DOMAIN.test(first)) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": registry host "${first}" is not a valid host[:port]`
    );
  }
  const port = /:(\d+)$/.exec(first)?.[1];
  if (port !== void 0 && (!withinBounds(Number(port), BOUNDS.port) || port.startsWith("0"))) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": the port of registry host "${first}" must be ${describeBounds(BOUNDS.port)} without leading zeros`
    );
  }
  const registry = first === "index.docker.io" || first === DOCKER_HUB_ENDPOINT ? DOCKER_HUB : first;
  return { registry, path: rest.slice(slash + 1) };
}
__name(splitRegistry, "splitRegistry");
function checkRepository(repository, input) {
  if (repository === "") throw new InvalidReferenceError(`invalid reference "${input}": repository name is empty`);
  for (const component of repository.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        `invalid reference "${input}": repository component "${component}" must be lowercase letters and digits separated by . _ __ or -`
      );
    }
  }
  if (repository.length > 255)
    throw new InvalidReferenceError(`invalid reference "${input}": repository name is longer than 255 characters`);
}
__name(checkRepository, "checkRepository");
function parseOllamaReference(value) {
  const name = value.slice("ollama://".length);
  if (name.startsWith(`${OLLAMA_REGISTRY}/`)) return parseRegistryReference(name, value);
  const parsed = parseRegistryReference(`${OLLAMA_REGISTRY}/${name}`, value);
  return parsed;
}
__name(parseOllamaReference, "parseOllamaReference");
function parseLayoutReference(value) {
  return parseLayoutReferenceFor(value, path);
}
__name(parseLayoutReference, "parseLayoutReference");
function parseLayoutReferenceFor(value, paths) {
  const body = value.slice("oci:".length);
  const { rest, digest } = splitDigest(body, value);
  const lastSep = Math.max(rest.lastIndexOf("/"), rest.lastIndexOf("\\"));
  const colon = rest.indexOf(":", lastSep + 1);
  const dir = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? checkTag(rest.slice(colon + 1), value) : void 0;
  if (dir === "") throw new InvalidReferenceError(`invalid reference "${value}": the layout directory is empty`);
  return withVersion({ kind: "layout", path: paths.resolve(dir) }, tag, digest);
}
__name(parseLayoutReferenceFor, "parseLayoutReferenceFor");
function withVersion(base, tag, digest) {
  return {
    ...base,
    tag,
    digest
  };
}
__name(withVersion, "withVersion");
function referenceVersion(ref) {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}
__name(referenceVersion, "referenceVersion");
function isPinned(ref) {
  return ref.digest !== void 0;
}
__name(isPinned, "isPinned");
function registryEndpoint(registry) {
  return registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry;
}
__name(registryEndpoint, "registryEndpoint");
function formatReference(ref) {
  const version = `${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
  if (ref.kind === "layout") return `oci:${ref.path}${version}`;
  return `${ref.registry}/${ref.repository}${version}`;
}
__name(formatReference, "formatReference");
function pinReference(ref, digest) {
  return { ...ref, digest };
}
__name(pinReference, "pinReference");

export {
  DOCKER_HUB,
  DOCKER_HUB_ENDPOINT,
  OLLAMA_REGISTRY,
  parseReference,
  isValidTag,
  referenceVersion,
  isPinned,
  registryEndpoint,
  formatReference,
  pinReference,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  backoffDelay,
  isRetryableNetworkError,
  networkError,
  TransientTransferError,
  wait,
  RetryLater,
  statusFailure,
  withRetries,
  MAX_MANIFEST_BYTES,
  readLimited,
  manifestMediaType,
  referrersTag,
  listReferrers,
  attachReferrer
};
