import { promises as fs } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackendError } from "../../../src/backends/backend.js";
import { installOllama } from "../../../src/backends/ollama.js";
import { startHttpServer, type TestHttpServer } from "../../helpers/http-server.js";
import { freePort } from "../../helpers/ports.js";
import { ollamaArchive, serveFiles } from "../../helpers/release-archives.js";
import { useTempDir } from "../../helpers/temp-dir.js";
import { startTinyproxy, type TestProxy } from "../../helpers/tinyproxy.js";

/**
 * Backend installs behind a corporate proxy: a release URL on 127.0.0.1 that redirects, as GitHub's do, to an
 * object store on 127.0.0.2, and a real tinyproxy between the installer and both.
 */

function authority(origin: string): string {
  return new URL(origin).host;
}

describe("tool downloads through an HTTP proxy (tinyproxy)", () => {
  const temp = useTempDir("cortex-tool-proxy-");
  let releases: TestHttpServer;
  let objects: Awaited<ReturnType<typeof serveFiles>>;
  let proxy: TestProxy;
  let archiveDir: string;

  beforeAll(async () => {
    archiveDir = await fs.mkdtemp(path.join(process.env.TMPDIR ?? "/tmp", "cortex-tool-archive-"));
    objects = await serveFiles({ "/objects/ollama.tgz": await ollamaArchive(archiveDir, "tgz") }, "127.0.0.2");
    releases = await startHttpServer((_req, res) => {
      res.writeHead(302, { location: `${objects.origin}/objects/ollama.tgz` }).end();
    });
  });
  afterAll(async () => {
    await Promise.all([releases?.close(), objects?.close()]);
    await fs.rm(archiveDir, { recursive: true, force: true });
  });

  // A proxy per test: kept-alive tunnels are pooled per proxy, and one test's must not serve the next.
  beforeEach(async () => {
    const ports = [releases.origin, objects.origin].map((origin) => Number(new URL(origin).port));
    proxy = await startTinyproxy({ connectPorts: ports, credentials: true });
  });
  afterEach(async () => {
    await proxy?.stop();
  });

  const release = () => ({
    url: `${releases.origin}/download/ollama.tgz`,
    format: "tgz" as const,
    arch: "amd64",
    binary: "bin/ollama",
  });
  const install = (env: NodeJS.ProcessEnv) =>
    installOllama({ toolDir: path.join(temp(), "tools"), version: "0.13.3", release: release(), env });

  it("tunnels the release URL and its redirect through HTTP_PROXY, credentials to the proxy only, and installs", async () => {
    const binary = await install({ HTTP_PROXY: proxy.urlWithCredentials });
    expect((await execa(binary, ["--version"])).stdout).toBe("ollama version is 0.0.0");
    const sent = proxy.heads.map((head) => head.split("\r\n"));
    expect(sent.map((lines) => lines[0])).toEqual([
      `CONNECT ${authority(releases.origin)} HTTP/1.1`,
      `CONNECT ${authority(objects.origin)} HTTP/1.1`,
    ]);
    for (const lines of sent)
      expect(lines).toContain(`proxy-authorization: Basic ${btoa(`proxy-user:${proxy.password}`)}`);
    expect(await proxy.connects()).toEqual([authority(releases.origin), authority(objects.origin)]);
  });

  it("goes direct to the hosts NO_PROXY names, each redirect hop choosing its own route", async () => {
    const hits = objects.hits.length;
    await install({ HTTP_PROXY: proxy.urlWithCredentials, NO_PROXY: "127.0.0.1,127.0.0.2" });
    expect(proxy.heads).toEqual([]);
    expect(objects.hits.length).toBe(hits + 1);

    await fs.rm(path.join(temp(), "tools"), { recursive: true });
    await install({ HTTP_PROXY: proxy.urlWithCredentials, NO_PROXY: "127.0.0.1" });
    expect(proxy.heads.map((head) => head.split("\r\n")[0])).toEqual([`CONNECT ${authority(objects.origin)} HTTP/1.1`]);
  });

  it("fails with a one-line BackendError naming a dead proxy by origin, never its password, and installs nothing", async () => {
    const port = await freePort();
    const error = await install({ HTTP_PROXY: `http://proxy-user:hunter2-secret@127.0.0.1:${port}` }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toBe(
      `ollama backend: could not download ${release().url}: cannot reach proxy http://127.0.0.1:${port} ` +
        `(for ${authority(releases.origin)}): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(error.message).not.toContain("hunter2");
    expect(await fs.readdir(path.join(temp(), "tools", "ollama", "0.13.3"))).toEqual([]);
  });

  it("names the proxy and the hop it refused when it will not CONNECT to the object store", async () => {
    const strict = await startTinyproxy({ connectPorts: [Number(new URL(releases.origin).port)] });
    try {
      const error = await install({ HTTP_PROXY: strict.url }).catch((e) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error.message).toMatch(
        new RegExp(
          `^ollama backend: could not download ${release().url}: proxy ${strict.url} refused CONNECT to ${authority(objects.origin)}: HTTP 403`,
        ),
      );
      expect(error.message.split("\n")).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });
});
