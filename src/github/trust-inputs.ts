import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { TrustUsageError } from "../trust/errors.js";
import { resolvePolicy, signingIdentity, type VerificationRequest } from "../trust/request.js";
import type { SigningIdentity } from "../trust/signer.js";
import type { TrustPolicy } from "../trust/verify.js";
import { signingInputs as signingInputNames, verificationInputs as verificationInputNames } from "./constants.js";
import { booleanInput, listInput, maskSecret, optionalInput, secretInput } from "./inputs.js";

const isPem = (value: string) => value.includes("-----BEGIN");

/**
 * How to sign, from `sign-key` (a PEM, usually a secret, or a file in the workspace), `sign-key-password`
 * and `sign-keyless`. Read and checked with the other inputs, before any work; key and password are masked.
 */
export function signingInput(env: NodeJS.ProcessEnv = process.env): SigningIdentity | undefined {
  const key = optionalInput(signingInputNames.signKey);
  if (key !== undefined && isPem(key)) maskSecret(key);
  const keyPassword = secretInput(signingInputNames.signKeyPassword);
  const keyless = booleanInput(signingInputNames.signKeyless, false);
  let pem: string | undefined;
  if (key !== undefined) {
    try {
      pem = isPem(key) ? key : readFileSync(path.resolve(key), "utf8");
    } catch (error) {
      throw new TrustUsageError(`cannot read the signing key ${key}: ${(error as Error).message}`, { cause: error });
    }
  }
  const request = {
    ...(key !== undefined ? { key } : {}),
    ...(keyPassword !== undefined ? { keyPassword } : {}),
    keyless,
  };
  return signingIdentity(request, pem, { env, onSecret: maskSecret });
}

/**
 * Whom to trust, from `verify-key`, `certificate-identity-regexp`, `certificate-oidc-issuer` and `trusted-root`;
 * read with the other inputs, resolved (files read, trusted root fetched) by `verificationInput` or later.
 */
export function verificationRequestInput(): VerificationRequest {
  const issuer = optionalInput(verificationInputNames.certificateOidcIssuer);
  const trustedRoot = optionalInput(verificationInputNames.trustedRoot);
  return {
    // Keys are given whole (newlines inside a PEM) or as file names, one per line or comma.
    keys: keysFrom(optionalInput(verificationInputNames.verifyKey)),
    identityRegexps: listInput(verificationInputNames.certificateIdentityRegexp),
    ...(issuer ? { issuer } : {}),
    ...(trustedRoot ? { trustedRoot } : {}),
  };
}

/** The trust policy a verification request names; undefined when it names no key and no identity. */
export function resolveVerification(
  request: VerificationRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrustPolicy | undefined> {
  return resolvePolicy(request, { readFile: (file) => readFile(path.resolve(file), "utf8"), env });
}

/** Whom to trust, from the verification inputs. */
export function verificationInput(env: NodeJS.ProcessEnv = process.env): Promise<TrustPolicy | undefined> {
  return resolveVerification(verificationRequestInput(), env);
}

function keysFrom(value: string | undefined): string[] {
  if (value === undefined) return [];
  const pems = value.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g);
  if (pems) return pems;
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
