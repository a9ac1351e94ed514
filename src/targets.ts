import { UsageError } from "./errors.js";
import { formatReference, type Reference } from "./ref.js";
import { OciLayout } from "./store/oci-layout.js";
import type { Target } from "./target.js";

export interface OpenTargetOptions {
  /** Make a layout directory that does not exist yet (for packaging and promotion into `oci:` layouts). */
  readonly create?: boolean;
}

/** The Target a reference names: an OCI layout directory or a registry repository. */
export async function openTarget(ref: Reference, options: OpenTargetOptions = {}): Promise<Target> {
  if (ref.kind === "layout") return OciLayout.open(ref.path, options.create ? { create: true } : {});
  throw new UsageError(`${formatReference(ref)}: registry references need the registry client, not built yet`);
}
