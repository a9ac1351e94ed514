import { UsageError } from "../errors.js";
import { type Availability, type BackendName, isBackendName, type Probe } from "./backend.js";

/**
 * The hybrid selection policy behind `backend: auto`: Docker Model Runner for production-like deployments,
 * Ollama for development and compatibility, each falling back to the other, and embedded llama.cpp last
 * because it runs wherever node does. A pure function over what a probe found, so the whole policy is one
 * table in the tests; the caller tries the candidates in order and moves on when one fails to prepare.
 *
 *   strategy       environment                      candidates, in order
 *   hybrid         production, staging, enterprise  docker, ollama, embedded
 *   hybrid         development (the default)        ollama, docker, embedded
 *   docker-only    any                              docker
 *   ollama-only    any                              ollama
 *   embedded-only  any                              embedded
 *
 * An explicit `backend` (not auto) is the only candidate, whatever the strategy. Candidates a probe finds
 * unavailable are skipped; llama-server and openai are only ever chosen by name.
 */

export const STRATEGIES = ["hybrid", "docker-only", "ollama-only", "embedded-only"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const ENVIRONMENTS = ["production", "staging", "enterprise", "development"] as const;
export type DeploymentEnvironment = (typeof ENVIRONMENTS)[number];

/** Environment variables read when the inputs are empty. */
export const STRATEGY_ENV = "MODEL_DISTRIBUTION";
export const ENVIRONMENT_ENV = "DEPLOYMENT_ENV";

export type BackendChoice = BackendName | "auto";

export interface SelectionRequest {
  readonly backend: BackendChoice;
  readonly strategy: Strategy;
  readonly environment: DeploymentEnvironment;
}

export type Probes = Readonly<Partial<Record<BackendName, Probe>>>;

export interface Selection {
  /** Backends to try, in order; never empty. */
  readonly candidates: readonly BackendName[];
  /** Why this order, for the one log line: "hybrid strategy, production environment prefers docker". */
  readonly reason: string;
}

/** A strategy or environment that is not one of the listed values; names where it came from. */
export class SelectionError extends UsageError {}

function parseOne<T extends string>(values: readonly T[], value: string, what: string): T {
  const normalised = value.trim().toLowerCase();
  if ((values as readonly string[]).includes(normalised)) return normalised as T;
  throw new SelectionError(`${what} must be one of ${values.join(", ")}, got "${value}"`);
}

export function parseBackendChoice(value: string): BackendChoice {
  const normalised = value.trim().toLowerCase();
  if (normalised === "auto" || isBackendName(normalised)) return normalised;
  throw new SelectionError(`unknown backend "${value}": use auto, embedded, ollama, docker, llama-server or openai`);
}

/** The input when given, else the environment variable, else the default; `what` names the source in errors. */
export function resolveStrategy(input: string | undefined, env: NodeJS.ProcessEnv): Strategy {
  if (input !== undefined) return parseOne(STRATEGIES, input, "strategy");
  const fromEnv = env[STRATEGY_ENV];
  return fromEnv ? parseOne(STRATEGIES, fromEnv, STRATEGY_ENV) : "hybrid";
}

export function resolveEnvironment(input: string | undefined, env: NodeJS.ProcessEnv): DeploymentEnvironment {
  if (input !== undefined) return parseOne(ENVIRONMENTS, input, "environment");
  const fromEnv = env[ENVIRONMENT_ENV];
  return fromEnv ? parseOne(ENVIRONMENTS, fromEnv, ENVIRONMENT_ENV) : "development";
}

function preferenceOrder(request: SelectionRequest): { order: BackendName[]; reason: string } {
  switch (request.strategy) {
    case "docker-only":
      return { order: ["docker"], reason: "docker-only strategy" };
    case "ollama-only":
      return { order: ["ollama"], reason: "ollama-only strategy" };
    case "embedded-only":
      return { order: ["embedded"], reason: "embedded-only strategy" };
    case "hybrid":
      return request.environment === "development"
        ? { order: ["ollama", "docker", "embedded"], reason: "hybrid strategy, development environment prefers ollama" }
        : {
            order: ["docker", "ollama", "embedded"],
            reason: `hybrid strategy, ${request.environment} environment prefers docker`,
          };
  }
}

function usable(availability: Availability | undefined): boolean {
  return availability !== undefined && availability !== "unavailable";
}

export function selectBackends(request: SelectionRequest, probes: Probes): Selection {
  if (request.backend !== "auto")
    return { candidates: [request.backend], reason: `backend ${request.backend} requested` };
  const { order, reason } = preferenceOrder(request);
  const candidates = order.filter((name) => usable(probes[name]?.availability));
  const skipped = order.filter((name) => !usable(probes[name]?.availability));
  const why = skipped.map((name) => `${name} ${probes[name]?.detail ?? "not available"}`);
  if (candidates.length === 0) {
    // Nothing usable: still try the first, so its own error explains what is missing.
    return { candidates: [order[0] as BackendName], reason: `${reason}; nothing usable found (${why.join("; ")})` };
  }
  return { candidates, reason: why.length === 0 ? reason : `${reason}; skipped ${why.join("; ")}` };
}

/** The one line `auto` logs: what it chose and why, including the candidates that failed before it. */
export function describeChoice(
  selection: Selection,
  chosen: BackendName,
  failures: readonly { backend: BackendName; message: string }[],
): string {
  const failed = failures.map((failure) => `${failure.backend} failed (${failure.message})`);
  return `backend ${chosen} chosen: ${[selection.reason, ...failed].join("; ")}`;
}
