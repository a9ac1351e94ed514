import { describe, expect, it } from "vitest";
import {
  dockerModelRunnerSupport,
  executable,
  libraryPathEnv,
  llamaServerAsset,
  ollamaAsset,
  type RunnerPlatform,
  stopPlan,
  UnsupportedPlatform,
} from "../../../src/backends/platform.js";
import { unpackCommand } from "../../../src/backends/tool-install.js";

const runners: Record<string, RunnerPlatform> = {
  "ubuntu-24.04": { os: "linux", arch: "x64" },
  "ubuntu-24.04-arm": { os: "linux", arch: "arm64" },
  "macos-14": { os: "darwin", arch: "arm64" },
  "windows-2022": { os: "win32", arch: "x64" },
};

const ollamaBase = "https://github.com/ollama/ollama/releases/download/v0.14.0";
const llamaBase = "https://github.com/ggml-org/llama.cpp/releases/download";

describe("platform decisions per hosted runner", () => {
  it.each([
    ["ubuntu-24.04", `${ollamaBase}/ollama-linux-amd64.tar.zst`, "tar.zst", "bin/ollama"],
    ["ubuntu-24.04-arm", `${ollamaBase}/ollama-linux-arm64.tar.zst`, "tar.zst", "bin/ollama"],
    ["macos-14", `${ollamaBase}/ollama-darwin.tgz`, "tgz", "ollama"],
    ["windows-2022", `${ollamaBase}/ollama-windows-amd64.zip`, "zip", "ollama.exe"],
  ])("Ollama on %s: %s, binary %s", (runner, url, format, binary) => {
    expect(ollamaAsset("v0.14.0", true, runners[runner] as RunnerPlatform)).toMatchObject({ url, format, binary });
  });

  it("takes Ollama's .tgz on Linux before the .tar.zst releases, and refuses unknown architectures in one line", () => {
    expect(ollamaAsset("v0.13.3", false, { os: "linux", arch: "x64" })).toMatchObject({ format: "tgz" });
    expect(ollamaAsset("v0.13.3", false, { os: "linux", arch: "ia32" })).toEqual(
      new UnsupportedPlatform("Ollama publishes no build for linux/ia32"),
    );
    expect(ollamaAsset("v0.13.3", false, { os: "freebsd", arch: "x64" })).toBeInstanceOf(UnsupportedPlatform);
  });

  it.each([
    ["ubuntu-24.04", "b6987", `${llamaBase}/b6987/llama-b6987-bin-ubuntu-x64.zip`, "zip", "llama-server"],
    ["ubuntu-24.04-arm", "b6987", `${llamaBase}/b6987/llama-b6987-bin-ubuntu-arm64.zip`, "zip", "llama-server"],
    ["macos-14", "b6987", `${llamaBase}/b6987/llama-b6987-bin-macos-arm64.zip`, "zip", "llama-server"],
    ["windows-2022", "b6987", `${llamaBase}/b6987/llama-b6987-bin-win-cpu-x64.zip`, "zip", "llama-server.exe"],
    ["ubuntu-24.04", "b8000", `${llamaBase}/b8000/llama-b8000-bin-ubuntu-x64.tar.gz`, "tgz", "llama-server"],
    ["macos-14", "b8000", `${llamaBase}/b8000/llama-b8000-bin-macos-arm64.tar.gz`, "tgz", "llama-server"],
    ["windows-2022", "b8000", `${llamaBase}/b8000/llama-b8000-bin-win-cpu-x64.zip`, "zip", "llama-server.exe"],
  ])("llama.cpp on %s at %s: %s", (runner, tag, url, format, binary) => {
    expect(llamaServerAsset(tag, runners[runner] as RunnerPlatform)).toMatchObject({ url, format, binary });
  });

  it("refuses a llama.cpp tag that is not a build number, and platforms without builds", () => {
    expect(llamaServerAsset("latest", { os: "linux", arch: "x64" })).toBeInstanceOf(UnsupportedPlatform);
    expect(llamaServerAsset("b6987", { os: "linux", arch: "s390x" })).toEqual(
      new UnsupportedPlatform("llama.cpp publishes no build for linux/s390x"),
    );
  });

  it("runs Docker Model Runner on Linux runners only, saying so elsewhere", () => {
    expect(dockerModelRunnerSupport({ os: "linux", arch: "arm64" })).toBeUndefined();
    expect(dockerModelRunnerSupport({ os: "darwin", arch: "arm64" })?.reason).toBe(
      "Docker Model Runner runs on Linux runners only, not darwin/arm64",
    );
  });

  it("stops process groups with signals on POSIX and the process tree with taskkill on Windows", () => {
    const posix = {
      scope: "group",
      ask: { kind: "signal", signal: "SIGTERM" },
      force: { kind: "signal", signal: "SIGKILL" },
    };
    expect(stopPlan(42, runners["ubuntu-24.04"] as RunnerPlatform)).toEqual(posix);
    expect(stopPlan(42, runners["ubuntu-24.04-arm"] as RunnerPlatform)).toEqual(posix);
    expect(stopPlan(42, runners["macos-14"] as RunnerPlatform)).toEqual(posix);
    expect(stopPlan(42, runners["windows-2022"] as RunnerPlatform)).toEqual({
      scope: "tree",
      ask: { kind: "command", command: "taskkill", args: ["/PID", "42", "/T"] },
      force: { kind: "command", command: "taskkill", args: ["/PID", "42", "/T", "/F"] },
    });
    expect(executable("ollama", { os: "win32", arch: "x64" })).toBe("ollama.exe");
    expect(executable("ollama", { os: "linux", arch: "x64" })).toBe("ollama");
  });

  it("unpacks with tar and unzip on POSIX, and with Windows' own bsdtar by its full path on Windows", () => {
    const linux = runners["ubuntu-24.04"] as RunnerPlatform;
    const windows = runners["windows-2022"] as RunnerPlatform;
    expect(unpackCommand("tar.zst", "/t/a.tar.zst", "/t/d", linux, {})).toEqual([
      "tar",
      ["--zstd", "-xf", "/t/a.tar.zst", "-C", "/t/d"],
    ]);
    expect(unpackCommand("zip", "/t/a.zip", "/t/d", runners["macos-14"] as RunnerPlatform, {})).toEqual([
      "unzip",
      ["-q", "-o", "/t/a.zip", "-d", "/t/d"],
    ]);
    const archive = "D:\\a\\_temp\\ollama-windows-amd64.zip";
    expect(unpackCommand("zip", archive, "D:\\t\\d", windows, { SystemRoot: "C:\\WINDOWS" })).toEqual([
      "C:\\WINDOWS\\System32\\tar.exe",
      ["-xf", archive, "-C", "D:\\t\\d"],
    ]);
    expect(unpackCommand("tgz", "a.tgz", "d", windows, {})[0]).toBe("C:\\Windows\\System32\\tar.exe");
  });

  it("points the loader at the libraries beside llama-server by each platform's variable", () => {
    const env = { LD_LIBRARY_PATH: "/usr/local/lib", DYLD_LIBRARY_PATH: "/opt/lib" };
    expect(libraryPathEnv("/t/bin", runners["ubuntu-24.04-arm"] as RunnerPlatform, env)).toEqual({
      LD_LIBRARY_PATH: "/t/bin:/usr/local/lib",
    });
    expect(libraryPathEnv("/t/bin", runners["ubuntu-24.04"] as RunnerPlatform, {})).toEqual({
      LD_LIBRARY_PATH: "/t/bin",
    });
    expect(libraryPathEnv("/t/bin", runners["macos-14"] as RunnerPlatform, env)).toEqual({
      DYLD_LIBRARY_PATH: "/t/bin:/opt/lib",
    });
    expect(libraryPathEnv("D:\\t\\bin", runners["windows-2022"] as RunnerPlatform, env)).toEqual({});
  });
});
