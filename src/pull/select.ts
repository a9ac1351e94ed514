import { FormatError } from "../core/errors.js";
import { isIndexMediaType, isManifestMediaType } from "../core/media-types.js";
import type { Descriptor, ImageIndex } from "../core/target.js";

/** Docker's annotation on the attestation manifests buildx adds beside each image. */
const REFERENCE_TYPE = "vnd.docker.reference.type";

/**
 * The model manifest an index points at: the linux/amd64 entry when there is one (multi-platform model
 * images), else the first plain manifest that is not an attestation.
 */
export function selectManifest(index: ImageIndex, indexDigest: string): Descriptor {
  const candidates = (index.manifests ?? []).filter(
    (d) =>
      isManifestMediaType(d.mediaType) &&
      !isIndexMediaType(d.mediaType) &&
      d.annotations?.[REFERENCE_TYPE] === undefined &&
      d.platform?.os !== "unknown",
  );
  const amd64 = candidates.find((d) => d.platform?.os === "linux" && d.platform?.architecture === "amd64");
  const chosen = amd64 ?? candidates[0];
  if (!chosen) {
    const types = (index.manifests ?? []).map((d) => d.mediaType).join(", ") || "none";
    throw new FormatError(`index ${indexDigest} lists no model manifest (entries: ${types})`);
  }
  return chosen;
}
