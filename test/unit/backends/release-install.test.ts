import { promises as fs } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BackendError } from "../../../src/backends/backend.js";
import { installLlamaServer, llamaServerArgs, llamaServerRelease } from "../../../src/backends/llama-server.js";
import { installOllama, ollamaEnv, ollamaRelease } from "../../../src/backends/ollama.js";
import { UnsupportedPlatform } from "../../../src/backends/platform.js";
import { UsageError } from "../../../src/core/errors.js";
import { startHttpServer } from "../../helpers/http-server.js";
import { ollamaArchive, serveFiles } from "../../helpers/release-archives.js";
import { useTempDir } from "../../helpers/temp-dir.js";

describe("release URLs and command lines", () => {
  const linux = { os: "linux", arch: "x64" } as const;

  it("picks .tgz before 0.14.0 and .tar.zst from it; refuses versions without archives", () => {
    expect(ollamaRelease("0.13.3", linux)).toEqual({
      url: "https://github.com/ollama/ollama/releases/download/v0.13.3/ollama-linux-amd64.tgz",
      format: "tgz",
      arch: "amd64",
      binary: "bin/ollama",
    });
    expect(ollamaRelease("v0.14.0", linux)).toMatchObject({ format: "tar.zst" });
    expect(ollamaRelease("0.3.7", linux)).toMatchObject({ format: "tgz" });
    expect(() => ollamaRelease("0.3.6", linux)).toThrow(/0\.3\.7 or later/);
    expect(() => ollamaRelease("latest", linux)).toThrow(BackendError);
  });

  it("builds llama.cpp's asset URL from a build tag", () => {
    expect(llamaServerRelease("b6987", linux)).toMatchObject({
      url: "https://github.com/ggml-org/llama.cpp/releases/download/b6987/llama-b6987-bin-ubuntu-x64.zip",
    });
    expect(llamaServerRelease("6987", linux)).toBeInstanceOf(UnsupportedPlatform);
  });

  it("runs llama-server on the store's GGUF on loopback, with the GGUF's chat template", () => {
    expect(llamaServerArgs("/store/blobs/sha256/ab", 8080, "m", { contextSize: 4096, threads: 2 })).toEqual([
      "-m",
      "/store/blobs/sha256/ab",
      "--host",
      "127.0.0.1",
      "--port",
      "8080",
      "--alias",
      "m",
      "-c",
      "4096",
      "-t",
      "2",
      "--jinja",
    ]);
    expect(llamaServerArgs("/g", 1, "m", {})).not.toContain("-c");
  });

  it("gives ollama serve our port and models directory, and turns pruning off", () => {
    const env = ollamaEnv({ PATH: "/bin", OLLAMA_HOST: "0.0.0.0:1" }, 4321, "/view", 2048);
    expect(env).toMatchObject({
      PATH: "/bin",
      OLLAMA_HOST: "127.0.0.1:4321",
      OLLAMA_MODELS: "/view",
      OLLAMA_NOPRUNE: "1",
      OLLAMA_CONTEXT_LENGTH: "2048",
    });
  });
});

describe("installing release archives into the tool cache", () => {
  const temp = useTempDir("cortex-install-");

  for (const format of ["tgz", "tar.zst"] as const) {
    it(`unpacks an Ollama ${format} keeping bin/ and lib/ollama/, once`, async () => {
      const archive = await ollamaArchive(temp(), format);
      const server = await serveFiles({ [`/ollama.${format}`]: archive });
      try {
        const toolDir = path.join(temp(), "tools");
        const release = { url: `${server.origin}/ollama.${format}`, format, arch: "amd64", binary: "bin/ollama" };
        const binary = await installOllama({ toolDir, version: "0.13.3", release, env: {} });
        expect(binary).toBe(path.join(toolDir, "ollama", "0.13.3", "amd64", "bin", "ollama"));
        expect((await execa(binary, ["--version"])).stdout).toBe("ollama version is 0.0.0");
        expect(
          await fs.readFile(
            path.join(toolDir, "ollama", "0.13.3", "amd64", "lib", "ollama", "cuda_v12", "libggml-cuda.so"),
            "utf8",
          ),
        ).toBe("gpu");
        expect(await fs.stat(path.join(toolDir, "ollama", "0.13.3", "amd64.complete"))).toBeTruthy();
        expect(await installOllama({ toolDir, version: "0.13.3", release, env: {} })).toBe(binary);
        expect(server.hits).toEqual([`/ollama.${format}`]);
        expect((await fs.readdir(path.join(toolDir, "ollama", "0.13.3"))).sort()).toEqual(["amd64", "amd64.complete"]);
      } finally {
        await server.close();
      }
    });
  }

  it("finds llama-server wherever the zip nests it", async () => {
    const root = path.join(temp(), "zip");
    await fs.mkdir(path.join(root, "build", "bin"), { recursive: true });
    await fs.writeFile(path.join(root, "build", "bin", "llama-server"), "#!/bin/sh\n", { mode: 0o755 });
    await fs.writeFile(path.join(root, "build", "bin", "libllama.so"), "");
    const archive = path.join(temp(), "llama.zip");
    await execa("zip", ["-qr", archive, "build"], { cwd: root });
    const server = await serveFiles({ "/llama.zip": archive });
    try {
      const toolDir = path.join(temp(), "tools");
      const release = {
        url: `${server.origin}/llama.zip`,
        format: "zip" as const,
        arch: "x64",
        binary: "llama-server",
      };
      const binary = await installLlamaServer({ toolDir, tag: "b6987", release, env: {} });
      expect(binary).toBe(path.join(toolDir, "llama-server", "b6987", "x64", "build", "bin", "llama-server"));
    } finally {
      await server.close();
    }
  });

  it("follows a release URL's redirect to another origin, as GitHub's go to its object store", async () => {
    const archive = await ollamaArchive(temp(), "tgz");
    const objects = await serveFiles({ "/objects/ollama.tgz": archive }, "127.0.0.2");
    const releases = await startHttpServer((_req, res) => {
      res.writeHead(302, { location: `${objects.origin}/objects/ollama.tgz` }).end();
    });
    try {
      const toolDir = path.join(temp(), "tools");
      const release = {
        url: `${releases.origin}/download/ollama.tgz`,
        format: "tgz" as const,
        arch: "amd64",
        binary: "bin/ollama",
      };
      const binary = await installOllama({ toolDir, version: "0.13.3", release, env: {} });
      expect((await execa(binary, ["--version"])).stdout).toBe("ollama version is 0.0.0");
      expect(objects.hits).toEqual(["/objects/ollama.tgz"]);
    } finally {
      await Promise.all([releases.close(), objects.close()]);
    }
  });

  it("retries a download that failed on the way (a 503, then a body cut short) and installs on the third try", async () => {
    const archive = await fs.readFile(await ollamaArchive(temp(), "tgz"));
    let hits = 0;
    const server = await startHttpServer((_req, res) => {
      hits++;
      if (hits === 1) return void res.writeHead(503, { "retry-after": "0" }).end();
      res.writeHead(200, { "content-length": String(archive.length) });
      if (hits === 2) {
        res.write(archive.subarray(0, 100));
        return void setTimeout(() => res.destroy(), 20);
      }
      res.end(archive);
    });
    try {
      const release = {
        url: `${server.origin}/ollama.tgz`,
        format: "tgz" as const,
        arch: "amd64",
        binary: "bin/ollama",
      };
      const binary = await installOllama({ toolDir: path.join(temp(), "tools"), version: "0.13.3", release, env: {} });
      expect((await execa(binary, ["--version"])).stdout).toBe("ollama version is 0.0.0");
      expect(hits).toBe(3);
    } finally {
      await server.close();
    }
  });

  it("fails on a body cut short and on a redirect to plain HTTP elsewhere, leaving nothing marked complete", async () => {
    const server = await startHttpServer((req, res) => {
      if (req.url === "/downgrade.tgz") return void res.writeHead(302, { location: "http://example.com/o.tgz" }).end();
      res.writeHead(200, { "content-length": "1000" });
      res.write(Buffer.alloc(300));
      setTimeout(() => res.destroy(), 20);
    });
    try {
      const toolDir = path.join(temp(), "tools");
      const install = (name: string) =>
        installOllama({
          toolDir,
          version: "0.13.3",
          env: {},
          release: { url: `${server.origin}/${name}`, format: "tgz", arch: "amd64", binary: "bin/ollama" },
        }).catch((e) => e);
      const cut = await install("cut.tgz");
      expect(cut).toBeInstanceOf(BackendError);
      expect(cut.message).toMatch(
        new RegExp(`^ollama backend: could not download ${server.origin}/cut.tgz: .* after 300 body bytes$`),
      );
      const downgrade = await install("downgrade.tgz");
      expect(downgrade.message).toBe(
        `ollama backend: could not download ${server.origin}/downgrade.tgz: refusing plain HTTP to example.com: only loopback hosts or registries marked insecure may use http`,
      );
      expect(await fs.readdir(path.join(toolDir, "ollama", "0.13.3"))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("refuses a proxy variable it cannot use instead of going around the proxy", async () => {
    const error = await installOllama({
      toolDir: path.join(temp(), "tools"),
      version: "0.13.3",
      env: { HTTPS_PROXY: "socks5://user:pw-secret@proxy.example:1080" },
      release: {
        url: "https://github.com/o/o/releases/download/v0.13.3/o.tgz",
        format: "tgz",
        arch: "amd64",
        binary: "bin/ollama",
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("HTTPS_PROXY: socks5 proxies are not supported; give an http:// proxy");
  });

  it("fails clearly on a missing download and on an archive without the binary, leaving nothing marked complete", async () => {
    const empty = path.join(temp(), "empty");
    await fs.mkdir(path.join(empty, "lib"), { recursive: true });
    await fs.writeFile(path.join(empty, "lib", "x"), "");
    const archive = path.join(temp(), "bad.tgz");
    await execa("tar", ["-czf", archive, "-C", empty, "lib"]);
    const server = await serveFiles({ "/bad.tgz": archive });
    try {
      const toolDir = path.join(temp(), "tools");
      const missing = await installOllama({
        toolDir,
        version: "0.13.3",
        env: {},
        release: { url: `${server.origin}/nope.tgz`, format: "tgz", arch: "amd64", binary: "bin/ollama" },
      }).catch((e) => e);
      expect(missing).toBeInstanceOf(BackendError);
      expect(missing.message).toBe(`ollama backend: could not download ${server.origin}/nope.tgz: HTTP 404`);
      expect(
        await fs.stat(path.join(toolDir, "ollama", "0.13.3", "amd64.complete")).catch(() => undefined),
      ).toBeUndefined();
      const layout = await installOllama({
        toolDir,
        version: "0.13.2",
        env: {},
        release: { url: `${server.origin}/bad.tgz`, format: "tgz", arch: "amd64", binary: "bin/ollama" },
      }).catch((e) => e);
      expect(layout.message).toMatch(/has no bin\/ollama/);
      expect(await fs.readdir(path.join(toolDir, "ollama", "0.13.2"))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
