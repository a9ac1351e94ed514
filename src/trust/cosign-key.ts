import { scryptSync } from "node:crypto";
import nacl from "tweetnacl";
import { TrustUsageError } from "./errors.js";

/** PEM labels of cosign's password-encrypted private keys (`cosign generate-key-pair`). */
const LABELS = ["ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY"] as const;

export function isCosignEncryptedKey(pem: string): boolean {
  return LABELS.some((label) => pem.includes(`-----BEGIN ${label}-----`));
}

interface EncryptedKey {
  readonly kdf?: {
    readonly name?: string;
    readonly params?: { N?: number; r?: number; p?: number };
    readonly salt?: string;
  };
  readonly cipher?: { readonly name?: string; readonly nonce?: string };
  readonly ciphertext?: string;
}

/**
 * Opens a cosign-encrypted private key: a PEM whose body is JSON naming scrypt parameters and a salt, and a
 * NaCl secretbox nonce and ciphertext; the key is scrypt(password, salt) and the plaintext is the PKCS#8 DER.
 */
export function decryptCosignKey(pem: string, password: string, what: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  let sealed: EncryptedKey;
  try {
    sealed = JSON.parse(Buffer.from(body, "base64").toString("utf8")) as EncryptedKey;
  } catch (error) {
    throw new TrustUsageError(`cannot read ${what}: its body is not cosign's encrypted key JSON`, { cause: error });
  }
  const { kdf, cipher, ciphertext } = sealed;
  const { N, r, p } = kdf?.params ?? {};
  if (kdf?.name !== "scrypt" || cipher?.name !== "nacl/secretbox" || !N || !r || !p || !kdf.salt || !cipher.nonce) {
    throw new TrustUsageError(`cannot read ${what}: only scrypt with nacl/secretbox is understood`);
  }
  const key = scryptSync(password, Buffer.from(kdf.salt, "base64"), 32, { N, r, p, maxmem: 256 * N * r + 1024 });
  const opened = nacl.secretbox.open(
    new Uint8Array(Buffer.from(ciphertext ?? "", "base64")),
    new Uint8Array(Buffer.from(cipher.nonce, "base64")),
    new Uint8Array(key),
  );
  if (!opened) throw new TrustUsageError(`cannot read ${what}: the password does not open it`);
  return Buffer.from(opened);
}
