import { describe, expect, it } from "vitest";
import type { Availability, BackendName, Probe } from "../../../src/backends/backend.js";
import {
  describeChoice,
  parseBackendChoice,
  resolveEnvironment,
  resolveStrategy,
  SelectionError,
  type SelectionRequest,
  selectBackends,
} from "../../../src/backends/select.js";

function probes(found: Partial<Record<BackendName, Availability>>): Partial<Record<BackendName, Probe>> {
  return Object.fromEntries(
    Object.entries(found).map(([name, availability]) => [name, { availability, detail: `is ${availability}` }]),
  );
}

const everything = probes({ docker: "installed", ollama: "installable", embedded: "installed" });
const noDocker = probes({ docker: "unavailable", ollama: "installable", embedded: "installed" });
const onlyEmbedded = probes({ docker: "unavailable", ollama: "unavailable", embedded: "installed" });

describe("selectBackends", () => {
  const table: [SelectionRequest, ReturnType<typeof probes>, BackendName[]][] = [
    [{ backend: "auto", strategy: "hybrid", environment: "production" }, everything, ["docker", "ollama", "embedded"]],
    [{ backend: "auto", strategy: "hybrid", environment: "staging" }, everything, ["docker", "ollama", "embedded"]],
    [{ backend: "auto", strategy: "hybrid", environment: "enterprise" }, noDocker, ["ollama", "embedded"]],
    [{ backend: "auto", strategy: "hybrid", environment: "development" }, everything, ["ollama", "docker", "embedded"]],
    [{ backend: "auto", strategy: "hybrid", environment: "development" }, onlyEmbedded, ["embedded"]],
    [{ backend: "auto", strategy: "docker-only", environment: "development" }, everything, ["docker"]],
    [{ backend: "auto", strategy: "ollama-only", environment: "production" }, everything, ["ollama"]],
    [{ backend: "auto", strategy: "embedded-only", environment: "production" }, everything, ["embedded"]],
    [{ backend: "llama-server", strategy: "docker-only", environment: "production" }, everything, ["llama-server"]],
    [{ backend: "auto", strategy: "docker-only", environment: "production" }, onlyEmbedded, ["docker"]],
  ];
  it.each(table)("%j with %j tries %j", (request, found, expected) => {
    expect(selectBackends(request, found).candidates).toEqual(expected);
  });

  it("says why it skipped a backend, and the one line names the choice and the failures before it", () => {
    const selection = selectBackends({ backend: "auto", strategy: "hybrid", environment: "production" }, noDocker);
    expect(selection.reason).toBe(
      "hybrid strategy, production environment prefers docker; skipped docker is unavailable",
    );
    expect(describeChoice(selection, "embedded", [{ backend: "ollama", message: "download failed" }])).toBe(
      "backend embedded chosen: hybrid strategy, production environment prefers docker; skipped docker is unavailable; ollama failed (download failed)",
    );
  });
});

describe("inputs of the selection", () => {
  it("reads the input first, then MODEL_DISTRIBUTION / DEPLOYMENT_ENV, then the defaults", () => {
    expect(resolveStrategy("Docker-Only", { MODEL_DISTRIBUTION: "ollama-only" })).toBe("docker-only");
    expect(resolveStrategy(undefined, { MODEL_DISTRIBUTION: "ollama-only" })).toBe("ollama-only");
    expect(resolveStrategy(undefined, {})).toBe("hybrid");
    expect(resolveEnvironment(undefined, { DEPLOYMENT_ENV: "staging" })).toBe("staging");
    expect(resolveEnvironment(undefined, {})).toBe("development");
  });

  it("refuses unknown values, naming where they came from", () => {
    expect(() => resolveStrategy(undefined, { MODEL_DISTRIBUTION: "cloud" })).toThrow(
      new SelectionError(
        'MODEL_DISTRIBUTION must be one of hybrid, docker-only, ollama-only, embedded-only, got "cloud"',
      ),
    );
    expect(() => resolveEnvironment("prod", {})).toThrow(/environment must be one of/);
    expect(() => parseBackendChoice("vllm")).toThrow(/unknown backend "vllm"/);
    expect(parseBackendChoice(" Ollama ")).toBe("ollama");
  });
});
