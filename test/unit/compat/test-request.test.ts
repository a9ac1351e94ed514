import { afterEach, describe, expect, it } from "vitest";
import { parseTestSettings } from "../../../src/compat/test-request.js";
import { bothShells, clearInputs } from "../../helpers/setting-sources.js";

afterEach(clearInputs);

function parsed(settings: Record<string, string>) {
  const { cli, action } = bothShells("test", settings);
  return { cli: () => parseTestSettings(cli, "/work"), action: () => parseTestSettings(action, "/work") };
}

const minimal = { suite: "suite.yaml", "base-url": "http://127.0.0.1:1/v1", model: "m" };

describe("test settings, parsed once for the CLI and the action", () => {
  it("give the same request from flags and from inputs, files resolved against the directory", () => {
    const { cli, action } = parsed({
      ...minimal,
      baseline: "golden.json",
      junit: "out/junit.xml",
      "compare-base-url": "http://127.0.0.1:2/v1",
      "fail-on": "90%",
      concurrency: "3",
    });
    expect(cli()).toEqual(action());
    expect(cli()).toEqual({
      suite: "suite.yaml",
      baseUrl: "http://127.0.0.1:1/v1",
      model: "m",
      baseline: "/work/golden.json",
      junit: "/work/out/junit.xml",
      compare: { baseUrl: "http://127.0.0.1:2/v1", model: "m" },
      threshold: 0.9,
      concurrency: 3,
    });
  });

  it.each([
    ["concurrency", "0", 'must be an integer from 1 to 256, got "0"'],
    ["fail-on", "most", 'must be "any" or a pass rate from 0 to 1 (or 0% to 100%), got "most"'],
  ])("refuse %s %s, each shell naming the setting its own way", (name, value, reason) => {
    const { cli, action } = parsed({ ...minimal, [name]: value });
    expect(cli).toThrow(`--${name} ${reason}`);
    expect(action).toThrow(`input "${name}" ${reason}`);
  });

  it("need a compared endpoint for a compared model", () => {
    const { cli, action } = parsed({ ...minimal, "compare-model": "other" });
    expect(cli).toThrow("--compare-model needs --compare-base-url");
    expect(action).toThrow('input "compare-model" needs input "compare-base-url"');
  });
});
