import { readFile } from "node:fs/promises";
import path from "node:path";
import type { SigningRequest, TrustLookups, VerificationRequest } from "../trust/request.js";
import type { CommandIO } from "./command.js";

/** Flags of the commands that sign: a key file (password in $COSIGN_PASSWORD) or keyless through Sigstore. */
export const sigstoreUrlOptions = {
  "tlog-upload": { type: "boolean" },
  "fulcio-url": { type: "string" },
  "rekor-url": { type: "string" },
  "tsa-url": { type: "string" },
} as const;

export const signingOptions = {
  "sign-key": { type: "string" },
  "sign-keyless": { type: "boolean" },
  ...sigstoreUrlOptions,
} as const;

/** Flags of the commands that verify, named as cosign names them. */
export const identityOptions = {
  "certificate-identity-regexp": { type: "string", multiple: true },
  "certificate-oidc-issuer": { type: "string" },
  "trusted-root": { type: "string" },
} as const;

export const verificationOptions = {
  "verify-key": { type: "string", multiple: true },
  ...identityOptions,
} as const;

export const signingUsage = `  --sign-key <pem>     sign with this ECDSA P-256 private key (PKCS#8 PEM; password in $COSIGN_PASSWORD)
  --sign-keyless       sign through Sigstore with the run's OIDC identity (GitHub Actions: id-token: write)
  --tlog-upload        with a key: also record the signature in Rekor (cosign verify then needs no
                       --insecure-ignore-tlog)
  --fulcio-url, --rekor-url, --tsa-url <url>   Sigstore instances (default: public good)`;

export const verificationUsage = `  --verify-key <pem>   trust signatures by this public key (repeatable)
  --certificate-identity-regexp <re>   trust keyless signers whose identity matches (repeatable)
  --certificate-oidc-issuer <url>      their OIDC issuer (default: GitHub Actions')
  --trusted-root <json>                Sigstore trusted_root.json (default: the public-good root, by TUF)`;

type Flags = Record<string, string | boolean | string[] | undefined>;

export function signingRequest(values: Flags, key = "sign-key"): SigningRequest {
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const given = text(key);
  const fulcioUrl = text("fulcio-url");
  const rekorUrl = text("rekor-url");
  const tsaUrl = text("tsa-url");
  return {
    ...(given !== undefined ? { key: given } : {}),
    keyless: values["sign-keyless"] === true || values.keyless === true,
    tlogUpload: values["tlog-upload"] === true,
    ...(fulcioUrl ? { fulcioUrl } : {}),
    ...(rekorUrl ? { rekorUrl } : {}),
    ...(tsaUrl ? { tsaUrl } : {}),
  };
}

export function verificationRequest(values: Flags, keyFlag = "verify-key"): VerificationRequest {
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  const issuer = values["certificate-oidc-issuer"];
  const trustedRoot = values["trusted-root"];
  return {
    keys: list(keyFlag),
    identityRegexps: list("certificate-identity-regexp"),
    ...(typeof issuer === "string" ? { issuer } : {}),
    ...(typeof trustedRoot === "string" ? { trustedRoot } : {}),
  };
}

/** Files relative to the command's directory, and the command's environment. */
export function trustLookups(io: CommandIO): TrustLookups {
  return { readFile: (file) => readFile(path.resolve(io.cwd, file), "utf8"), env: io.env };
}
