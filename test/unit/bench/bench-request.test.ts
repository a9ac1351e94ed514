import { afterEach, describe, expect, it } from "vitest";
import { parseBenchSettings } from "../../../src/bench/bench-request.js";
import { flagSource, parseCommandArgs } from "../../../src/cli/command.js";
import { bothShells, clearInputs } from "../../helpers/setting-sources.js";

afterEach(clearInputs);

function parsed(settings: Record<string, string | true>) {
  const { cli, action, warnings } = bothShells("bench", settings, ["warn-only"]);
  return {
    cli: () => parseBenchSettings(cli, "/work"),
    action: () => parseBenchSettings(action, "/work"),
    warnings,
  };
}

const candidate = { "base-url": "http://127.0.0.1:1/v1", "model-id": "m" };
const served = { "baseline-base-url": "http://127.0.0.1:2/v1", "baseline-model-id": "b" };

describe("bench settings, parsed once for the CLI and the action", () => {
  it("give the same request from flags and from inputs, files resolved against the directory", () => {
    const { cli, action, warnings } = parsed({
      ...candidate,
      model: "registry.test/ns/m:v2",
      digest: `sha256:${"a".repeat(64)}`,
      backend: "embedded",
      threads: "2",
      pid: "42",
      "load-seconds": "1.5",
      "warm-load-seconds": "0.25",
      ...served,
      "baseline-model": "registry.test/ns/m:stable",
      scenario: "bench/scenario.yaml",
      runs: "20",
      warmup: "0",
      thresholds: "ttft=10,tpot=7.5",
      "warn-only": true,
      "gate-name": "perf/cpu",
    });
    expect(cli()).toEqual(action());
    expect(cli()).toEqual({
      candidate: {
        baseUrl: "http://127.0.0.1:1/v1",
        model: "m",
        ref: "registry.test/ns/m:v2",
        digest: `sha256:${"a".repeat(64)}`,
        backend: "embedded",
        threads: 2,
        pid: 42,
        coldLoadMs: [1500],
        warmLoadMs: [250],
      },
      baseline: {
        kind: "served",
        side: {
          baseUrl: "http://127.0.0.1:2/v1",
          model: "b",
          ref: "registry.test/ns/m:stable",
          coldLoadMs: [],
          warmLoadMs: [],
        },
      },
      scenarioFile: "/work/bench/scenario.yaml",
      runs: 20,
      warmup: 0,
      thresholdsPct: { ttft: 10, tpot: 7.5 },
      warnOnly: true,
      gateName: "perf/cpu",
    });
    expect(warnings).toEqual({ cli: [], action: [] });
  });

  it("default the same way, and take a stored baseline from a file or a reference", () => {
    const file = parsed({ ...candidate, "baseline-file": "base.json" });
    expect(file.cli()).toEqual(file.action());
    expect(file.cli()).toEqual({
      candidate: { baseUrl: "http://127.0.0.1:1/v1", model: "m", coldLoadMs: [], warmLoadMs: [] },
      baseline: { kind: "file", path: "/work/base.json" },
      thresholdsPct: {},
      warnOnly: false,
      gateName: "bench",
    });
    clearInputs();
    const ref = parsed({ ...candidate, "baseline-ref": "registry.test/ns/m:stable" });
    expect(ref.cli()).toEqual(ref.action());
    expect(ref.cli().baseline).toEqual({ kind: "ref", ref: "registry.test/ns/m:stable" });
    clearInputs();
    // None given: the CLI refuses it, the action may restore one from its cache.
    expect(parsed(candidate).cli().baseline).toBeUndefined();
  });

  it.each([
    ["runs", "0", 'must be an integer from 1 to 10000, got "0"'],
    ["baseline-threads", "0", 'must be an integer from 1 to 1024, got "0"'],
    ["pid", "x", 'must be an integer from 1 to 4194304, got "x"'],
    ["load-seconds", "-1", 'must be a number from 0 to 86400, got "-1"'],
    ["thresholds", "speed=5", ': threshold "speed=5" is not METRIC=PERCENT'],
    ["gate-name", "a-->b", ': gate name "a-->b" may only hold'],
  ])("refuse %s %s, each shell naming the setting its own way", (name, value, reason) => {
    const { cli, action } = parsed({ ...candidate, ...served, [name]: value });
    expect(cli).toThrow(`--${name}${reason.startsWith(":") ? "" : " "}${reason}`);
    expect(action).toThrow(`input "${name}"${reason.startsWith(":") ? "" : " "}${reason}`);
  });

  it("need both halves of a served side, and at most one baseline", () => {
    expect(parsed({ "base-url": "http://127.0.0.1:1/v1" }).cli).toThrow("--base-url and --model-id go together");
    clearInputs();
    expect(parsed({ ...candidate, "baseline-model-id": "b" }).action).toThrow(
      'input "baseline-base-url" and input "baseline-model-id" go together',
    );
    clearInputs();
    expect(parsed({ ...candidate, ...served, "baseline-file": "x.json" }).cli).toThrow(
      "give exactly one baseline: --baseline-base-url with --baseline-model-id (interleaved A/B), --baseline-file or --baseline-ref",
    );
  });
});

describe("bench's deprecated spellings", () => {
  it("read the CLI's old flags, converting milliseconds, with one warning each naming the new flag", () => {
    const args = [
      "--base-url=http://127.0.0.1:1/v1",
      "--model=m",
      "--ref=registry.test/ns/m:v2",
      "--cold-load-ms=1500",
      "--cold-load-ms=1700",
      "--baseline-base-url=http://127.0.0.1:2/v1",
      "--baseline-model=b",
      "--baseline-warm-load-ms=250",
      "--threshold=ttft=10",
      "--threshold=tpot=5",
    ];
    const multiple = { type: "string", multiple: true } as const;
    const { values } = parseCommandArgs(
      "bench",
      args,
      {
        "base-url": { type: "string" },
        model: { type: "string" },
        ref: { type: "string" },
        "cold-load-ms": multiple,
        "baseline-base-url": { type: "string" },
        "baseline-model": { type: "string" },
        "baseline-warm-load-ms": multiple,
        threshold: multiple,
      },
      false,
    );
    const warnings: string[] = [];
    const settings = parseBenchSettings(
      flagSource(values, (m) => warnings.push(m)),
      "/work",
    );
    expect(settings.candidate).toMatchObject({ model: "m", ref: "registry.test/ns/m:v2", coldLoadMs: [1500, 1700] });
    expect(settings.baseline).toEqual({
      kind: "served",
      side: { baseUrl: "http://127.0.0.1:2/v1", model: "b", coldLoadMs: [], warmLoadMs: [250] },
    });
    expect(settings.thresholdsPct).toEqual({ ttft: 10, tpot: 5 });
    expect(warnings).toEqual([
      "--model as the served model name is deprecated; give that as --model-id and the model reference as --model (instead of --ref)",
      '--cold-load-ms is deprecated; use --load-seconds (--cold-load-ms "1500\n1700" is --load-seconds "1.5\n1.7")',
      "--baseline-model as the served model name is deprecated; give that as --baseline-model-id and the model reference as --baseline-model",
      '--baseline-warm-load-ms is deprecated; use --baseline-warm-load-seconds (--baseline-warm-load-ms "250" is --baseline-warm-load-seconds "0.25")',
      "--threshold is deprecated; use --thresholds",
    ]);
  });

  it("read the action's old inputs: fail-on-regression inverted into warn-only, model-ref as model", () => {
    const { action, warnings } = parsed({
      "base-url": "http://127.0.0.1:1/v1",
      model: "m",
      "model-ref": "registry.test/ns/m:v2",
      ...served,
      "baseline-model-ref": "registry.test/ns/m:stable",
      "fail-on-regression": "false",
    });
    expect(action()).toMatchObject({
      candidate: { model: "m", ref: "registry.test/ns/m:v2" },
      baseline: { side: { model: "b", ref: "registry.test/ns/m:stable" } },
      warnOnly: true,
    });
    expect(warnings.action).toEqual([
      'input "model" as the served model name is deprecated; give that as input "model-id" and the model reference as input "model" (instead of input "model-ref")',
      'input "baseline-model-ref" is deprecated; use input "baseline-model"',
      'input "fail-on-regression" is deprecated; use input "warn-only" (input "fail-on-regression" "false" is input "warn-only" "true")',
    ]);
  });

  it("take an old and a new spelling that agree, and refuse them when they disagree", () => {
    const agree = parsed({ ...candidate, ...served, "warn-only": true, "fail-on-regression": "false" });
    expect(agree.action().warnOnly).toBe(true);
    clearInputs();
    const disagree = parsed({ ...candidate, ...served, "warn-only": true, "fail-on-regression": "true" });
    expect(disagree.action).toThrow(
      'input "warn-only" ("true") and its deprecated spelling input "fail-on-regression" ("true") disagree; give only input "warn-only"',
    );
    clearInputs();
    expect(parsed({ ...candidate, ...served, thresholds: "ttft=10", threshold: "ttft=20" }).cli).toThrow(
      '--thresholds ("ttft=10") and its deprecated spelling --threshold ("ttft=20") disagree; give only --thresholds',
    );
    clearInputs();
    expect(parsed({ ...candidate, ...served, "fail-on-regression": "maybe" }).action).toThrow(
      'input "fail-on-regression" must be true or false, got "maybe"',
    );
  });
});
