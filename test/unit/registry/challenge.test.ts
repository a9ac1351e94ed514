import { describe, expect, it } from "vitest";
import { parseChallenges } from "../../../src/registry/challenge.js";

describe("parseChallenges", () => {
  it("reads a distribution Bearer challenge with quoted parameters", () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull,push"',
      ),
    ).toEqual([
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/ubuntu:pull,push",
        },
      },
    ]);
  });

  it("reads several challenges, token values, escapes and mixed case", () => {
    expect(parseChallenges('Basic realm="a \\"b\\", c", BEARER Realm=https://x/t, error="insufficient_scope"')).toEqual(
      [
        { scheme: "basic", params: { realm: 'a "b", c' } },
        { scheme: "bearer", params: { realm: "https://x/t", error: "insufficient_scope" } },
      ],
    );
  });

  it("returns nothing for an empty or absent header", () => {
    expect(parseChallenges("")).toEqual([]);
    expect(parseChallenges("Basic")).toEqual([{ scheme: "basic", params: {} }]);
  });
});
