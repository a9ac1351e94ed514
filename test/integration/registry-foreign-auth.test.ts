import { buffer } from "node:stream/consumers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RegistryAuthError } from "../../src/registry/index.js";
import { blob, pseudoRandomBytes } from "../helpers/artifacts.js";
import { type BlobRedirect, CDN_TOKEN, startBlobRedirect } from "../helpers/blob-redirect.js";
import { dockerConfigDir } from "../helpers/docker-config.js";
import { startHttpServer, type TestHttpServer } from "../helpers/http-server.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { testRepository } from "../helpers/registry-client.js";

/*
 * A hostile CDN on another loopback origin (127.0.0.2): the registry redirects blob downloads there, and
 * the CDN asks for credentials of its own. The registry's credentials must never reach it or the token
 * realm it names; only what the docker config holds for the CDN's own host may.
 */

const layer = blob(pseudoRandomBytes(50_000, "hostile-cdn"));

describe.each(["basic", "token"] as const)("a redirect target that challenges (registry auth %s)", (auth) => {
  let registry: TestRegistry;
  let bearer: BlobRedirect;
  let basic: BlobRedirect;

  beforeAll(async () => {
    registry = await startRegistry({ auth });
    await testRepository(registry, "cdn/model").pushBlob(layer.descriptor, layer.bytes);
    [bearer, basic] = await Promise.all([
      startBlobRedirect(registry, { challenge: "bearer" }),
      startBlobRedirect(registry, { challenge: "basic" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([bearer?.close(), basic?.close()]);
    await registry?.stop();
  });

  const password = () => registry.password as string;
  const registryBasic = () => Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
  /** Every Authorization the CDN (its blob paths and its token realm) received. */
  const cdnAuthorizations = (redirect: BlobRedirect) =>
    redirect.blobRequests.map((r) => r.headers.authorization).filter((a) => a !== undefined);

  it("asks the CDN's own realm anonymously and never hands it the registry's credentials", async () => {
    const repo = testRepository({ ...registry, host: bearer.host }, "cdn/model");
    // As in a pull, the registry has been answered once (manifest, HEAD) before the first redirected GET.
    expect(await repo.exists(layer.descriptor)).toBe(true);
    const fetched = await repo
      .fetchBlob(layer.descriptor)
      .then(buffer)
      .catch((e: unknown) => e);

    const tokenRequests = bearer.blobRequests.filter((r) => r.path.startsWith("/token"));
    expect(tokenRequests.map((r) => r.headers.authorization)).toEqual([undefined]);
    expect(tokenRequests[0]?.path).not.toContain("cdn%2Fmodel");
    for (const request of bearer.blobRequests) {
      expect(JSON.stringify(request.headers)).not.toContain(registryBasic());
      expect(JSON.stringify(request.headers)).not.toContain(password());
    }
    expect(cdnAuthorizations(bearer)).toEqual([`Bearer ${CDN_TOKEN}`]);
    expect(Buffer.isBuffer(fetched) && fetched.equals(Buffer.from(layer.bytes))).toBe(true);
    // The registry itself still got its own credentials.
    const registryBlobGets = bearer.frontRequests.filter((r) => r.path.includes("/blobs/"));
    expect(registryBlobGets.at(-1)?.headers.authorization).toMatch(/^(Basic|Bearer) /);
  });

  it("gives the CDN's realm only what the docker config holds for the CDN's host", async () => {
    const docker = await dockerConfigDir();
    const cdnHost = new URL(bearer.blobOrigin).host;
    const cdnAuth = Buffer.from("cdn-user:cdn-secret").toString("base64");
    await docker.writeConfig({ auths: { [cdnHost]: { auth: cdnAuth } } });
    const before = bearer.blobRequests.length;
    const repo = testRepository({ ...registry, host: bearer.host }, "cdn/model", { env: docker.env });
    expect(await repo.exists(layer.descriptor)).toBe(true);
    await repo.fetchBlob(layer.descriptor).then(buffer, () => undefined);

    const tokenRequests = bearer.blobRequests.slice(before).filter((r) => r.path.startsWith("/token"));
    expect(tokenRequests.map((r) => r.headers.authorization)).toEqual([`Basic ${cdnAuth}`]);
    expect(JSON.stringify(bearer.blobRequests)).not.toContain(registryBasic());
  });

  it("refuses a CDN's Basic challenge without sending anything, naming the CDN", async () => {
    const repo = testRepository({ ...registry, host: basic.host }, "cdn/model");
    expect(await repo.exists(layer.descriptor)).toBe(true);
    const error = await repo.fetchBlob(layer.descriptor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    const message = (error as Error).message;
    expect(message).toContain(new URL(basic.blobOrigin).origin);
    expect(message).toContain("never sent to another origin");
    expect(message).not.toContain(password());
    expect(cdnAuthorizations(basic)).toEqual([]);
  });
});

describe("the registry's own token realm redirecting elsewhere", () => {
  let fakeRegistry: TestHttpServer;
  let realm: TestHttpServer;
  let elsewhere: TestHttpServer;
  const seenElsewhere: { method: string; authorization: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    elsewhere = await startHttpServer((req, res, body) => {
      seenElsewhere.push({ method: req.method ?? "", authorization: req.headers.authorization, body });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "elsewhere-token" }));
    }, "127.0.0.2");
    realm = await startHttpServer((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.origin}/token` }).end();
    });
    fakeRegistry = await startHttpServer((req, res) => {
      if (req.headers.authorization === "Bearer elsewhere-token") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
        return;
      }
      res.writeHead(401, { "www-authenticate": `Bearer realm="${realm.origin}/token",service="fake"` }).end();
    });
  });
  afterEach(() => {
    seenElsewhere.length = 0;
  });
  afterAll(async () => {
    await Promise.all([fakeRegistry?.close(), realm?.close(), elsewhere?.close()]);
  });

  const host = () => new URL(fakeRegistry.origin).host;

  it("follows the realm's redirect for the token without the registry password", async () => {
    const repo = testRepository({ host: host(), username: "user", password: "realm-secret" }, "some/model");
    await expect(repo.fetchManifest("latest")).rejects.toThrow(/manifest latest not found/);
    expect(seenElsewhere.length).toBe(1);
    expect(seenElsewhere[0]?.authorization).toBeUndefined();
  });

  it("does not resend a refresh token to the origin the realm redirects to", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ auths: { [host()]: { identitytoken: "refresh-secret" } } });
    const repo = testRepository({ host: host() }, "some/model", { env: docker.env });
    await expect(repo.fetchManifest("latest")).rejects.toThrow(
      /^registry 127\.0\.0\.1:\d+: token service http:\/\/127\.0\.0\.1:\d+: .* carrying a secret to http:\/\/127\.0\.0\.2:\d+: not followed$/,
    );
    expect(seenElsewhere).toEqual([]);
  });
});
