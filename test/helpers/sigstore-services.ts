import { createHash, generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from "@sigstore/mock";
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from "@sigstore/protobuf-specs";
import { startHttpServer, type TestHttpServer } from "./http-server.js";

/**
 * Sigstore's services as @sigstore/mock implements them (Fulcio with a CT log, Rekor, an RFC 3161 TSA),
 * served over HTTP on a loopback port so the real @sigstore/sign clients talk to them as to the public-good
 * instance. `trustedRoot` holds their keys, as Sigstore's trusted_root.json does.
 */
export interface SigstoreServices {
  readonly url: string;
  readonly trustedRoot: TrustedRoot;
  /** Writes the trusted root as `trusted_root.json` JSON to `file`. */
  writeTrustedRoot(file: string): void;
  close(): Promise<void>;
}

function keyPair() {
  return generateKeyPairSync("ec", { namedCurve: "prime256v1" });
}

const der = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

/** `caClock` issues certificates as of that moment (ten minutes' validity): a past one makes them expired. */
export async function startSigstoreServices(options: { caClock?: Date } = {}): Promise<SigstoreServices> {
  const handlers = new Map<string, HandlerFn>();
  const server: TestHttpServer = await startHttpServer(async (request, response, body) => {
    const fn = handlers.get(request.url ?? "");
    if (request.method !== "POST" || !fn) {
      response.writeHead(404).end();
      return;
    }
    const { statusCode, response: payload, contentType } = await fn(body);
    response.writeHead(statusCode, { "content-type": contentType ?? "text/plain" });
    response.end(typeof payload === "string" ? payload : der(payload));
  });
  const url = server.origin;
  // The mock TSA writes a timestamp's milliseconds without trailing zeros (".12"), which @sigstore/core's
  // parser refuses, so its clock is pinned to a millisecond count with none; the CA's is pinned a minute
  // earlier so the timestamp falls inside the certificates' ten minutes.
  const now = new Date();
  now.setMilliseconds(123);
  const caClock = options.caClock ?? now;
  const ctlog = await initializeCTLog(keyPair(), caClock);
  const ca = await initializeCA(keyPair(), ctlog, caClock);
  const tlog = await initializeTLog(url, keyPair());
  const tsa = await initializeTSA(keyPair(), new Date(now.getTime() + 60_000));
  for (const handler of [fulcioHandler(ca), rekorHandler(tlog), tsaHandler(tsa)])
    handlers.set(handler.path, handler.fn);

  const since = { start: new Date(Date.now() - 24 * 3600 * 1000), end: undefined };
  const logKey = (publicKey: Buffer, logId: Buffer, baseUrl: string) => ({
    baseUrl,
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: { rawBytes: publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: since },
    logId: { keyId: logId },
    checkpointKeyId: undefined,
    operator: "mock",
  });
  const authority = (chain: ArrayBufferView[], uri: string) => ({
    subject: { organization: "mock", commonName: "mock" },
    uri,
    certChain: { certificates: chain.map((c) => ({ rawBytes: der(c) })) },
    validFor: since,
    operator: "mock",
  });
  const trustedRoot: TrustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [logKey(tlog.publicKey, createHash("sha256").update(tlog.publicKey).digest(), url)],
    ctlogs: [logKey(ctlog.publicKey, der(ctlog.logID), url)],
    certificateAuthorities: [authority([ca.rootCertificate], url)],
    timestampAuthorities: [authority([tsa.intCertificate, tsa.rootCertificate], url)],
  };
  return {
    url,
    trustedRoot,
    writeTrustedRoot: (file) => writeFileSync(file, JSON.stringify(TrustedRoot.toJSON(trustedRoot))),
    close: () => server.close(),
  };
}

/**
 * An unsigned OIDC token with the claims GitHub Actions' tokens carry; the mock Fulcio reads `sub` as the
 * certificate identity and `iss` as the issuer, as the real one does for GitHub's issuer.
 */
export function oidcToken(claims: { sub: string; iss: string }): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ ...claims, aud: "sigstore", iat: now, exp: now + 600 })}.`;
}
