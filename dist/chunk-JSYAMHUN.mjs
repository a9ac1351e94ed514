import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/core/bounds.ts
var MiB = 1024 * 1024;
var GiB = 1024 * MiB;
var whole = /* @__PURE__ */ __name((min, max) => ({ min, max, integer: true }), "whole");
var BOUNDS = {
  /**
   * Bytes per ranged part of a pull: below 1 MiB a large blob becomes so many requests that the pull
   * crawls (1 byte per request never ends); above 1 GiB one part holds up a resume for too long.
   */
  partSize: { min: MiB, max: GiB, integer: true, bytes: true },
  /** Parallel connections of a pull. */
  connections: whole(1, 64),
  /** A TCP port to listen on; 0 picks a free one. */
  listenPort: whole(0, 65535),
  /** A TCP port to connect to. */
  port: whole(1, 65535),
  threads: whole(1, 1024),
  /** Tokens per request context. */
  contextSize: whole(1, 1 << 24),
  /** Requests generated at once by the embedded server. */
  parallel: whole(1, 256),
  /** Requests in flight in a compatibility suite. */
  suiteConcurrency: whole(1, 256),
  /** Seconds to wait for a backend to answer. */
  readyTimeoutSeconds: { min: 1e-3, max: 86400, integer: false },
  /** A load time reported by another step, in seconds and in milliseconds. */
  loadSeconds: { min: 0, max: 86400, integer: false },
  loadMilliseconds: { min: 0, max: 864e5, integer: false },
  runs: whole(1, 1e4),
  warmup: whole(0, 1e4),
  seed: whole(0, 2 ** 32 - 1),
  /** Linux's largest pid_max. */
  pid: whole(1, 4194304),
  /** How long a release's post-switch check may take, in seconds. */
  checkTimeoutSeconds: { min: 1e-3, max: 86400, integer: false },
  /** How long a release waits for another release of its channel, in seconds. */
  lockWaitSeconds: { min: 0, max: 86400, integer: false },
  /** Changes back in a tag's history. */
  revertSteps: whole(1, 1e4),
  /** llama.context_length of a synthetic model. */
  contextLength: whole(1, 2 ** 31 - 1),
  /** Size of a synthetic model file. */
  modelSize: { min: 1, max: 1024 * GiB, integer: true, bytes: true }
};
function formatBytes(bytes) {
  for (const [unit, size] of [
    ["TiB", 1024 * GiB],
    ["GiB", GiB],
    ["MiB", MiB],
    ["KiB", 1024]
  ]) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return bytes === 1 ? "1 byte" : `${bytes} bytes`;
}
__name(formatBytes, "formatBytes");
function boundsRange(bounds) {
  const show = /* @__PURE__ */ __name((n) => bounds.bytes ? formatBytes(n) : String(n), "show");
  return `${show(bounds.min)} to ${show(bounds.max)}`;
}
__name(boundsRange, "boundsRange");
function describeBounds(bounds) {
  const kind = bounds.bytes ? "a size" : bounds.integer ? "an integer" : "a number";
  return `${kind} from ${boundsRange(bounds)}`;
}
__name(describeBounds, "describeBounds");
function withinBounds(value, bounds) {
  return Number.isFinite(value) && (!bounds.integer || Number.isSafeInteger(value)) && value >= bounds.min && value <= bounds.max;
}
__name(withinBounds, "withinBounds");
function parseDecimal(text) {
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}
__name(parseDecimal, "parseDecimal");

export {
  BOUNDS,
  boundsRange,
  describeBounds,
  withinBounds,
  parseDecimal
};
