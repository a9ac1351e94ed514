import { afterEach, describe, expect, it } from "vitest";
import { parseSetupSettings } from "../../../src/backends/setup-request.js";
import { flagSource, parseCommandArgs } from "../../../src/cli/command.js";
import { SetupModel } from "../../../src/github/constants.js";
import { actionInputs } from "../../../src/github/inputs.js";

const inputVariables = Object.values(SetupModel.inputs).map((name) => `INPUT_${name.toUpperCase()}`);

afterEach(() => {
  for (const variable of inputVariables) delete process.env[variable];
});

/** The same settings as CLI flags and as action inputs (INPUT_* variables, as the runner sets them). */
function bothShells(settings: Record<string, string | true>) {
  const args = Object.entries(settings).flatMap(([name, value]) =>
    value === true ? [`--${name}`] : [`--${name}=${value}`],
  );
  const options = Object.fromEntries(
    ["model", "backend", "port", "threads", "context-size", "gpu", "ready-timeout", "base-url", "version"].map(
      (name) => [name, { type: "string" as const }],
    ),
  );
  const { values } = parseCommandArgs("setup", args, { ...options, "warm-load": { type: "boolean" } }, false);
  for (const [name, value] of Object.entries(settings)) process.env[`INPUT_${name.toUpperCase()}`] = String(value);
  return {
    cli: () => parseSetupSettings(flagSource("setup", values), {}),
    action: () => parseSetupSettings(actionInputs, {}),
  };
}

describe("setup settings, parsed once for the CLI and the action", () => {
  it("give the same request from flags and from inputs", () => {
    const { cli, action } = bothShells({
      model: "oci:/m:v1",
      port: "8080",
      threads: "2",
      "context-size": "512",
      gpu: "auto",
      "ready-timeout": "1.5",
      "warm-load": true,
    });
    const parsed = cli();
    expect(parsed).toEqual(action());
    expect(parsed).toMatchObject({
      model: "oci:/m:v1",
      settings: { port: 8080, threads: 2, contextSize: 512, gpu: "auto", readyTimeoutMs: 1500 },
      warmLoad: true,
    });
  });

  it("default the same way", () => {
    const { cli, action } = bothShells({ model: "oci:/m:v1" });
    expect(cli()).toEqual(action());
    expect(cli()).toMatchObject({ settings: { port: 0, gpu: "none", readyTimeoutMs: 600_000 }, warmLoad: false });
  });

  it.each([
    ["port", "99999", 'must be an integer from 0 to 65535, got "99999"'],
    ["port", "-1", 'must be an integer from 0 to 65535, got "-1"'],
    ["threads", "0", 'must be an integer from 1 to 1024, got "0"'],
    ["threads", "1.5", 'must be an integer from 1 to 1024, got "1.5"'],
    ["ready-timeout", "0", 'must be a number from 0.001 to 86400, got "0"'],
    ["gpu", "metal", 'must be one of none, auto, cuda, got "metal"'],
  ])("refuse %s %s, each shell naming the setting its own way", (name, value, reason) => {
    const { cli, action } = bothShells({ model: "oci:/m:v1", [name]: value });
    expect(cli).toThrow(`setup: --${name} ${reason}`);
    expect(action).toThrow(`input "${name}" ${reason}`);
  });

  it("need the model", () => {
    const { cli, action } = bothShells({});
    expect(cli).toThrow("setup: --model is required");
    expect(action).toThrow('input "model" is required');
  });
});
