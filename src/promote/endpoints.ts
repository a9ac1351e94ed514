import { type OpenTargetOptions, openTarget } from "../copy/targets.js";
import type { Digest } from "../core/digest.js";
import { formatReference, isPinned, parseReference, type Reference } from "../core/ref.js";
import type { Target } from "../core/target.js";
import { PromoteUsageError } from "./errors.js";

/** The source of a promotion: it must name a digest, since a tag can move between test and promotion. */
export function parsePinnedSource(input: string): Reference & { digest: Digest } {
  const ref = parseReference(input);
  if (!isPinned(ref)) {
    throw new PromoteUsageError(
      `${input} names a tag, not a digest: promotion takes the exact digest that was tested (a tag can move between test and promotion); use <repo>@sha256:<hex>`,
    );
  }
  return ref;
}

/** The repository to promote into: `toRepo` (repository only, no tag or digest), else the source's. */
export function destinationReference(source: Reference, toRepo: string | undefined): Reference {
  if (toRepo === undefined) return { ...source, tag: undefined, digest: undefined };
  const ref = parseReference(toRepo);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new PromoteUsageError(`${toRepo} names a tag or digest: give the destination repository only, tags apart`);
  }
  return ref;
}

function bare(ref: Reference): string {
  return formatReference({ ...ref, tag: undefined, digest: undefined });
}

/**
 * Opens source and destination; one Target when they are the same repository, so a promotion there copies
 * nothing. A destination layout is created when missing.
 */
export async function openEndpoints(
  source: Reference,
  destination: Reference,
  options: { source?: OpenTargetOptions; destination?: OpenTargetOptions } = {},
): Promise<{ source: Target; destination: Target }> {
  const from = await openTarget(source, options.source);
  if (bare(source) === bare(destination)) return { source: from, destination: from };
  return { source: from, destination: await openTarget(destination, { ...options.destination, create: true }) };
}
