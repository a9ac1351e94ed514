import { afterEach, describe, expect, it } from "vitest";
import { parseSetupSettings } from "../../../src/backends/setup-request.js";
import { bothShells, clearInputs } from "../../helpers/setting-sources.js";

afterEach(clearInputs);

function parsed(settings: Record<string, string | true>) {
  const { cli, action } = bothShells("setup", settings, ["warm-load"]);
  return { cli: () => parseSetupSettings(cli, {}), action: () => parseSetupSettings(action, {}) };
}

describe("setup settings, parsed once for the CLI and the action", () => {
  it("give the same request from flags and from inputs", () => {
    const { cli, action } = parsed({
      model: "oci:/m:v1",
      port: "8080",
      threads: "2",
      "context-size": "512",
      gpu: "auto",
      "ready-timeout": "1.5",
      "warm-load": true,
    });
    expect(cli()).toEqual(action());
    expect(cli()).toMatchObject({
      model: "oci:/m:v1",
      settings: { port: 8080, threads: 2, contextSize: 512, gpu: "auto", readyTimeoutMs: 1500 },
      warmLoad: true,
    });
  });

  it("default the same way", () => {
    const { cli, action } = parsed({ model: "oci:/m:v1" });
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
    const { cli, action } = parsed({ model: "oci:/m:v1", [name]: value });
    expect(cli).toThrow(`--${name} ${reason}`);
    expect(action).toThrow(`input "${name}" ${reason}`);
  });

  it("need the model, and a base URL for the openai backend", () => {
    expect(parsed({}).cli).toThrow("--model is required");
    expect(parsed({}).action).toThrow('input "model" is required');
    expect(parsed({ model: "m", backend: "openai" }).action).toThrow(
      'input "base-url" is required with backend openai',
    );
  });
});
