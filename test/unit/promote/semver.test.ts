import { describe, expect, it } from "vitest";
import {
  type AliasTag,
  aliasTags,
  compareVersions,
  highestCovered,
  parseVersionTag,
} from "../../../src/promote/semver.js";

function version(tag: string) {
  const parsed = parseVersionTag(tag);
  if (!parsed) throw new Error(`not a version: ${tag}`);
  return parsed;
}

describe("version tags", () => {
  it("reads full versions with or without v, and nothing else", () => {
    expect(version("v1.4.2")).toMatchObject({ prefix: "v", major: 1, minor: 4, patch: 2, prerelease: [] });
    expect(version("0.10.0-rc.1")).toMatchObject({ prefix: "", minor: 10, prerelease: ["rc", "1"] });
    for (const tag of ["stable", "v1.4", "v1", "v01.2.3", "1.2.3.4", "V1.2.3"])
      expect(parseVersionTag(tag)).toBeUndefined();
  });

  it("orders by semver precedence", () => {
    const sorted = ["v1.10.0", "v1.2.0", "v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0-alpha", "v1.2.0-rc", "v0.9.9"]
      .map(version)
      .sort(compareVersions)
      .map((v) => v.tag);
    expect(sorted).toEqual(["v0.9.9", "v1.2.0-alpha", "v1.2.0-rc", "v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0", "v1.10.0"]);
  });

  it("derives aliases keeping the prefix, none for a pre-release", () => {
    expect(aliasTags(version("v1.4.2")).map((a) => a.tag)).toEqual(["v1.4", "v1"]);
    expect(aliasTags(version("2.0.1")).map((a) => a.tag)).toEqual(["2.0", "2"]);
    expect(aliasTags(version("v1.4.2-rc.1"))).toEqual([]);
  });

  it("finds the highest release an alias covers", () => {
    const [minor, major] = aliasTags(version("v1.4.2")) as [AliasTag, AliasTag];
    const tags = ["v1.4.1", "v1.4.3-rc.1", "v1.5.0", "1.9.0", "v2.0.0", "stable", "v1.4.10"];
    expect(highestCovered(minor, tags)?.tag).toBe("v1.4.10");
    expect(highestCovered(major, tags)?.tag).toBe("v1.5.0");
    expect(highestCovered(major, ["v2.0.0"])).toBeUndefined();
  });
});
