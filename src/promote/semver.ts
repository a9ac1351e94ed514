/**
 * Release version tags (`v1.4.2`, `1.4.2`, `v2.0.0-rc.1`) and the alias tags they move (`v1.4`, `v1`).
 * OCI tags cannot hold `+`, so build metadata never appears; the `v` prefix is kept as the tag spells it.
 */
export interface VersionTag {
  readonly tag: string;
  readonly prefix: "" | "v";
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Pre-release identifiers (`rc.1` -> ["rc", "1"]); empty for a release. */
  readonly prerelease: readonly string[];
}

const FULL = /^(v?)(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** The version a full version tag names, or undefined when the tag is not one (`stable`, `v1.4`). */
export function parseVersionTag(tag: string): VersionTag | undefined {
  const match = FULL.exec(tag);
  if (!match) return undefined;
  const [, prefix, major, minor, patch, prerelease] = match;
  return {
    tag,
    prefix: prefix === "v" ? "v" : "",
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: prerelease ? prerelease.split(".") : [],
  };
}

function compareIdentifiers(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return Math.sign(Number(a) - Number(b));
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semantic Versioning 2.0.0 precedence: negative, zero or positive like a sort comparator. */
export function compareVersions(a: VersionTag, b: VersionTag): number {
  const core = Math.sign(a.major - b.major) || Math.sign(a.minor - b.minor) || Math.sign(a.patch - b.patch);
  if (core !== 0) return core;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const order = compareIdentifiers(a.prerelease[i] as string, b.prerelease[i] as string);
    if (order !== 0) return order;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

/** An alias tag and the full versions it covers. */
export interface AliasTag {
  readonly tag: string;
  /** Whether a full version falls under this alias (`v1.4` covers `v1.4.x`, `v1` covers `v1.x.y`). */
  covers(version: VersionTag): boolean;
}

/**
 * The aliases a release moves: `v1.4.2` -> `v1.4`, `v1`. A pre-release moves none, since `v1` must never
 * name a release candidate.
 */
export function aliasTags(version: VersionTag): AliasTag[] {
  if (version.prerelease.length > 0) return [];
  const { prefix, major, minor } = version;
  const release = (v: VersionTag) => v.prerelease.length === 0 && v.prefix === prefix && v.major === major;
  return [
    { tag: `${prefix}${major}.${minor}`, covers: (v) => release(v) && v.minor === minor },
    { tag: `${prefix}${major}`, covers: release },
  ];
}

/** The highest full version among tags that an alias covers, or undefined when there is none. */
export function highestCovered(alias: AliasTag, tags: readonly string[]): VersionTag | undefined {
  let highest: VersionTag | undefined;
  for (const tag of tags) {
    const version = parseVersionTag(tag);
    if (version && alias.covers(version) && (!highest || compareVersions(version, highest) > 0)) highest = version;
  }
  return highest;
}
