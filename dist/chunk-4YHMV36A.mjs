import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  PromoteUsageError
} from "./chunk-3IICKCHI.mjs";
import {
  openTarget
} from "./chunk-OKSVDTLS.mjs";
import {
  formatReference,
  isPinned,
  parseReference
} from "./chunk-JLHAMPB3.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/promote/endpoints.ts
function parsePinnedSource(input) {
  const ref = parseReference(input);
  if (!isPinned(ref)) {
    throw new PromoteUsageError(
      `${input} names a tag, not a digest: promotion takes the exact digest that was tested (a tag can move between test and promotion); use <repo>@sha256:<hex>`
    );
  }
  return ref;
}
__name(parsePinnedSource, "parsePinnedSource");
function destinationReference(source, toRepo) {
  if (toRepo === void 0) return { ...source, tag: void 0, digest: void 0 };
  const ref = parseReference(toRepo);
  if (ref.tag !== void 0 || ref.digest !== void 0) {
    throw new PromoteUsageError(`${toRepo} names a tag or digest: give the destination repository only, tags apart`);
  }
  return ref;
}
__name(destinationReference, "destinationReference");
function bare(ref) {
  return formatReference({ ...ref, tag: void 0, digest: void 0 });
}
__name(bare, "bare");
async function openEndpoints(source, destination, options = {}) {
  const from = await openTarget(source, options.source);
  if (bare(source) === bare(destination)) return { source: from, destination: from };
  return { source: from, destination: await openTarget(destination, { ...options.destination, create: true }) };
}
__name(openEndpoints, "openEndpoints");

export {
  parsePinnedSource,
  destinationReference,
  openEndpoints
};
