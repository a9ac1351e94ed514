import { CortexError, NotFoundError } from "../core/errors.js";
import { DOCKER_HUB, DOCKER_HUB_ENDPOINT } from "../core/ref.js";

/** What a registry said about a failure: HTTP status and the error codes of its JSON body. */
export interface RegistryFailure {
  readonly status: number;
  readonly codes: readonly string[];
}

/**
 * A registry answered with an error, or could not be reached; the message names host, repository and cause.
 * The run could not be made, so the CLI exits 2.
 */
export class RegistryError extends CortexError implements RegistryFailure {
  override readonly exitCode: number = 2;
  readonly status: number;
  readonly codes: readonly string[];

  constructor(message: string, failure: Partial<RegistryFailure> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.status = failure.status ?? 0;
    this.codes = failure.codes ?? [];
  }
}

/** Credentials missing, wrong, or without the rights the operation needs. */
export class RegistryAuthError extends RegistryError {}

/** The registry does not hold the manifest, blob or repository asked for. */
export class RegistryNotFoundError extends NotFoundError implements RegistryFailure {
  readonly status: number;
  readonly codes: readonly string[];

  constructor(message: string, failure: RegistryFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.status = failure.status;
    this.codes = failure.codes;
  }
}

const DOCKER_HUB_NAMES = new Set([DOCKER_HUB, "index.docker.io", DOCKER_HUB_ENDPOINT]);

const NOT_FOUND_CODES = new Set(["MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN", "BLOB_UPLOAD_UNKNOWN"]);

interface ErrorBody {
  errors?: { code?: unknown; message?: unknown; detail?: unknown }[];
}

/** Reads the distribution-spec error body (`{"errors":[{"code","message"}]}`) when there is one. */
export function parseErrorBody(text: string): { codes: string[]; messages: string[] } {
  try {
    const body = JSON.parse(text) as ErrorBody;
    const errors = Array.isArray(body.errors) ? body.errors : [];
    return {
      codes: errors.map((e) => String(e.code ?? "")).filter((c) => c !== ""),
      messages: errors.map((e) => String(e.message ?? "")).filter((m) => m !== ""),
    };
  } catch {
    return { codes: [], messages: [] };
  }
}

function firstLine(text: string): string {
  return (text.trim().split("\n")[0] ?? "").slice(0, 200);
}

/**
 * The error for a failed response. `where` names host and repository (`registry 127.0.0.1:5000, repository
 * ai/model`), `what` the operation (`manifest latest`). The body text has already been redacted. `anonymous`
 * says no credential was available, which is the likelier cause of a 401 than a wrong one; `foreignHost`
 * names the other host a redirect led to, when it is that host that refused.
 */
export function errorForResponse(
  where: string,
  what: string,
  status: number,
  bodyText: string,
  /** `registry`: the host to give `docker login`; `foreignHost`: the other host a redirect led to, when it refused. */
  options: { anonymous?: boolean; registry?: string; foreignHost?: string } = {},
): CortexError {
  const { codes, messages } = parseErrorBody(bodyText);
  // A body without the spec's error list (a proxy's HTML page, plain text) is quoted by its first line.
  const detail = codes.length > 0 || messages.length > 0 ? messages.join("; ") : firstLine(bodyText);
  const codeText = codes.length > 0 ? ` ${codes.join(",")}` : "";
  const failure = { status, codes };
  if (status === 404 || codes.some((c) => NOT_FOUND_CODES.has(c))) {
    return new RegistryNotFoundError(
      `${where}: ${what} not found (HTTP ${status}${codeText}${detail ? `: ${detail}` : ""})`,
      failure,
    );
  }
  if (status === 401 || status === 403) {
    const reason = status === 401 ? "authentication failed" : "access denied";
    const host = options.registry ?? "";
    // Docker Hub is docker login's default, under whichever of its names the request used.
    const login = host === "" || DOCKER_HUB_NAMES.has(host) ? "docker login" : `docker login ${host}`;
    const hint = options.foreignHost
      ? `the registry's credentials are never sent to another origin; ${options.anonymous ? "give" : "check"} ${options.foreignHost} its own (\`docker login ${options.foreignHost}\`)`
      : options.anonymous
        ? `no credentials were found for this registry: run \`${login}\` (read from $DOCKER_CONFIG/config.json, by default ~/.docker/config.json), give a user name and password, or set GITHUB_TOKEN for ghcr.io`
        : `check the credentials for this registry (\`${login}\` replaces those in $DOCKER_CONFIG/config.json, by default ~/.docker/config.json)`;
    return new RegistryAuthError(
      `${where}: ${reason} for ${what} (HTTP ${status}${codeText}${detail ? `: ${detail}` : ""}); ${hint}`,
      failure,
    );
  }
  return new RegistryError(
    `${where}: ${what} failed with HTTP ${status}${codeText}${detail ? `: ${detail}` : ""}`,
    failure,
  );
}
