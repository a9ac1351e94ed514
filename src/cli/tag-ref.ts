import { parseReference, type Reference } from "../core/ref.js";
import { PromoteUsageError } from "../promote/errors.js";

/** `<repo>:<tag>` for commands about one tag's history: the tag is required, a digest makes no sense. */
export function parseTagReference(command: string, input: string | undefined): Reference & { tag: string } {
  if (input === undefined) throw new PromoteUsageError(`${command} takes one <repo>:<tag> reference`);
  const ref = parseReference(input);
  if (ref.digest !== undefined || ref.tag === undefined) {
    throw new PromoteUsageError(`${command} needs <repo>:<tag> (a tag and no digest), got ${input}`);
  }
  return ref as Reference & { tag: string };
}
