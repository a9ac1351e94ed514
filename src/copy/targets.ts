import type { Reference } from "../core/ref.js";
import type { Target } from "../core/target.js";
import type { RepositoryOptions } from "../registry/index.js";
import { OciLayout } from "../store/oci-layout.js";

export interface OpenTargetOptions extends RepositoryOptions {
  /** Make a layout directory that does not exist yet (for packaging and promotion into `oci:` layouts). */
  readonly create?: boolean;
}

/**
 * The Target a reference names: an OCI layout directory or a registry repository. Opening a repository sends
 * nothing; the first request goes out with the first operation.
 */
export async function openTarget(ref: Reference, options: OpenTargetOptions = {}): Promise<Target> {
  if (ref.kind === "layout") return OciLayout.open(ref.path, options.create ? { create: true } : {});
  const { create: _create, ...registryOptions } = options;
  // Loaded on demand: the HTTP stack costs a third of a second of start-up that offline work never needs.
  const { openRepository } = await import("../registry/index.js");
  return openRepository(ref, registryOptions);
}
