import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  mapLimit
} from "./chunk-OKSVDTLS.mjs";
import {
  decodeManifest
} from "./chunk-P47FFNDF.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/copy/copy.ts
import { Readable } from "node:stream";

// src/core/target.ts
function canMount(target) {
  return typeof target.mountBlob === "function";
}
__name(canMount, "canMount");
function canAdoptFile(target) {
  return typeof target.adoptBlobFile === "function";
}
__name(canAdoptFile, "canAdoptFile");
function hasVerifiedFiles(target) {
  return typeof target.verifiedFile === "function";
}
__name(hasVerifiedFiles, "hasVerifiedFiles");

// src/copy/copy.ts
function sameRegistryMount(source, destination) {
  if (!canMount(source) || !canMount(destination)) return void 0;
  if (source.registry !== destination.registry || source.repository === destination.repository) return void 0;
  return (descriptor, signal) => destination.mountBlob(descriptor, source.repository, { signal });
}
__name(sameRegistryMount, "sameRegistryMount");
var DEFAULT_CONCURRENCY = 4;
async function copyGraph(source, destination, root, options = {}) {
  const { signal } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const stats = {
    manifestsPushed: 0,
    manifestsSkipped: 0,
    blobsCopied: 0,
    blobsMounted: 0,
    blobsLinked: 0,
    blobsCopiedFromFile: 0,
    blobsSkipped: 0,
    bytesCopied: 0
  };
  const copyBlob = /* @__PURE__ */ __name(async (descriptor) => {
    if (await destination.exists(descriptor, { signal })) {
      stats.blobsSkipped++;
      return;
    }
    if (options.mount && await options.mount(descriptor, signal)) {
      stats.blobsMounted++;
      return;
    }
    const file = hasVerifiedFiles(source) ? source.verifiedFile(descriptor) : void 0;
    if (file && canAdoptFile(destination)) {
      const placed = await destination.adoptBlobFile(descriptor, file.file, file.identity);
      if (placed === "linked") stats.blobsLinked++;
      else stats.blobsCopiedFromFile++;
      return;
    }
    const content = /* @__PURE__ */ __name(() => Readable.from(
      (async function* () {
        yield* await source.fetchBlob(descriptor, { signal });
      })(),
      { objectMode: false }
    ), "content");
    await destination.pushBlob(descriptor, content, { signal });
    stats.blobsCopied++;
    stats.bytesCopied += descriptor.size;
  }, "copyBlob");
  const copyManifest = /* @__PURE__ */ __name(async (fetched, tag) => {
    if (await destination.exists(fetched.descriptor, { signal })) {
      stats.manifestsSkipped++;
      if (tag !== void 0) await destination.tag(fetched.descriptor, tag, { signal });
      return;
    }
    const document = decodeManifest(
      fetched.bytes,
      `manifest ${fetched.descriptor.digest}`,
      fetched.descriptor.mediaType
    );
    if (document.kind === "index") {
      for (const child of document.index.manifests) {
        await copyManifest(await source.fetchManifest(child, { signal }));
      }
    } else {
      const blobs = [document.manifest.config, ...document.manifest.layers];
      const unique = blobs.filter((blob, i) => blobs.findIndex((other) => other.digest === blob.digest) === i);
      await mapLimit(unique, concurrency, copyBlob);
    }
    await destination.pushManifest(fetched.descriptor, fetched.bytes, { tag, signal });
    stats.manifestsPushed++;
  }, "copyManifest");
  await copyManifest(root, options.tag);
  return stats;
}
__name(copyGraph, "copyGraph");

export {
  sameRegistryMount,
  copyGraph
};
