import { describe, expect, it } from "vitest";
import type { Availability, BackendName, Probe } from "../../../src/backends/backend.js";
import {
  type DeploymentEnvironment,
  describeChoice,
  ENVIRONMENTS,
  INSTALL_POLICIES,
  type InstallPolicy,
  parseBackendChoice,
  parseInstallPolicy,
  resolveEnvironment,
  resolveStrategy,
  SelectionError,
  type SelectionRequest,
  STRATEGIES,
  type Strategy,
  selectBackends,
} from "../../../src/backends/select.js";

const HINT = "install: missing";

function probes(found: Partial<Record<BackendName, Availability>>): Partial<Record<BackendName, Probe>> {
  return Object.fromEntries(
    Object.entries(found).map(([name, availability]) => [name, { availability, detail: `is ${availability}` }]),
  );
}

function auto(strategy: Strategy, environment: DeploymentEnvironment, install: InstallPolicy = "auto") {
  return { backend: "auto", strategy, environment, install } as const;
}

/** What a GitHub ubuntu runner has: Docker Engine without the model plugin, no Ollama, node-llama-cpp to fetch. */
const runner = probes({ docker: "installable", ollama: "installable", embedded: "installable" });
const withOllama = probes({ docker: "installable", ollama: "installed", embedded: "installable" });
const withDmr = probes({ docker: "running", ollama: "installable", embedded: "installed" });
const everything = probes({ docker: "installed", ollama: "installed", embedded: "installed" });
const noDocker = probes({ docker: "unavailable", ollama: "installable", embedded: "installed" });
const nothing = probes({ docker: "unavailable", ollama: "unavailable", embedded: "unavailable" });

describe("selectBackends: the decision table", () => {
  const table: [SelectionRequest, ReturnType<typeof probes>, BackendName[]][] = [
    // hybrid, install auto: what is present, in preference order, then embedded; nothing big is installed.
    [auto("hybrid", "development"), runner, ["embedded"]],
    [auto("hybrid", "production"), runner, ["embedded"]],
    [auto("hybrid", "development"), withOllama, ["ollama", "embedded"]],
    [auto("hybrid", "staging"), withOllama, ["ollama", "embedded"]],
    [auto("hybrid", "development"), withDmr, ["docker", "embedded"]],
    [auto("hybrid", "enterprise"), withDmr, ["docker", "embedded"]],
    [auto("hybrid", "production"), everything, ["docker", "ollama", "embedded"]],
    [auto("hybrid", "development"), everything, ["ollama", "docker", "embedded"]],
    [auto("hybrid", "production"), noDocker, ["embedded"]],
    // hybrid, install missing: the preferred backend is installed when missing.
    [auto("hybrid", "development", "missing"), runner, ["ollama", "docker", "embedded"]],
    [auto("hybrid", "production", "missing"), runner, ["docker", "ollama", "embedded"]],
    [auto("hybrid", "production", "missing"), noDocker, ["ollama", "embedded"]],
    [auto("hybrid", "development", "missing"), withDmr, ["ollama", "docker", "embedded"]],
    // hybrid, install never: only what is present.
    [auto("hybrid", "development", "never"), withOllama, ["ollama"]],
    [auto("hybrid", "production", "never"), withDmr, ["docker", "embedded"]],
    [auto("hybrid", "production", "never"), everything, ["docker", "ollama", "embedded"]],
    // *-only strategies name their backend: installed on demand unless install is never.
    [auto("docker-only", "development"), runner, ["docker"]],
    [auto("ollama-only", "production"), runner, ["ollama"]],
    [auto("embedded-only", "production"), runner, ["embedded"]],
    [auto("ollama-only", "staging", "missing"), runner, ["ollama"]],
    [auto("docker-only", "enterprise", "never"), withDmr, ["docker"]],
    [auto("ollama-only", "development", "never"), withOllama, ["ollama"]],
    // An explicit backend is the only candidate, whatever the strategy, and tried even when unusable.
    [{ ...auto("docker-only", "production"), backend: "llama-server" }, everything, ["llama-server"]],
    [{ ...auto("hybrid", "development"), backend: "ollama" }, runner, ["ollama"]],
    [{ ...auto("hybrid", "development", "never"), backend: "docker" }, withDmr, ["docker"]],
    [{ ...auto("hybrid", "development", "never"), backend: "docker" }, nothing, ["docker"]],
    // Nothing usable and nothing to install: the first is tried so its own error says what is missing.
    [auto("docker-only", "production"), nothing, ["docker"]],
    [auto("hybrid", "production"), nothing, ["docker"]],
  ];
  it.each(table)("%j with %j tries %j", (request, found, expected) => {
    expect(selectBackends(request, found, HINT).candidates).toEqual(expected);
  });

  it("refuses, saying what is missing and how to install it, when the policy allows nothing that is here", () => {
    const cases: [SelectionRequest, ReturnType<typeof probes>, string][] = [
      [
        auto("hybrid", "development", "never"),
        runner,
        "no backend is installed here and install is never: hybrid strategy, development environment prefers ollama, then docker, then embedded; not installed, so skipped: ollama (is installable), docker (is installable), embedded (is installable); to install ollama, set install: missing",
      ],
      [
        auto("ollama-only", "production", "never"),
        runner,
        "no backend is installed here and install is never: ollama-only strategy; not installed, so skipped: ollama (is installable); to install ollama, set install: missing",
      ],
      [
        { ...auto("hybrid", "production", "never"), backend: "embedded" },
        runner,
        "no backend is installed here and install is never: backend embedded requested; not installed, so skipped: embedded (is installable); to install embedded, set install: missing",
      ],
      [
        auto("hybrid", "production"),
        probes({ docker: "installable", ollama: "unavailable", embedded: "unavailable" }),
        "no backend is installed here and install is auto: hybrid strategy, production environment prefers docker, then ollama, then embedded; not installed, so skipped: docker (is installable); unavailable: ollama (is unavailable), embedded (is unavailable); to install docker, set install: missing",
      ],
    ];
    for (const [request, found, message] of cases) {
      expect(() => selectBackends(request, found, HINT)).toThrow(new SelectionError(message));
    }
  });

  // Every strategy, environment and install policy against every combination of what ollama, docker and
  // embedded can be: the rules the table above spells out for some, checked for all.
  const availabilities: Availability[] = ["running", "installed", "installable", "unavailable"];
  const combinations = availabilities.flatMap((ollama) =>
    availabilities.flatMap((docker) => availabilities.map((embedded) => probes({ ollama, docker, embedded }))),
  );
  const requests = STRATEGIES.flatMap((strategy) =>
    ENVIRONMENTS.flatMap((environment) => INSTALL_POLICIES.map((install) => auto(strategy, environment, install))),
  );
  it(`holds its rules over all ${requests.length} requests x ${combinations.length} presences`, () => {
    for (const request of requests) {
      const order = preferenceOf(request);
      for (const found of combinations) checkSelection(request, order, found);
    }
  });
});

/** The preference order the strategy and environment call for, as the documented table has it. */
function preferenceOf(request: SelectionRequest): BackendName[] {
  if (request.strategy !== "hybrid") return [request.strategy.replace("-only", "") as BackendName];
  return request.environment === "development" ? ["ollama", "docker", "embedded"] : ["docker", "ollama", "embedded"];
}

function present(availability: Availability | undefined): boolean {
  return availability === "running" || availability === "installed";
}

/** The rules one selection must keep, given what each backend's probe found. */
function checkSelection(request: SelectionRequest, order: readonly BackendName[], found: ReturnType<typeof probes>) {
  const availability = (name: BackendName) => found[name]?.availability;
  let candidates: readonly BackendName[];
  try {
    candidates = selectBackends(request, found, HINT).candidates;
  } catch (error) {
    // Refused only when nothing in the order is present and something was skipped for being missing.
    expect(error).toBeInstanceOf(SelectionError);
    expect(order.some((name) => present(availability(name)))).toBe(false);
    expect(order.some((name) => availability(name) === "installable")).toBe(true);
    return;
  }
  const context = `${JSON.stringify(request)} ${JSON.stringify(found)} -> ${candidates.join(",")}`;
  expect(candidates.length, context).toBeGreaterThan(0);
  // Never outside the preference order, and in its order.
  expect(candidates, context).toEqual(order.filter((name) => candidates.includes(name)));
  // Every present backend of the order is a candidate.
  for (const name of order) if (present(availability(name))) expect(candidates, context).toContain(name);
  checkInstalls(request, order, availability, candidates, context);
  // An unavailable backend is only tried when nothing else is (so its own error explains).
  const unavailable = candidates.filter((name) => availability(name) === "unavailable");
  if (unavailable.length > 0) expect(candidates, context).toEqual([order[0]]);
}

/** Installable backends are candidates exactly as the install policy allows. */
function checkInstalls(
  request: SelectionRequest,
  order: readonly BackendName[],
  availability: (name: BackendName) => Availability | undefined,
  candidates: readonly BackendName[],
  context: string,
): void {
  const installs = candidates.filter((name) => availability(name) === "installable");
  if (request.install === "never") {
    expect(installs, context).toEqual([]);
    return;
  }
  if (request.install === "auto" && request.strategy === "hybrid") {
    // Only embedded is ever installed by hybrid auto: no 1 GB Ollama download nobody asked for.
    expect(
      installs.filter((name) => name !== "embedded"),
      context,
    ).toEqual([]);
  }
  const allowed = request.install === "missing" || request.strategy !== "hybrid";
  for (const name of order) {
    if (availability(name) === "installable" && (allowed || name === "embedded")) {
      expect(candidates, context).toContain(name);
    }
  }
}

describe("the one log line", () => {
  it("names the choice, the order, what was skipped as not installed or unavailable, failures, and the install hint", () => {
    const selection = selectBackends(auto("hybrid", "production"), noDocker, HINT);
    expect(describeChoice(selection, "embedded", [])).toBe(
      "backend embedded chosen: hybrid strategy, production environment prefers docker, then ollama, then embedded; not installed, so skipped: ollama (is installable); unavailable: docker (is unavailable); to install ollama, set install: missing",
    );
    const tried = selectBackends(auto("hybrid", "development", "missing"), runner, "--install missing");
    expect(describeChoice(tried, "embedded", [{ backend: "ollama", message: "download failed" }])).toBe(
      "backend embedded chosen: hybrid strategy, development environment prefers ollama, then docker, then embedded; ollama failed (download failed)",
    );
    const cli = selectBackends(auto("hybrid", "development"), withOllama, "--install missing");
    expect(describeChoice(cli, "ollama", [])).toBe(
      "backend ollama chosen: hybrid strategy, development environment prefers ollama, then docker, then embedded; not installed, so skipped: docker (is installable); to install docker, set --install missing",
    );
    expect(describeChoice(selectBackends(auto("embedded-only", "staging"), runner, HINT), "embedded", [])).toBe(
      "backend embedded chosen: embedded-only strategy",
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
    expect(parseInstallPolicy(undefined)).toBe("auto");
    expect(parseInstallPolicy(" Missing")).toBe("missing");
  });

  it("refuses unknown values, naming where they came from", () => {
    expect(() => resolveStrategy(undefined, { MODEL_DISTRIBUTION: "cloud" })).toThrow(
      new SelectionError(
        'MODEL_DISTRIBUTION must be one of hybrid, docker-only, ollama-only, embedded-only, got "cloud"',
      ),
    );
    expect(() => resolveEnvironment("prod", {})).toThrow(/environment must be one of/);
    expect(() => parseInstallPolicy("always")).toThrow(
      new SelectionError('install must be one of auto, missing, never, got "always"'),
    );
    expect(() => parseBackendChoice("vllm")).toThrow(/unknown backend "vllm"/);
    expect(parseBackendChoice(" Ollama ")).toBe("ollama");
  });
});
