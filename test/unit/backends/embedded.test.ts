import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { StoreModel } from "../../../src/backends/backend.js";
import { serveArgs } from "../../../src/backends/embedded.js";
import {
  findPackage,
  installPrefix,
  platformPackage,
  resolveServeCommand,
} from "../../../src/backends/embedded-runtime.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const tempDir = useTempDir();

describe("the embedded backend's serve command", () => {
  it("passes the store's GGUF, the model id, loopback, the port and only the settings given", () => {
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
      "off",
      "--ready-file",
      "/w/ready.json",
    ]);
    expect(
      serveArgs(model, { gpu: "cuda", port: 8080, threads: 2, contextSize: 512, readyTimeoutMs: 1 }, "/r").slice(7),
    ).toEqual(["8080", "--gpu", "auto", "--ready-file", "/r", "--threads", "2", "--context-size", "512"]);
  });

  it("picks node-llama-cpp's platform package for the OS, CPU and gpu input", () => {
    expect(platformPackage("none", "linux", "x64")).toBe("@node-llama-cpp/linux-x64");
    expect(platformPackage("auto", "darwin", "arm64")).toBe("@node-llama-cpp/darwin-arm64");
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
