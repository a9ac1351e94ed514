import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A self-signed certificate for `localhost` only (no IP in it), made by the openssl CLI; PEM file paths. */
export async function localhostCertificate(dir: string): Promise<{ readonly key: string; readonly cert: string }> {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  await run("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
  ]);
  return { key, cert };
}
