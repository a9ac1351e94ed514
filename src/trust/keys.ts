import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { decryptCosignKey, isCosignEncryptedKey } from "./cosign-key.js";
import { TrustUsageError } from "./errors.js";

/** A private key to sign with, and what a verifier needs to recognise it. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SubjectPublicKeyInfo PEM, as `openssl pkey -pubout` and `cosign public-key` write it. */
  readonly publicPem: string;
  /** The key hint Sigstore bundles carry: base64 of the SHA-256 of the public key's DER, as sigstore-go writes it. */
  readonly hint: string;
}

export interface VerificationKey {
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  readonly hint: string;
}

function describe(publicKey: KeyObject): VerificationKey {
  const der = publicKey.export({ format: "der", type: "spki" });
  return {
    publicKey,
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    hint: createHash("sha256").update(der).digest("base64"),
  };
}

/** Only ECDSA P-256 is accepted: what cosign generates and what the simple-signing verifiers expect. */
function requireP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new TrustUsageError(
      `${what} is ${key.asymmetricKeyType ?? "not an asymmetric key"}${curve ? ` ${curve}` : ""}: an ECDSA P-256 key is required`,
    );
  }
}

/**
 * A PEM private key: PKCS#8 as `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes it,
 * an encrypted PKCS#8 or a cosign-encrypted key (`cosign generate-key-pair`) with its password, or SEC1
 * `EC PRIVATE KEY`.
 */
export function parsePrivateKey(pem: string, options: { password?: string; source?: string } = {}): SigningKey {
  const what = options.source ?? "the signing key";
  if (isCosignEncryptedKey(pem)) {
    if (options.password === undefined) {
      throw new TrustUsageError(`cannot read ${what}: it is encrypted and no password was given`);
    }
    const der = decryptCosignKey(pem, options.password, what);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    } catch (error) {
      throw new TrustUsageError(`cannot read ${what}: it does not hold a PKCS#8 key`, { cause: error });
    }
    return signingKey(privateKey, what);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(
      options.password !== undefined ? { key: pem, format: "pem", passphrase: options.password } : pem,
    );
  } catch (error) {
    const encrypted = pem.includes("ENCRYPTED PRIVATE KEY");
    const reason =
      encrypted && options.password === undefined
        ? "it is encrypted and no password was given"
        : encrypted
          ? "the password does not open it"
          : "it is not a PEM private key";
    // OpenSSL's own words add nothing to a missing or wrong password.
    throw new TrustUsageError(`cannot read ${what}: ${reason}`, encrypted ? {} : { cause: error });
  }
  return signingKey(privateKey, what);
}

function signingKey(privateKey: KeyObject, what: string): SigningKey {
  requireP256(privateKey, what);
  return { privateKey, ...describe(createPublicKey(privateKey)) };
}

/** A PEM public key (SubjectPublicKeyInfo); a private key is accepted too and its public half used. */
export function parsePublicKey(pem: string, source = "the verification key"): VerificationKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (error) {
    throw new TrustUsageError(`cannot read ${source}: it is not a PEM public key`, { cause: error });
  }
  requireP256(publicKey, source);
  return describe(publicKey);
}
