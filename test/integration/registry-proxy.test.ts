import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseReference } from "../../src/core/ref.js";
import { proxyEnv } from "../../src/http/proxy.js";
import { exchange } from "../../src/http/transport.js";
import { pull } from "../../src/pull/pull.js";
import { ModelStore } from "../../src/store/model-store.js";
import { type BlobRedirect, startBlobRedirect } from "../helpers/blob-redirect.js";
import { runCliInProcess } from "../helpers/cli.js";
import { pushTestModel } from "../helpers/model-fixture.js";
import { tempDir } from "../helpers/model-layout.js";
import { freePort } from "../helpers/ports.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { FAST_RETRY, testRepository } from "../helpers/registry-client.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { startTinyproxy, type TestProxy } from "../helpers/tinyproxy.js";
import { localhostCertificate } from "../helpers/tls-cert.js";

const MiB = 1024 * 1024;
const root = path.resolve(import.meta.dirname, "../..");
const execFileAsync = promisify(execFile);
const NO_DOCKER_CONFIG = { DOCKER_CONFIG: "/nonexistent-docker-config" };

function portOf(host: string): number {
  return Number(host.split(":")[1]);
}

/** Pulls `repository@digest` from `registry` into a fresh store with `env` as the process environment. */
async function pullWith(registry: TestRegistry, repository: string, digest: string, env: NodeJS.ProcessEnv) {
  const store = await ModelStore.open({ dir: await tempDir() });
  const ref = parseReference(`${registry.host}/${repository}@${digest}`);
  const source = testRepository(registry, repository, { env: { ...NO_DOCKER_CONFIG, ...env } });
  return pull(source, ref, store, { partSize: MiB, concurrency: 4 });
}

async function pullFailure(registry: TestRegistry, repository: string, digest: string, env: NodeJS.ProcessEnv) {
  try {
    await pullWith(registry, repository, digest, env);
  } catch (error) {
    return error as Error;
  }
  throw new Error("the pull was expected to fail");
}

describe("registry traffic through an HTTP proxy (tinyproxy)", () => {
  let registry: TestRegistry;
  let other: TestRegistry;
  let proxy: TestProxy;
  let digest: string;

  beforeAll(async () => {
    [registry, other] = await Promise.all([startRegistry(), startRegistry()]);
    digest = (await pushTestModel(testRepository(registry, "proxied/model"), "proxied", 6 * MiB + 3)).descriptor.digest;
    proxy = await startTinyproxy({ connectPorts: [portOf(registry.host), portOf(other.host)] });
  });
  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([registry?.stop(), other?.stop()]);
  });

  it("pulls a multi-MB model with every connection tunnelled through the proxy", async () => {
    const before = proxy.heads.length;
    const result = await pullWith(registry, "proxied/model", digest, { http_proxy: proxy.url });
    expect(result.digest).toBe(digest);
    expect(result.downloadedBytes).toBeGreaterThan(6 * MiB);
    const heads = proxy.heads.slice(before);
    // Resolve and manifest on node:http, seven ranged parts on the direct reader, several at once.
    expect(heads.length).toBeGreaterThanOrEqual(2);
    for (const head of heads) expect(head.split("\r\n")[0]).toBe(`CONNECT ${registry.host} HTTP/1.1`);
    expect((await proxy.connects()).filter((target) => target === registry.host).length).toBe(heads.length);
  });

  it("reuses a tunnel only for the same target through the same proxy", async () => {
    const proxies = proxyEnv({ http_proxy: proxy.url });
    const get = async (url: string, bulk: boolean, through = proxies) => {
      const response = await exchange({ method: "GET", url: new URL(url), bulk }, { proxies: through });
      await response.text();
      return response.status;
    };
    for (const bulk of [true, false]) {
      expect(await get(`${registry.url}/v2/`, bulk)).toBe(200);
      const before = proxy.heads.length;
      expect(await get(`${registry.url}/v2/`, bulk)).toBe(200);
      expect(proxy.heads.length).toBe(before);
      expect(await get(`${other.url}/v2/`, bulk)).toBe(200);
      const withCredentials = proxyEnv({ http_proxy: proxy.url.replace("//", "//someone:else@") });
      expect(await get(`${registry.url}/v2/`, bulk, withCredentials)).toBe(200);
      const lines = proxy.heads.slice(before).map((head) => head.split("\r\n")[0]);
      expect(lines).toEqual([`CONNECT ${other.host} HTTP/1.1`, `CONNECT ${registry.host} HTTP/1.1`]);
      expect(proxy.heads.at(-1)).toMatch(/\r\nproxy-authorization: Basic /);
    }
  });

  it("bypasses the proxy for NO_PROXY hosts: a dead proxy does not matter", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    for (const env of [
      { http_proxy: dead, no_proxy: "example.com, 127.0.0.1" },
      { HTTP_PROXY: dead, NO_PROXY: `.example.com,${registry.host}` },
      { http_proxy: dead, NO_PROXY: "*" },
    ]) {
      expect((await pullWith(registry, "proxied/model", digest, env)).digest).toBe(digest);
    }
    // An entry for another port of the same host does not match: the pull goes to the dead proxy.
    const otherPort = { http_proxy: dead, no_proxy: `127.0.0.1:${portOf(registry.host) + 1}` };
    await expect(pullWith(registry, "proxied/model", digest, otherPort)).rejects.toThrow(/^cannot reach proxy/);
  });

  it("fails with one line naming the proxy when it cannot be reached, its credentials nowhere", async () => {
    const port = await freePort();
    const env = { http_proxy: `http://someone:proxy-secret-1@127.0.0.1:${port}` };
    const error = await pullFailure(registry, "proxied/model", digest, env);
    expect(error.message).toMatch(
      new RegExp(`^cannot reach proxy http://127\\.0\\.0\\.1:${port} \\(for ${registry.host}\\): .*ECONNREFUSED`),
    );
    expect(error.message).not.toContain("\n");
    expect(error.message).not.toMatch(/proxy-secret-1|someone/);
  });

  it("reports a proxy that refuses CONNECT with its status, retrying only when it could not reach the target", async () => {
    const dead = await freePort();
    const refusing = await startTinyproxy({ connectPorts: [dead] });
    try {
      const forbidden = await pullFailure(registry, "proxied/model", digest, { http_proxy: refusing.url });
      expect(forbidden.message).toBe(
        `proxy ${refusing.url} refused CONNECT to ${registry.host}: HTTP 403 Access violation`,
      );
      expect(refusing.heads.length).toBe(1);
      const gone = await pullFailure({ ...registry, host: `127.0.0.1:${dead}` }, "proxied/model", digest, {
        http_proxy: refusing.url,
      });
      expect(gone.message).toBe(
        `proxy ${refusing.url} refused CONNECT to 127.0.0.1:${dead}: HTTP 500 Unable to connect`,
      );
      expect(refusing.heads.length).toBe(1 + FAST_RETRY.attempts);
    } finally {
      await refusing.stop();
    }
  });
});

describe("a proxy that wants credentials", () => {
  let registry: TestRegistry;
  let proxy: TestProxy;
  let digest: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "basic" });
    digest = (await pushTestModel(testRepository(registry, "auth/model"), "auth", 3 * MiB)).descriptor.digest;
    proxy = await startTinyproxy({ connectPorts: [portOf(registry.host)], credentials: true });
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  /** `cortex-model pull` as a user runs it, with registry credentials from a docker config. */
  async function cliPull(proxyUrl: string) {
    const config = await tempDir("cortex-docker-config-");
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
    await writeFile(`${config}/config.json`, JSON.stringify({ auths: { [registry.host]: { auth } } }));
    const ref = `${registry.host}/auth/model@${digest}`;
    return runCliInProcess(["pull", ref, "--store", await tempDir(), "--json"], {
      DOCKER_CONFIG: config,
      http_proxy: proxyUrl,
    });
  }

  it("without credentials: exit 1 and one line with the proxy's 407", async () => {
    const result = await cliPull(proxy.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cortex-model pull: proxy ${proxy.url} refused CONNECT to ${registry.host}: HTTP 407 Proxy Authentication Required; the proxy wants credentials: give them in the proxy URL (http://user:password@host:port)\n`,
    );
  });

  it("with a wrong password: the refusal, and the password in no message", async () => {
    const result = await cliPull(proxy.url.replace("//", "//proxy-user:wrong-proxy-password@"));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /refused CONNECT to .*: HTTP 401 Unauthorized; the proxy rejected the credentials in the proxy URL\n$/,
    );
    expect(result.stderr.trim()).not.toContain("\n");
    expect(result.stderr + result.stdout).not.toMatch(/wrong-proxy-password|proxy-user/);
  });

  it("with its credentials: the pull works, and the registry's Authorization never goes to the proxy", async () => {
    const before = proxy.heads.length;
    const result = await cliPull(proxy.urlWithCredentials);
    expect(result.stderr).not.toContain(proxy.password ?? "?");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).digest).toBe(digest);
    const heads = proxy.heads.slice(before);
    expect(heads.length).toBeGreaterThanOrEqual(2);
    const basic = Buffer.from(`proxy-user:${proxy.password}`).toString("base64");
    for (const head of heads) {
      expect(head).toContain(`\r\nproxy-authorization: Basic ${basic}`);
      expect(head).not.toMatch(/^authorization:/im);
      expect(head).not.toContain(registry.password ?? "?");
    }
  });
});

describe("token realm and blob redirects through the proxy", () => {
  let registry: TestRegistry;
  let redirect: BlobRedirect;
  let proxy: TestProxy;
  let digest: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "token" });
    digest = (await pushTestModel(testRepository(registry, "cdn/model"), "cdn", 2 * MiB)).descriptor.digest;
    redirect = await startBlobRedirect(registry);
    const realmPort = Number(new URL(registry.tokenIssuer?.realm ?? "").port);
    const blobPort = Number(new URL(redirect.blobOrigin).port);
    proxy = await startTinyproxy({ connectPorts: [portOf(redirect.host), realmPort, blobPort] });
  });
  afterAll(async () => {
    await proxy?.stop();
    await redirect?.close();
    await registry?.stop();
  });

  it("sends the token request and the redirected blob GETs through the proxy unless NO_PROXY names them", async () => {
    const front = { ...registry, host: redirect.host };
    const realm = new URL(registry.tokenIssuer?.realm ?? "").host;
    const blobHost = new URL(redirect.blobOrigin).host;

    let before = proxy.heads.length;
    expect((await pullWith(front, "cdn/model", digest, { http_proxy: proxy.url })).digest).toBe(digest);
    let targets = new Set(proxy.heads.slice(before).map((head) => head.split(" ")[1]));
    for (const host of [redirect.host, realm, blobHost]) expect(targets).toContain(host);

    before = proxy.heads.length;
    const bypass = { http_proxy: proxy.url, no_proxy: `${realm},${blobHost}` };
    expect((await pullWith(front, "cdn/model", digest, bypass)).digest).toBe(digest);
    // Tunnels to the registry's front may be reused from the first pull; nothing else went through the proxy.
    targets = new Set(proxy.heads.slice(before).map((head) => head.split(" ")[1]));
    expect([...targets].filter((host) => host !== redirect.host)).toEqual([]);
    expect(redirect.blobRequests.length).toBeGreaterThanOrEqual(2);
  });
});

describe("TLS to the registry inside the tunnel", () => {
  const dir = useTempDir();
  let proxy: TestProxy | undefined;
  let server: https.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await proxy?.stop();
  });

  // NODE_EXTRA_CA_CERTS is read at start-up only, hence a child process on the built code (npm run build).
  const script = `
    const { exchange } = await import(${JSON.stringify(path.join(root, "lib/http/transport.js"))});
    const { proxyEnv } = await import(${JSON.stringify(path.join(root, "lib/http/proxy.js"))});
    const { createHash } = await import("node:crypto");
    const response = await exchange({ method: "GET", url: new URL(process.argv[1]), bulk: process.argv[2] === "bulk" },
      { proxies: proxyEnv() });
    const hash = createHash("sha256");
    await response.readInto((chunk) => { hash.update(chunk); });
    console.log(response.status, hash.digest("hex"));`;

  it("checks the certificate against the registry host, on both transports, and keeps proxy credentials out", async () => {
    const { key, cert } = await localhostCertificate(dir());
    const data = randomBytes(3 * MiB);
    const seen: { servername: unknown; proxyAuthorization: unknown }[] = [];
    server = https.createServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
      seen.push({
        servername: (req.socket as TLSSocket).servername,
        proxyAuthorization: req.headers["proxy-authorization"],
      });
      res.end(data);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    proxy = await startTinyproxy({ connectPorts: [port], credentials: true });
    const env = { ...process.env, https_proxy: proxy.urlWithCredentials, NODE_EXTRA_CA_CERTS: cert };
    const child = (url: string, transport: string, childEnv: NodeJS.ProcessEnv = env) =>
      execFileAsync(process.execPath, ["--input-type=module", "-e", script, url, transport], { env: childEnv });

    for (const transport of ["bulk", "agent"]) {
      const ok = await child(`https://localhost:${port}/`, transport);
      expect(ok.stdout.trim()).toBe(`200 ${createHash("sha256").update(data).digest("hex")}`);
      // The proxy is on 127.0.0.1, which the certificate does not name: the check is against the target.
      await expect(child(`https://127.0.0.1:${port}/`, transport)).rejects.toThrow(
        /IP: 127\.0\.0\.1 is not in the cert/,
      );
      const { NODE_EXTRA_CA_CERTS: _, ...untrusted } = env;
      await expect(child(`https://localhost:${port}/`, transport, untrusted)).rejects.toThrow(/self[- ]signed/);
    }
    expect(seen).toEqual([
      { servername: "localhost", proxyAuthorization: undefined },
      { servername: "localhost", proxyAuthorization: undefined },
    ]);
    const localhost = `localhost:${port}`;
    expect(await proxy.connects()).toEqual([
      localhost,
      `127.0.0.1:${port}`,
      localhost,
      localhost,
      `127.0.0.1:${port}`,
      localhost,
    ]);
  });
});
