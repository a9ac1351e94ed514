import path from "node:path";
import { BOUNDS, describeBounds, withinBounds } from "./bounds.js";
import { type Digest, parseDigest } from "./digest.js";
import { InvalidReferenceError } from "./errors.js";

/**
 * Model references. Three spellings name a model:
 *   [registry/][namespace/]name[:tag][@sha256:<hex>]   any OCI registry, Docker Hub defaults
 *   ollama://name[:tag]                                 Ollama's registry, namespace `library`
 *   oci:<dir>[:tag] | oci:<dir>@sha256:<hex>            a local OCI image layout directory
 */
export type Reference = RegistryReference | LayoutReference;

export interface RegistryReference {
  readonly kind: "registry";
  /** Registry as people write it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** Repository path inside the registry (`library/ubuntu`, `ai/smollm2`). */
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: Digest | undefined;
}

export interface LayoutReference {
  readonly kind: "layout";
  /** Absolute path of the layout directory. */
  readonly path: string;
  readonly tag?: string | undefined;
  readonly digest?: Digest | undefined;
}

export const DOCKER_HUB = "docker.io";
export const DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
export const OLLAMA_REGISTRY = "registry.ollama.ai";
export const DEFAULT_TAG = "latest";

const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:.]+\](?::[0-9]+)?$/;

/** Parses any of the three spellings; the error names the offending part. */
export function parseReference(input: string): Reference {
  const value = input.trim();
  if (value === "") throw new InvalidReferenceError("empty model reference");
  if (value.startsWith("oci:")) return parseLayoutReference(value);
  if (hasUserInfo(value)) {
    // Not quoted: the text before such an "@" is a password as often as not.
    throw new InvalidReferenceError(
      'invalid reference: an "@" must introduce a digest (sha256:<64 hex>); user info (user:password@host) is refused and not shown: credentials go to docker login (the docker config, or the one DOCKER_CONFIG names) or the action\'s registry-username and registry-password inputs',
    );
  }
  if (value.startsWith("ollama://")) return parseOllamaReference(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": unknown scheme "${value.split(":")[0]}" (use ollama:// or oci:)`,
    );
  }
  return parseRegistryReference(value, input);
}

const DIGEST_START = /^(?:sha256|sha384|sha512|blake3):/;

/** An "@" that does not introduce a digest: `user:password@host/repo`, also after a scheme. */
function hasUserInfo(value: string): boolean {
  const at = value.indexOf("@");
  return at >= 0 && !DIGEST_START.test(value.slice(at + 1));
}

function splitDigest(value: string, input: string): { rest: string; digest?: Digest } {
  const at = value.indexOf("@");
  if (at < 0) return { rest: value };
  const digestPart = value.slice(at + 1);
  try {
    return { rest: value.slice(0, at), digest: parseDigest(digestPart) };
  } catch (error) {
    throw new InvalidReferenceError(`invalid reference "${input}": ${(error as Error).message}`, { cause: error });
  }
}

/** True for a valid OCI tag: 1-128 characters of letters, digits, _ . - not starting with . or -. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

function checkTag(tag: string, input: string): string {
  if (!isValidTag(tag)) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": tag "${tag}" must be 1-128 characters of letters, digits, _ . - and not start with . or -`,
    );
  }
  return tag;
}

function parseRegistryReference(value: string, input: string): RegistryReference {
  const { rest, digest } = splitDigest(value, input);
  const { registry, path } = splitRegistry(rest, input);
  let remainder = path;
  let tag: string | undefined;
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

/** The registry host (Docker Hub when the first component is not a host) and the path after it. */
function splitRegistry(rest: string, input: string): { registry: string; path: string } {
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasDomain =
    slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || /^\[/.test(first));
  if (!hasDomain) return { registry: DOCKER_HUB, path: rest };
  if (!DOMAIN.test(first)) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": registry host "${first}" is not a valid host[:port]`,
    );
  }
  const port = /:(\d+)$/.exec(first)?.[1];
  if (port !== undefined && (!withinBounds(Number(port), BOUNDS.port) || port.startsWith("0"))) {
    throw new InvalidReferenceError(
      `invalid reference "${input}": the port of registry host "${first}" must be ${describeBounds(BOUNDS.port)} without leading zeros`,
    );
  }
  const registry = first === "index.docker.io" || first === DOCKER_HUB_ENDPOINT ? DOCKER_HUB : first;
  return { registry, path: rest.slice(slash + 1) };
}

function checkRepository(repository: string, input: string): void {
  if (repository === "") throw new InvalidReferenceError(`invalid reference "${input}": repository name is empty`);
  for (const component of repository.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        `invalid reference "${input}": repository component "${component}" must be lowercase letters and digits separated by . _ __ or -`,
      );
    }
  }
  if (repository.length > 255)
    throw new InvalidReferenceError(`invalid reference "${input}": repository name is longer than 255 characters`);
}

function parseOllamaReference(value: string): RegistryReference {
  const name = value.slice("ollama://".length);
  if (name.startsWith(`${OLLAMA_REGISTRY}/`)) return parseRegistryReference(name, value);
  const parsed = parseRegistryReference(`${OLLAMA_REGISTRY}/${name}`, value);
  return parsed;
}

function parseLayoutReference(value: string): LayoutReference {
  return parseLayoutReferenceFor(value, path);
}

/**
 * An `oci:` reference with the path rules of a given platform (`path.win32` for a Windows runner's
 * `oci:D:\a\_temp\models:v1`), so each is tested on any machine. A tag follows the first colon after the last
 * separator of either kind: `oci:/a/b:v1` and `oci:C:\x` both work, and so do the mixed separators a shell
 * writes on Windows (`$RUNNER_TEMP/models`).
 */
export function parseLayoutReferenceFor(value: string, paths: path.PlatformPath): LayoutReference {
  const body = value.slice("oci:".length);
  const { rest, digest } = splitDigest(body, value);
  const lastSep = Math.max(rest.lastIndexOf("/"), rest.lastIndexOf("\\"));
  const colon = rest.indexOf(":", lastSep + 1);
  const dir = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? checkTag(rest.slice(colon + 1), value) : undefined;
  if (dir === "") throw new InvalidReferenceError(`invalid reference "${value}": the layout directory is empty`);
  return withVersion({ kind: "layout", path: paths.resolve(dir) }, tag, digest);
}

function withVersion<T extends Reference>(base: T, tag: string | undefined, digest: Digest | undefined): T {
  return {
    ...base,
    tag,
    digest,
  };
}

/** What to ask the target for: the digest when pinned, else the tag (default `latest`). */
export function referenceVersion(ref: Reference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/** True when the reference names exactly one manifest, whatever any tag says. */
export function isPinned(ref: Reference): ref is Reference & { digest: Digest } {
  return ref.digest !== undefined;
}

/** Host to send registry API requests to (Docker Hub's API lives on another host than its name). */
export function registryEndpoint(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry;
}

/** Canonical spelling; parseReference(formatReference(r)) equals r. */
export function formatReference(ref: Reference): string {
  const version = `${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
  if (ref.kind === "layout") return `oci:${ref.path}${version}`;
  return `${ref.registry}/${ref.repository}${version}`;
}

/** The same repository, pinned to a digest (the tag is kept only as a label). */
export function pinReference<T extends Reference>(ref: T, digest: Digest): T & { digest: Digest } {
  return { ...ref, digest };
}
