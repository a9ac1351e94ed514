import { execFile } from "node:child_process";
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

/**
 * A token service for distribution's `auth.token` mode. Distribution 2.8 verifies a token's signature
 * with the key named by its JOSE header: an `x5c` certificate chain that must verify against the
 * configured `rootcertbundle` (or a `jwk`, or a `kid` equal to libtrust's key ID of a bundle certificate).
 * We send `x5c` with the self-signed certificate that is also the bundle, and sign ES256 (raw r||s).
 * Claims: `iss` = the configured issuer, `aud` = the service, `exp`/`nbf`, and `access` entries
 * `{type:"repository", name, actions}`.
 */

export interface TokenRequestRecord {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly scopes: string[];
}

export interface TokenIssuer {
  /** Realm URL to put in the registry config. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM certificate bundle for the registry's `rootcertbundle`. */
  readonly certificatePath: string;
  /** Every token request received, newest last. */
  readonly requests: TokenRequestRecord[];
  close(): Promise<void>;
}

export interface TokenIssuerOptions {
  readonly directory: string;
  readonly username: string;
  readonly password: string;
  /** An OAuth2 refresh token accepted in `grant_type=refresh_token` POSTs (docker's identitytoken). */
  readonly identityToken?: string;
}

const run = promisify(execFile);

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

async function makeCertificate(directory: string): Promise<{ keyPem: string; certPem: string; certPath: string }> {
  const keyPath = path.join(directory, "token-key.pem");
  const certPath = path.join(directory, "token-cert.pem");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    "2",
    "-subj",
    "/CN=cortex-test-token-issuer",
  ]);
  return { keyPem: await readFile(keyPath, "utf8"), certPem: await readFile(certPath, "utf8"), certPath };
}

function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  // repository:<name>:<actions>; names may contain ':' only before a port, which repositories never have.
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first < 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(",") };
}

/** The scopes asked for: in the form of an OAuth2 POST, as query parameters of a GET. */
function scopesOf(method: string | undefined, form: URLSearchParams, url: URL): string[] {
  return method === "POST" ? (form.get("scope") ?? "").split(" ").filter(Boolean) : url.searchParams.getAll("scope");
}

/**
 * Who a token request is from: the user for the right identity token (POST, OAuth2) or Basic credentials
 * (GET), "" for an anonymous GET, undefined for wrong credentials.
 */
function subjectOf(req: http.IncomingMessage, form: URLSearchParams, options: TokenIssuerOptions): string | undefined {
  if (req.method === "POST") {
    return options.identityToken && form.get("refresh_token") === options.identityToken ? options.username : undefined;
  }
  if (!req.headers.authorization) return "";
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;
  return req.headers.authorization === expected ? options.username : undefined;
}

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const { keyPem, certPem, certPath } = await makeCertificate(options.directory);
  const key = createPrivateKey(keyPem);
  const certDer = Buffer.from(certPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  const service = "cortex-test-registry";
  const issuer = "cortex-test-issuer";
  const requests: TokenRequestRecord[] = [];

  function token(subject: string, scopes: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const access = subject === "" ? [] : scopes.map(parseScope).filter((s) => s !== undefined);
    const header = { typ: "JWT", alg: "ES256", x5c: [certDer.toString("base64")] };
    const claims = {
      iss: issuer,
      sub: subject,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
    return `${signingInput}.${base64url(signature)}`;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://issuer");
      const form = new URLSearchParams(req.method === "POST" ? Buffer.concat(chunks).toString("utf8") : "");
      const scopes = scopesOf(req.method, form, url);
      requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, scopes });
      const subject = subjectOf(req, form, options);
      if (subject === undefined) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "invalid credentials" }] }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      // Anonymous callers get a token with no access, as public token services do for private repositories.
      const value = token(subject, scopes);
      res.end(
        JSON.stringify(
          req.method === "POST" ? { access_token: value, expires_in: 300 } : { token: value, expires_in: 300 },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certificatePath: certPath,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
