import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidReferenceError } from "../../../src/core/errors.js";
import {
  formatReference,
  isPinned,
  parseLayoutReferenceFor,
  parseReference,
  referenceVersion,
  registryEndpoint,
} from "../../../src/core/ref.js";

const HEX = "a".repeat(64);

describe("parseReference", () => {
  it("applies Docker Hub defaults", () => {
    expect(parseReference("ubuntu")).toEqual({ kind: "registry", registry: "docker.io", repository: "library/ubuntu" });
    expect(parseReference("ai/smollm2:360M-Q4_K_M")).toEqual({
      kind: "registry",
      registry: "docker.io",
      repository: "ai/smollm2",
      tag: "360M-Q4_K_M",
    });
    expect(registryEndpoint("docker.io")).toBe("registry-1.docker.io");
  });

  it("reads registry hosts with ports, tags and digests", () => {
    const ref = parseReference(`127.0.0.1:5000/team/model:v1@sha256:${HEX}`);
    expect(ref).toEqual({
      kind: "registry",
      registry: "127.0.0.1:5000",
      repository: "team/model",
      tag: "v1",
      digest: `sha256:${HEX}`,
    });
    expect(isPinned(ref)).toBe(true);
    expect(referenceVersion(ref)).toBe(`sha256:${HEX}`);
    expect(parseReference("localhost/model")).toMatchObject({ registry: "localhost" });
  });

  it("reads Ollama names in both spellings", () => {
    const expected = { kind: "registry", registry: "registry.ollama.ai", repository: "library/llama3.2", tag: "1b" };
    expect(parseReference("ollama://llama3.2:1b")).toEqual(expected);
    expect(parseReference("registry.ollama.ai/library/llama3.2:1b")).toEqual(expected);
    expect(parseReference("ollama://registry.ollama.ai/library/llama3.2:1b")).toEqual(expected);
    expect(referenceVersion(parseReference("ollama://qwen3"))).toBe("latest");
  });

  it("reads OCI layout references", () => {
    expect(parseReference("oci:./models:v2")).toEqual({ kind: "layout", path: path.resolve("models"), tag: "v2" });
    expect(parseReference(`oci:/tmp/layout@sha256:${HEX}`)).toEqual({
      kind: "layout",
      path: "/tmp/layout",
      digest: `sha256:${HEX}`,
    });
    expect(parseReference("oci:/tmp/a.b/layout")).toEqual({ kind: "layout", path: "/tmp/a.b/layout" });
  });

  it("round-trips through formatReference", () => {
    for (const input of ["ghcr.io/org/model:v1", `docker.io/library/ubuntu@sha256:${HEX}`, "oci:/x/y:t"]) {
      const ref = parseReference(input);
      expect(parseReference(formatReference(ref))).toEqual(ref);
    }
  });

  it.each([
    ["", /empty model reference/],
    ["Ghcr.io/Org/Model", /repository component "Org"/],
    ["ghcr.io/org/model:", /tag ""/],
    ["ghcr.io/org/model:-bad", /tag "-bad"/],
    [`model@sha512:${HEX}`, /unsupported digest algorithm "sha512"/],
    ["model@sha256:abc", /has 3 characters, expected 64/],
    [`model@sha256:${"A".repeat(64)}`, /lowercase/],
    ["model@nodigest", /an "@" must introduce a digest/],
    ["https://ghcr.io/org/model", /unknown scheme "https"/],
    ["ghcr.io//model", /repository component ""/],
    ["oci::v1", /layout directory is empty/],
    ["bad_host_/model", /repository component "bad_host_"/],
    ["127.0.0.1:0/model", /port of registry host "127.0.0.1:0" must be an integer from 1 to 65535/],
    ["127.0.0.1:99999/model", /port of registry host "127.0.0.1:99999" must be an integer from 1 to 65535/],
    ["localhost:080/model", /without leading zeros/],
    ["[::1]:65536/model", /port of registry host "\[::1\]:65536"/],
  ])("rejects %j naming the offending part", (input, message) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError);
    expect(() => parseReference(input)).toThrow(message);
  });

  it.each([
    "alice:hunter2@ghcr.io/org/model:v1",
    "alice:hunter2@127.0.0.1:5000/org/model",
    "alice:hunter2@localhost:5000",
    "alice:hun/ter2@ghcr.io/org/model",
    "https://alice:hunter2@ghcr.io/org/model",
    "ollama://alice:hunter2@llama3.2",
  ])("refuses user info in %j without echoing it, saying where credentials go", (input) => {
    const error = (() => {
      try {
        parseReference(input);
      } catch (e) {
        return e as Error;
      }
      throw new Error("accepted");
    })();
    expect(error).toBeInstanceOf(InvalidReferenceError);
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("alice");
    expect(error.message).toMatch(/docker login .* registry-username and registry-password inputs/);
  });
});

describe("oci: references on a Windows runner", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  it.each([
    ["oci:D:\\a\\_temp\\models", "D:\\a\\_temp\\models", undefined, undefined],
    ["oci:C:\\models\\ka:v1", "C:\\models\\ka", "v1", undefined],
    // What bash writes from `oci:$RUNNER_TEMP/models@$digest`: both separators.
    [`oci:D:\\a\\_temp/models@${digest}`, "D:\\a\\_temp\\models", undefined, digest],
    [`oci:D:/a/_temp/models:v2@${digest}`, "D:\\a\\_temp\\models", "v2", digest],
  ])("%s is the directory %s", (input, dir, tag, pinned) => {
    const ref = parseLayoutReferenceFor(input, path.win32);
    expect(ref).toEqual({
      kind: "layout",
      path: dir,
      ...(tag === undefined ? {} : { tag }),
      ...(pinned === undefined ? {} : { digest: pinned }),
    });
    expect(parseLayoutReferenceFor(formatReference(ref), path.win32)).toEqual(ref);
  });
});
