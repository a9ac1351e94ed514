import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidReferenceError } from "../../../src/core/errors.js";
import { PullModel } from "../../../src/github/constants.js";
import { InputError } from "../../../src/github/inputs.js";
import { getInputs } from "../../../src/github/pull-model.js";

const names = PullModel.inputs;
const variables = Object.values(names).map((name) => `INPUT_${name.toUpperCase()}`);

function setInputs(values: Partial<Record<keyof typeof names, string>>): void {
  for (const [key, value] of Object.entries(values)) {
    process.env[`INPUT_${names[key as keyof typeof names].toUpperCase()}`] = value;
  }
}

afterEach(() => {
  for (const variable of variables) delete process.env[variable];
});

describe("pull-model inputs, read through INPUT_* variables", () => {
  it("defaults the store under the runner's tool cache and the cache to on", () => {
    setInputs({ model: "127.0.0.1:5000/ai/tiny:v1" });
    const inputs = getInputs({ RUNNER_TOOL_CACHE: "/opt/hostedtoolcache" });
    expect(inputs).toEqual({
      model: { kind: "registry", registry: "127.0.0.1:5000", repository: "ai/tiny", tag: "v1" },
      store: "/opt/hostedtoolcache/cortex-model/store",
      cache: true,
    });
  });

  it("takes an explicit store, cache off and credentials", () => {
    setInputs({
      model: "oci:/models/x:v1",
      store: "rel/store",
      cache: "false",
      registryUsername: "ci",
      registryPassword: "pw",
    });
    const inputs = getInputs({});
    expect(inputs.store).toBe(path.resolve("rel/store"));
    expect(inputs.cache).toBe(false);
    expect(inputs.credentials).toEqual({ username: "ci", password: "pw" });
  });

  it("names what is wrong", () => {
    expect(() => getInputs({ RUNNER_TOOL_CACHE: "/t" })).toThrow(
      new InputError('input "model" is required and was not given'),
    );
    setInputs({ model: "Bad Ref!" });
    expect(() => getInputs({ RUNNER_TOOL_CACHE: "/t" })).toThrow(InvalidReferenceError);
    setInputs({ model: "ai/tiny:v1", registryUsername: "ci" });
    expect(() => getInputs({ RUNNER_TOOL_CACHE: "/t" })).toThrow(
      /"registry-username" and "registry-password" go together/,
    );
    setInputs({ registryUsername: "", cache: "maybe" });
    expect(() => getInputs({ RUNNER_TOOL_CACHE: "/t" })).toThrow(/input "cache" must be true or false/);
    setInputs({ cache: "" });
    expect(() => getInputs({})).toThrow(/RUNNER_TOOL_CACHE is not set/);
  });
});
