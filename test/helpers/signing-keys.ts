import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface KeyPairFiles {
  readonly dir: string;
  /** PKCS#8 PEM, as `openssl genpkey` writes it. */
  readonly privatePath: string;
  readonly publicPath: string;
  readonly privatePem: string;
  readonly publicPem: string;
}

/** An ECDSA P-256 key pair made by openssl (not by the code under test), in a fresh directory. */
export function opensslKeyPair(options: { password?: string; curve?: string } = {}): KeyPairFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cortex-keys-"));
  const privatePath = path.join(dir, "cosign.key");
  const publicPath = path.join(dir, "cosign.pub");
  const args = ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${options.curve ?? "P-256"}`];
  if (options.password !== undefined) args.push("-aes-256-cbc", "-pass", `pass:${options.password}`);
  execFileSync("openssl", [...args, "-out", privatePath]);
  const passArgs = options.password !== undefined ? ["-passin", `pass:${options.password}`] : [];
  execFileSync("openssl", ["pkey", "-in", privatePath, ...passArgs, "-pubout", "-out", publicPath]);
  return {
    dir,
    privatePath,
    publicPath,
    privatePem: readFileSync(privatePath, "utf8"),
    publicPem: readFileSync(publicPath, "utf8"),
  };
}

/** openssl's verdict on an ECDSA (DER) signature over `data` with SHA-256: the check no code here wrote. */
export function opensslVerifies(publicPath: string, data: Uint8Array, signature: Uint8Array): boolean {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cortex-sig-"));
  try {
    writeFileSync(path.join(dir, "data"), data);
    writeFileSync(path.join(dir, "sig"), signature);
    execFileSync("openssl", [
      "dgst",
      "-sha256",
      "-verify",
      publicPath,
      "-signature",
      path.join(dir, "sig"),
      path.join(dir, "data"),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** DSSE's pre-authentication encoding, written out from the spec for the openssl check. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType);
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    Buffer.from(payload),
  ]);
}
