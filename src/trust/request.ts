import { TrustedRoot } from "@sigstore/protobuf-specs";
import { TrustUsageError } from "./errors.js";
import { parsePrivateKey, parsePublicKey } from "./keys.js";
import { SIGSTORE_PUBLIC_GOOD, type SigningIdentity } from "./signer.js";
import type { IdentityRule, TrustPolicy } from "./verify.js";

/** How to sign, as the CLI flags and the action inputs say it. */
export interface SigningRequest {
  /** A PEM private key, or the path of a file holding one. */
  readonly key?: string;
  readonly keyPassword?: string;
  /** Sign through Sigstore with the run's OIDC identity instead of a key. */
  readonly keyless?: boolean;
  /** With a key: also record the signature in Rekor (`rekorUrl`, else the public-good log). */
  readonly tlogUpload?: boolean;
  readonly fulcioUrl?: string;
  readonly rekorUrl?: string;
  readonly tsaUrl?: string;
}

/** Whom to trust, as the CLI flags and the action inputs say it. */
export interface VerificationRequest {
  /** PEM public keys, or paths of files holding them. */
  readonly keys: readonly string[];
  /** Keyless signers: regular expressions over the certificate identity, each with the issuer below. */
  readonly identityRegexps: readonly string[];
  readonly issuer?: string;
  /** A Sigstore `trusted_root.json`; without one, keyless verification fetches the public-good root by TUF. */
  readonly trustedRoot?: string;
}

/** What the shells supply: files, environment, and where secrets are announced for masking. */
export interface TrustLookups {
  readFile(path: string): Promise<string>;
  readonly env: NodeJS.ProcessEnv;
  /** Called with every secret (key contents, password) before anything could print it. */
  readonly onSecret?: (secret: string) => void;
}

/** The issuer of GitHub Actions' OIDC tokens, the default for keyless identities. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

async function pemFrom(value: string, what: string, lookups: TrustLookups): Promise<string> {
  if (value.includes("-----BEGIN")) return value;
  try {
    return await lookups.readFile(value);
  } catch (error) {
    throw new TrustUsageError(`cannot read ${what} ${value}: ${(error as Error).message}`, { cause: error });
  }
}

/** The signing identity a request names, or undefined when it asks for no signing. */
export async function resolveSigning(
  request: SigningRequest,
  lookups: TrustLookups,
): Promise<SigningIdentity | undefined> {
  const pem = request.key !== undefined ? await pemFrom(request.key, "signing key", lookups) : undefined;
  return signingIdentity(request, pem, lookups);
}

/**
 * The signing identity from a request whose key (when it names one) was already read as `pem`: for shells
 * that read files synchronously while parsing their inputs.
 */
export function signingIdentity(
  request: SigningRequest,
  pem: string | undefined,
  lookups: Pick<TrustLookups, "env" | "onSecret">,
): SigningIdentity | undefined {
  if (request.key !== undefined && request.keyless) {
    throw new TrustUsageError("sign with a key or keyless, not both");
  }
  if (request.key !== undefined && pem !== undefined) {
    lookups.onSecret?.(pem);
    const password = request.keyPassword ?? lookups.env.COSIGN_PASSWORD;
    if (password) lookups.onSecret?.(password);
    const source = request.key.includes("-----BEGIN") ? "the signing key" : request.key;
    const key = parsePrivateKey(pem, { ...(password ? { password } : {}), source });
    if (!request.tlogUpload) return { kind: "key", key };
    return { kind: "key", key, rekorUrl: request.rekorUrl ?? SIGSTORE_PUBLIC_GOOD.rekor };
  }
  if (!request.keyless) return undefined;
  const token = lookups.env.SIGSTORE_ID_TOKEN;
  if (token) lookups.onSecret?.(token);
  return {
    kind: "keyless",
    ...(token ? { token: async () => token } : {}),
    ...(request.fulcioUrl ? { fulcioUrl: request.fulcioUrl } : {}),
    ...(request.rekorUrl ? { rekorUrl: request.rekorUrl } : {}),
    ...(request.tsaUrl ? { tsaUrl: request.tsaUrl } : {}),
  };
}

function identityRule(pattern: string, issuer: string): IdentityRule {
  try {
    return { identity: new RegExp(pattern), issuer };
  } catch (error) {
    throw new TrustUsageError(`certificate identity "${pattern}" is not a regular expression`, { cause: error });
  }
}

async function loadTrustedRoot(path: string | undefined, lookups: TrustLookups): Promise<TrustedRoot> {
  if (path === undefined) {
    // Loaded on demand: TUF is only needed for keyless verification against Sigstore's public-good instance.
    const { getTrustedRoot } = await import("@sigstore/tuf");
    return getTrustedRoot();
  }
  try {
    return TrustedRoot.fromJSON(JSON.parse(await lookups.readFile(path)));
  } catch (error) {
    throw new TrustUsageError(`cannot read the trusted root ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The trust policy a request names, or undefined when it names no key and no identity. */
export async function resolvePolicy(
  request: VerificationRequest,
  lookups: TrustLookups,
): Promise<TrustPolicy | undefined> {
  if (request.keys.length === 0 && request.identityRegexps.length === 0) {
    if (request.issuer) throw new TrustUsageError("an OIDC issuer needs a certificate identity to go with it");
    return undefined;
  }
  const keys = await Promise.all(
    request.keys.map(async (value) =>
      parsePublicKey(
        await pemFrom(value, "verification key", lookups),
        value.includes("-----BEGIN") ? undefined : value,
      ),
    ),
  );
  const issuer = request.issuer ?? GITHUB_ACTIONS_ISSUER;
  const identities = request.identityRegexps.map((pattern) => identityRule(pattern, issuer));
  if (identities.length === 0 && request.trustedRoot === undefined) return { keys, identities };
  return { keys, identities, trustedRoot: await loadTrustedRoot(request.trustedRoot, lookups) };
}
