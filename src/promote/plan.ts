import { isValidTag } from "../core/ref.js";
import { isLockTag } from "./channel-lock.js";
import { PromoteUsageError } from "./errors.js";
import { isHistoryTag } from "./history-tag.js";
import {
  type AliasTag,
  aliasTags,
  compareVersions,
  highestCovered,
  parseVersionTag,
  type VersionTag,
} from "./semver.js";

/** A tag a promotion may move: asked for by name, or an alias that follows a version tag. */
export type PlannedTag =
  | { readonly kind: "explicit"; readonly tag: string; readonly version?: VersionTag }
  | { readonly kind: "alias"; readonly tag: string; readonly version: VersionTag; readonly alias: AliasTag };

/** Tags a promotion must never write: its own history entries and the referrers fallback tags. */
function reservedReason(tag: string): string | undefined {
  if (isHistoryTag(tag)) return "it is reserved for history entries";
  if (isLockTag(tag)) return "it is reserved for release locks";
  if (/^sha256-[0-9a-f]{64}/.test(tag)) return "it is the referrers fallback tag schema";
  return undefined;
}

/** Checks the asked-for tags and adds the semver aliases; explicit tags win over aliases of the same name. */
export function planTags(requested: readonly string[], semverAliases: boolean): PlannedTag[] {
  const tags = [...new Set(requested.map((t) => t.trim()).filter((t) => t !== ""))];
  if (tags.length === 0)
    throw new PromoteUsageError("no tag to promote to: name at least one (the tags to point at the digest)");
  for (const tag of tags) {
    if (!isValidTag(tag)) {
      throw new PromoteUsageError(
        `invalid tag "${tag}": a tag is 1-128 characters of letters, digits, _ . - and does not start with . or -`,
      );
    }
    const reserved = reservedReason(tag);
    if (reserved) throw new PromoteUsageError(`tag "${tag}" cannot be promoted to: ${reserved}`);
  }
  const planned: PlannedTag[] = tags.map((tag) => {
    const version = parseVersionTag(tag);
    return version ? { kind: "explicit", tag, version } : { kind: "explicit", tag };
  });
  if (!semverAliases) return planned;

  const versions = planned.flatMap((p) => (p.version ? [p.version] : []));
  if (versions.length === 0) {
    throw new PromoteUsageError(`semver-aliases needs a version tag such as v1.4.2 among: ${tags.join(", ")}`);
  }
  const aliases = new Map<string, { version: VersionTag; alias: AliasTag }>();
  for (const version of versions) {
    for (const alias of aliasTags(version)) {
      const known = aliases.get(alias.tag);
      if (!tags.includes(alias.tag) && (!known || compareVersions(version, known.version) > 0)) {
        aliases.set(alias.tag, { version, alias });
      }
    }
  }
  for (const [tag, { version, alias }] of aliases) planned.push({ kind: "alias", tag, version, alias });
  return planned;
}

/**
 * Whether an alias may move to `version`: never backwards. The alias's current version is the one its
 * history recorded for its current digest; without one, the highest full version tag it covers stands in.
 * Returns the reason to leave it, or undefined to move it.
 */
export function aliasHoldReason(
  planned: Extract<PlannedTag, { kind: "alias" }>,
  recordedVersion: string | undefined,
  allTags: readonly string[],
): string | undefined {
  const recorded = recordedVersion === undefined ? undefined : parseVersionTag(recordedVersion);
  const current = recorded ?? highestCovered(planned.alias, allTags);
  if (current && compareVersions(planned.version, current) < 0) {
    return `${planned.tag} stays at ${current.tag}, which is newer than ${planned.version.tag}`;
  }
  return undefined;
}
