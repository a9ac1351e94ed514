import { CortexError, UsageError } from "../core/errors.js";

/** A promotion that was refused before anything changed: the message says why and what would allow it. */
export class PromotionRefusedError extends CortexError {}

/** A revert that cannot happen as asked (no history, a digest not in it, too many steps); nothing changed. */
export class RevertRefusedError extends CortexError {}

/** A history entry that does not decode; the message names the entry's tag. */
export class HistoryEntryError extends CortexError {}

/** Options that can never work together (no tags, a reserved tag, a tag-only source). */
export class PromoteUsageError extends UsageError {}

/**
 * A tag move that failed part way. `state` says where the tag was left: `old` (not moved, its history entry
 * marked aborted) or `unknown` (the registry stopped answering before that could be checked).
 */
export class TagMoveError extends CortexError {
  readonly tag: string;
  readonly state: "old" | "unknown";

  constructor(message: string, tag: string, state: "old" | "unknown", options?: { cause?: unknown }) {
    super(message, options);
    this.tag = tag;
    this.state = state;
  }
}
