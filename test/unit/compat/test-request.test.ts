import { afterEach, describe, expect, it } from "vitest";
import { parseTestSettings } from "../../../src/compat/test-request.js";
import { bothShells, clearInputs } from "../../helpers/setting-sources.js";

afterEach(clearInputs);

function parsed(settings: Record<string, string>) {
  const { cli, action, warnings } = bothShells("test", settings);
  return {
    cli: () => parseTestSettings(cli, "/work"),
    action: () => parseTestSettings(action, "/work"),
    warnings,
  };
}

const minimal = { suite: "suite.yaml", "base-url": "http://127.0.0.1:1/v1", "model-id": "m" };

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
    const { cli, action } = parsed({ ...minimal, "compare-model-id": "other" });
    expect(cli).toThrow("--compare-model-id needs --compare-base-url");
    expect(action).toThrow('input "compare-model-id" needs input "compare-base-url"');
  });

  it("take the model reference as model and the served name as model-id", () => {
    const { cli, action, warnings } = parsed({ ...minimal, model: "registry.test/ns/m:v1" });
    expect(cli()).toEqual(action());
    expect(cli()).toMatchObject({ model: "m", reference: "registry.test/ns/m:v1" });
    expect(warnings).toEqual({ cli: [], action: [] });
  });

  it("still read model as the served name without model-id, and the old reference spelling, with one warning each", () => {
    const { cli, warnings } = parsed({ suite: "s.yaml", "base-url": "http://127.0.0.1:1/v1", model: "m", ref: "r:1" });
    expect(cli()).toMatchObject({ model: "m", reference: "r:1" });
    expect(warnings.cli).toEqual([
      "--model as the served model name is deprecated; give that as --model-id and the model reference as --model (instead of --ref)",
    ]);
    clearInputs();
    const legacy = parsed({ ...minimal, "model-ref": "r:1", "compare-base-url": "http://x/v1", "compare-model": "o" });
    expect(legacy.action()).toMatchObject({ reference: "r:1", compare: { model: "o" } });
    expect(legacy.warnings.action).toEqual([
      'input "model-ref" is deprecated; use input "model"',
      'input "compare-model" is deprecated; use input "compare-model-id"',
    ]);
  });

  it("refuse an old and a new spelling that disagree", () => {
    expect(parsed({ ...minimal, model: "r:1", ref: "r:2" }).cli).toThrow(
      '--model ("r:1") and its deprecated spelling --ref ("r:2") disagree; give only --model',
    );
    clearInputs();
    expect(parsed({ ...minimal, model: "r:1", "model-ref": "r:2" }).action).toThrow(
      'input "model" ("r:1") and its deprecated spelling input "model-ref" ("r:2") disagree; give only input "model"',
    );
  });
});
