import { UsageError } from "../core/errors.js";
import { type BackendName, isBackendName, type Probe } from "./backend.js";

/**
 * The hybrid selection policy behind `backend: auto`: Docker Model Runner for production-like deployments,
 * Ollama for development and compatibility, each falling back to the other, and embedded llama.cpp last
 * because it runs wherever node does. A pure function over what a probe found, so the whole policy is one
 * table in the tests; the caller tries the candidates in order and moves on when one fails to prepare.
 *
 *   strategy       environment                      preference order
 *   hybrid         production, staging, enterprise  docker, ollama, embedded
 *   hybrid         development (the default)        ollama, docker, embedded
 *   docker-only    any                              docker
 *   ollama-only    any                              ollama
 *   embedded-only  any                              embedded
 *
 * An explicit `backend` (not auto) is the only candidate, whatever the strategy. llama-server and openai are
 * only ever chosen by name. Installing is the expensive part (an Ollama release is over 1 GB), so it happens
 * only when asked for, by the install policy:
 *
 *   auto (default)  installs what was named (an explicit backend, a *-only strategy); hybrid uses the
 *                   backends present (running or installed) in preference order, then embedded, whose
 *                   node-llama-cpp install is small and which is the last resort
 *   missing         installs the preferred backend when it is missing (hybrid tries them all, in order)
 *   never           uses only what is present; fails, saying what is missing, when nothing is
 */

export const STRATEGIES = ["hybrid", "docker-only", "ollama-only", "embedded-only"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const ENVIRONMENTS = ["production", "staging", "enterprise", "development"] as const;
export type DeploymentEnvironment = (typeof ENVIRONMENTS)[number];

/** Environment variables read when the inputs are empty. */
export const STRATEGY_ENV = "MODEL_DISTRIBUTION";
export const ENVIRONMENT_ENV = "DEPLOYMENT_ENV";

export type BackendChoice = BackendName | "auto";

export const INSTALL_POLICIES = ["auto", "missing", "never"] as const;
export type InstallPolicy = (typeof INSTALL_POLICIES)[number];

export interface SelectionRequest {
  readonly backend: BackendChoice;
  readonly strategy: Strategy;
  readonly environment: DeploymentEnvironment;
  readonly install: InstallPolicy;
}

export type Probes = Readonly<Partial<Record<BackendName, Probe>>>;

/** A backend of the preference order left out, and why, for the one log line. */
export interface Skipped {
  readonly backend: BackendName;
  /** "missing": prepare() could install it but the policy does not allow it; "unavailable": it cannot run here. */
  readonly why: "missing" | "unavailable";
  readonly detail: string;
}

export interface Selection {
  /** Backends to try, in order; never empty. */
  readonly candidates: readonly BackendName[];
  /** Why this order: "hybrid strategy, production environment prefers docker, then ollama, then embedded". */
  readonly reason: string;
  readonly skipped: readonly Skipped[];
  /** How to have the most preferred skipped backend installed ("to install ollama instead, set ..."), if any. */
  readonly hint?: string;
}

/** A strategy, environment or install policy that is not one of the listed values; names where it came from. */
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

export function parseInstallPolicy(value: string | undefined): InstallPolicy {
  return value === undefined ? "auto" : parseOne(INSTALL_POLICIES, value, "install");
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

/** The backends the request may use, most preferred first: what the caller probes. */
export function preferenceOrder(request: SelectionRequest): readonly BackendName[] {
  if (request.backend !== "auto") return [request.backend];
  switch (request.strategy) {
    case "docker-only":
      return ["docker"];
    case "ollama-only":
      return ["ollama"];
    case "embedded-only":
      return ["embedded"];
    case "hybrid":
      return request.environment === "development"
        ? ["ollama", "docker", "embedded"]
        : ["docker", "ollama", "embedded"];
  }
}

function orderReason(request: SelectionRequest, order: readonly BackendName[]): string {
  if (request.backend !== "auto") return `backend ${request.backend} requested`;
  if (request.strategy !== "hybrid") return `${request.strategy} strategy`;
  return `hybrid strategy, ${request.environment} environment prefers ${order.join(", then ")}`;
}

/** Whether the request allows prepare() to install `name` when a probe finds it missing. */
function mayInstall(request: SelectionRequest, name: BackendName): boolean {
  switch (request.install) {
    case "missing":
      return true;
    case "never":
      return false;
    case "auto":
      return request.backend !== "auto" || request.strategy !== "hybrid" || name === "embedded";
  }
}

function present(probe: Probe | undefined): boolean {
  return probe?.availability === "running" || probe?.availability === "installed";
}

/** Why a backend of the order is not a candidate, or undefined when it is one. */
function skipReason(
  request: SelectionRequest,
  name: BackendName,
  probe: Probe | undefined,
): Skipped["why"] | undefined {
  if (present(probe)) return undefined;
  if (probe?.availability === "installable") return mayInstall(request, name) ? undefined : "missing";
  // A backend named explicitly is tried even when it looks unusable: its own error says what is wrong.
  return request.backend === "auto" ? "unavailable" : undefined;
}

/**
 * `installOption` is how the caller's user asks for installs ("install: missing" in the action, "--install
 * missing" in the CLI), for the hint in the log line and in the error when nothing is present.
 */
export function selectBackends(request: SelectionRequest, probes: Probes, installOption: string): Selection {
  const order = preferenceOrder(request);
  const reason = orderReason(request, order);
  const candidates: BackendName[] = [];
  const skipped: Skipped[] = [];
  for (const name of order) {
    const why = skipReason(request, name, probes[name]);
    if (why === undefined) candidates.push(name);
    else skipped.push({ backend: name, why, detail: probes[name]?.detail ?? "is not part of this build" });
  }
  const missing = skipped.find((skip) => skip.why === "missing");
  // Nothing is skipped as missing under install: missing, so a hint always names a policy that would help.
  const hint = missing ? `to install ${missing.backend}, set ${installOption}` : undefined;
  if (candidates.length > 0) return { candidates, reason, skipped, ...(hint ? { hint } : {}) };
  if (hint) {
    throw new SelectionError(
      `no backend is installed here and install is ${request.install}: ${reason}; ${describeSkipped(skipped)}; ${hint}`,
    );
  }
  // Nothing usable: still try the first, so its own error explains what is missing.
  return { candidates: [order[0] as BackendName], reason, skipped };
}

function describeSkipped(skipped: readonly Skipped[]): string {
  const missing = skipped.filter((skip) => skip.why === "missing");
  const unavailable = skipped.filter((skip) => skip.why === "unavailable");
  const list = (skips: Skipped[]) => skips.map((skip) => `${skip.backend} (${skip.detail})`).join(", ");
  return [
    ...(missing.length > 0 ? [`not installed, so skipped: ${list(missing)}`] : []),
    ...(unavailable.length > 0 ? [`unavailable: ${list(unavailable)}`] : []),
  ].join("; ");
}

/**
 * The one line the selection logs: what it chose and why, what it skipped because it is not installed or
 * cannot run here, the candidates that failed before it, and how to have the preferred one installed.
 */
export function describeChoice(
  selection: Selection,
  chosen: BackendName,
  failures: readonly { backend: BackendName; message: string }[],
): string {
  const skipped = describeSkipped(selection.skipped);
  const failed = failures.map((failure) => `${failure.backend} failed (${failure.message})`);
  const parts = [
    selection.reason,
    ...(skipped ? [skipped] : []),
    ...failed,
    ...(selection.hint ? [selection.hint] : []),
  ];
  return `backend ${chosen} chosen: ${parts.join("; ")}`;
}
