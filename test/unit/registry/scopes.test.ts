import { describe, expect, it } from "vitest";
import { mergeScopes } from "../../../src/registry/auth.js";

describe("mergeScopes", () => {
  it("unites the actions of one resource whatever order the challenge names them in", () => {
    expect(mergeScopes(["repository:a/b:pull,push"], "repository:a/b:push,pull")).toEqual(["repository:a/b:pull,push"]);
    expect(mergeScopes(["repository:a/b:pull"], "repository:a/b:push")).toEqual(["repository:a/b:pull,push"]);
  });

  it("keeps other resources apart and adds the ones only the challenge names", () => {
    expect(
      mergeScopes(["repository:a/b:pull,push", "repository:c/d:pull"], "registry:catalog:* repository:c/d:pull"),
    ).toEqual(["repository:a/b:pull,push", "repository:c/d:pull", "registry:catalog:*"]);
  });

  it("returns our scopes unchanged when the challenge names none", () => {
    expect(mergeScopes(["repository:a/b:pull"], undefined)).toEqual(["repository:a/b:pull"]);
    expect(mergeScopes([], "")).toEqual([]);
  });
});
