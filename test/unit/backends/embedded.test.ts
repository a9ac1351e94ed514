import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BackendError, type StoreModel } from "../../../src/backends/backend.js";
import { createEmbeddedBackend, serveArgs } from "../../../src/backends/embedded.js";
import {
  findPackage,
  installPrefix,
  NODE_LLAMA_CPP_VERSION,
  nodeLlamaCppVersion,
  platformPackage,
  resolveServeCommand,
  type ServeEntry,
} from "../../../src/backends/embedded-runtime.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const tempDir = useTempDir();

describe("the embedded backend's serve command", () => {
  it("passes the store's GGUF (checked by setup, not again), the model id, loopback, the port and only the settings given", () => {
    const model = { modelId: "ka:v1", pulled: { model: "/store/blobs/sha256/abc" } } as unknown as StoreModel;
    expect(serveArgs(model, { gpu: "none", port: 0, readyTimeoutMs: 1 }, "/w/ready.json")).toEqual([
      "--model",
      "/store/blobs/sha256/abc",
      "--model-id",
      "ka:v1",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--gpu",
      "none",
      "--ready-file",
      "/w/ready.json",
      "--no-verify",
    ]);
    expect(
      serveArgs(model, { gpu: "cuda", port: 8080, threads: 2, contextSize: 512, readyTimeoutMs: 1 }, "/r").slice(7),
    ).toEqual([
      "8080",
      "--gpu",
      "cuda",
      "--ready-file",
      "/r",
      "--no-verify",
      "--threads",
      "2",
      "--context-size",
      "512",
    ]);
  });

  it("picks node-llama-cpp's platform package for the OS, CPU and gpu input", () => {
    expect(platformPackage("none", "linux", "x64")).toBe("@node-llama-cpp/linux-x64");
    expect(platformPackage("auto", "darwin", "arm64")).toBe("@node-llama-cpp/mac-arm64-metal");
    expect(platformPackage("none", "win32", "x64")).toBe("@node-llama-cpp/win-x64");
    expect(platformPackage("cuda", "win32", "x64")).toBe("@node-llama-cpp/win-x64-cuda");
    expect(platformPackage("none", "linux", "arm64")).toBe("@node-llama-cpp/linux-arm64");
    expect(() => platformPackage("cuda", "linux", "arm64")).toThrow("no CUDA build for linux/arm64");
    expect(() => platformPackage("none", "freebsd", "x64")).toThrow("no build for freebsd/x64");
    expect(platformPackage("cuda", "linux", "x64")).toBe("@node-llama-cpp/linux-x64-cuda");
    expect(installPrefix("/tc", "none")).toBe(
      `/tc/cortex-model/node-llama-cpp/3.21.1/${process.platform}-${process.arch}`,
    );
  });

  it("finds a package the way node resolves a bare import: node_modules of the directory or any parent", async () => {
    const root = tempDir();
    await mkdir(path.join(root, "node_modules", "pkg"), { recursive: true });
    await writeFile(path.join(root, "node_modules", "pkg", "package.json"), '{"version":"1.0.0"}');
    await mkdir(path.join(root, "a", "b"), { recursive: true });
    expect(await findPackage("pkg", path.join(root, "a", "b"))).toBe(path.join(root, "node_modules", "pkg"));
    expect(await findPackage("other", path.join(root, "a", "b"))).toBeUndefined();
  });

  it("runs serve in place when node-llama-cpp resolves, and refuses to install beside an entry that is not a bundle", async () => {
    const root = tempDir();
    const common = { toolDir: path.join(root, "tc"), gpu: "none" as const, env: process.env, log: () => {} };
    const inRepo = {
      file: path.resolve(import.meta.dirname, "../../../bin/cortex-model.js"),
      args: ["serve"],
      bundled: false,
    };
    expect(await resolveServeCommand({ ...common, entry: inRepo })).toEqual({
      file: inRepo.file,
      args: ["serve"],
      installed: false,
    });
    const elsewhere = { file: path.join(root, "cli.js"), args: ["serve"], bundled: false };
    await expect(resolveServeCommand({ ...common, entry: elsewhere })).rejects.toThrow(
      `embedded backend: node-llama-cpp 3.21.1 is not installed next to ${elsewhere.file}: run npm install node-llama-cpp@3.21.1`,
    );
  });
});

describe("the version setting of the embedded backend", () => {
  it("takes an exact node-llama-cpp 3.x release and refuses anything else, naming the value", () => {
    expect(nodeLlamaCppVersion(undefined)).toBe(NODE_LLAMA_CPP_VERSION);
    expect(nodeLlamaCppVersion(" 3.20.0 ")).toBe("3.20.0");
    expect(nodeLlamaCppVersion("3.22.0-beta.1")).toBe("3.22.0-beta.1");
    for (const range of ["latest", "^3.21.1", "3.21", "v3.21.1", "3.21.1 || 3.20.0"]) {
      expect(() => nodeLlamaCppVersion(range)).toThrow(
        new BackendError(
          "embedded",
          `version "${range}" is not a node-llama-cpp release: give an exact version like ${NODE_LLAMA_CPP_VERSION}`,
        ),
      );
    }
    expect(() => nodeLlamaCppVersion("0.13.3")).toThrow(
      'embedded backend: version "0.13.3" is not a node-llama-cpp 3.x release, which serve needs (pinned: 3.21.1)',
    );
  });

  function backendWith(version: string | undefined, entry: ServeEntry, toolDir: string) {
    const context = { toolDir, workDir: toolDir, env: process.env, log: () => {}, lifetime: "detached" as const };
    const settings = { gpu: "none" as const, port: 0, readyTimeoutMs: 1, ...(version ? { version } : {}) };
    return createEmbeddedBackend(settings, context, { serveEntry: entry });
  }

  it("probes what is there for the version asked, without installing it", async () => {
    const root = tempDir();
    const inRepo = {
      file: path.resolve(import.meta.dirname, "../../../bin/cortex-model.js"),
      args: ["serve"],
      bundled: false,
    };
    expect(await backendWith(undefined, inRepo, root).probe()).toEqual({
      availability: "installed",
      detail: "node-llama-cpp 3.21.1 beside serve",
    });
    expect(await backendWith("3.20.0", inRepo, root).probe()).toEqual({
      availability: "unavailable",
      detail: `node-llama-cpp 3.20.0 is not installed next to ${inRepo.file}`,
    });
    const bundled = { file: path.join(root, "dist", "serve", "index.js"), args: [], bundled: true };
    expect(await backendWith("3.20.0", bundled, root).probe()).toEqual({
      availability: "installable",
      detail: "node-llama-cpp 3.20.0 can be installed from npm",
    });
    // An earlier run's install of that version, in the tool cache under its own version directory.
    const prefix = installPrefix(root, "none", "3.20.0");
    await mkdir(path.join(prefix, "node_modules", "node-llama-cpp"), { recursive: true });
    await writeFile(path.join(prefix, "node_modules", "node-llama-cpp", "package.json"), '{"version":"3.20.0"}');
    expect(await backendWith("3.20.0", bundled, root).probe()).toEqual({
      availability: "installed",
      detail: "node-llama-cpp 3.20.0 in the tool cache",
    });
    expect(await backendWith(undefined, bundled, root).probe()).toMatchObject({ availability: "installable" });
    expect(await backendWith("latest", bundled, root).probe()).toEqual({
      availability: "unavailable",
      detail: `version "latest" is not a node-llama-cpp release: give an exact version like ${NODE_LLAMA_CPP_VERSION}`,
    });
  });

  it("prepares the version asked for: serve runs from that version's tool-cache prefix; a bad one fails first", async () => {
    const root = tempDir();
    await mkdir(path.join(root, "dist", "serve"), { recursive: true });
    await writeFile(path.join(root, "dist", "serve", "index.js"), "");
    const bundled = { file: path.join(root, "dist", "serve", "index.js"), args: [], bundled: true };
    const prefix = installPrefix(root, "none", "3.20.0");
    await mkdir(path.join(prefix, "node_modules", "node-llama-cpp"), { recursive: true });
    await writeFile(path.join(prefix, "node_modules", "node-llama-cpp", "package.json"), '{"version":"3.20.0"}');
    const lines: string[] = [];
    const command = await resolveServeCommand({
      entry: bundled,
      toolDir: root,
      gpu: "none",
      version: "3.20.0",
      env: process.env,
      log: (line) => lines.push(line),
    });
    expect(command).toEqual({ file: path.join(prefix, "serve", "index.js"), args: [], installed: true });
    expect(lines).toEqual([`node-llama-cpp 3.20.0 found in the tool cache at ${prefix}`]);
    await expect(backendWith("3.x", bundled, root).prepare()).rejects.toThrow(
      'embedded backend: version "3.x" is not a node-llama-cpp release',
    );
  });
});
