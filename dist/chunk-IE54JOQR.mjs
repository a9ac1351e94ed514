import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  currentPosition,
  provenance,
  readHistory,
  recordAndMoveTag
} from "./chunk-PAFLJXJT.mjs";
import {
  RevertRefusedError
} from "./chunk-3IICKCHI.mjs";
import {
  NotFoundError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/promote/revert.ts
function chooseRevertDigest(tag, entries, current, selector) {
  if (entries.length === 0) {
    throw new RevertRefusedError(
      `${tag} has no history: it was never promoted with cortex-model, so there is nothing to revert to`
    );
  }
  const states = entries.map((e) => e.digest);
  const oldest = entries[entries.length - 1]?.previous;
  if (oldest) states.push(oldest);
  if ("digest" in selector) {
    if (!states.includes(selector.digest)) {
      throw new RevertRefusedError(
        `${selector.digest} is not in the history of ${tag}: a revert only goes back to a digest the tag pointed at`
      );
    }
    return selector.digest;
  }
  if (!Number.isInteger(selector.steps) || selector.steps < 1) {
    throw new RevertRefusedError(`steps must be a whole number of at least 1, got ${selector.steps}`);
  }
  let last = current;
  let changes = 0;
  for (let i = currentPosition(entries, current) + 1; i < states.length; i++) {
    const state = states[i];
    if (state === last) continue;
    last = state;
    if (++changes === selector.steps) return state;
  }
  throw new RevertRefusedError(
    `${tag} cannot go back ${selector.steps} step${selector.steps === 1 ? "" : "s"}: its history holds only ${changes} earlier digest${changes === 1 ? "" : "s"}`
  );
}
__name(chooseRevertDigest, "chooseRevertDigest");
async function revert(options) {
  const { target, tag, signal } = options;
  let current;
  try {
    current = await target.resolve(tag, { signal });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const entries = await readHistory(target, tag, { signal });
  const digest = chooseRevertDigest(`${target.name}:${tag}`, entries, current?.digest, options.to);
  const base = { target: target.name, tag, previous: current?.digest ?? null, digest };
  if (digest === current?.digest) return { ...base, changed: false };
  const manifest = await target.fetchManifest(digest, { signal });
  const entry = await recordAndMoveTag(
    target,
    manifest,
    {
      action: "revert",
      tag,
      time: (options.now ?? (() => /* @__PURE__ */ new Date()))(),
      digest,
      descriptor: manifest.descriptor,
      ...current ? { previous: current.digest, previousDescriptor: current } : {},
      ...recordedVersion(entries, digest),
      ...provenance(options)
    },
    signal
  );
  return { ...base, changed: true, entry };
}
__name(revert, "revert");
function recordedVersion(entries, digest) {
  const version = entries.find((e) => e.digest === digest && e.version)?.version;
  return version ? { version } : {};
}
__name(recordedVersion, "recordedVersion");

export {
  revert
};
