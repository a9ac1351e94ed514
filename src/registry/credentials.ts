import { dockerConfigCredential } from "./docker-config.js";

/** What can prove who we are to a registry. */
export type Credential =
  | { readonly kind: "basic"; readonly username: string; readonly password: string }
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token realm. */
  | { readonly kind: "identityToken"; readonly token: string }
  /** A bearer token sent as it is (docker's `registrytoken`, or a token given explicitly). */
  | { readonly kind: "registryToken"; readonly token: string };

/** Credentials given explicitly (action inputs, CLI options). */
export interface ExplicitCredentials {
  readonly username?: string | undefined;
  readonly password?: string;
  readonly token?: string;
}

export interface CredentialOptions {
  readonly credentials?: ExplicitCredentials;
  readonly env?: NodeJS.ProcessEnv;
}

const GHCR = "ghcr.io";

/**
 * Credentials for a registry, first match wins: explicit options, the docker CLI's config (credHelpers,
 * credsStore, auths), then `GITHUB_TOKEN` for ghcr.io. Undefined means anonymous.
 */
export async function resolveCredential(
  registry: string,
  options: CredentialOptions = {},
): Promise<Credential | undefined> {
  const env = options.env ?? process.env;
  const explicit = options.credentials;
  if (explicit?.username && explicit.password) {
    return { kind: "basic", username: explicit.username, password: explicit.password };
  }
  if (explicit?.token) return { kind: "registryToken", token: explicit.token };
  const configured = await dockerConfigCredential(registry, env);
  if (configured) return configured;
  if (registry === GHCR && env.GITHUB_TOKEN) {
    // ghcr.io accepts any user name with a token as the password; the actor is the honest one.
    return { kind: "basic", username: env.GITHUB_ACTOR || "x-access-token", password: env.GITHUB_TOKEN };
  }
  return undefined;
}

/** Every secret value inside a credential, for the redactor. */
export function credentialSecrets(credential: Credential): string[] {
  switch (credential.kind) {
    case "basic":
      return [credential.password, Buffer.from(`${credential.username}:${credential.password}`).toString("base64")];
    case "identityToken":
    case "registryToken":
      return [credential.token];
  }
}
