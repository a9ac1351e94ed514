import type { ArchiveFormat } from "./tool-install.js";

/**
 * The runner a backend is installed on. Every platform decision (which archive, where the binary sits in it,
 * how a server is stopped) is a pure function of this, so each combination is tested on any machine.
 */
export interface RunnerPlatform {
  readonly os: NodeJS.Platform;
  readonly arch: string;
}

export function currentPlatform(): RunnerPlatform {
  return { os: process.platform, arch: process.arch };
}

/** A release archive for one platform: where to get it, how to unpack it, and the binary inside it. */
export interface ReleaseAsset {
  readonly url: string;
  readonly format: ArchiveFormat;
  /** The architecture as the tool cache names it (and the vendor's archive, where it differs from Node's). */
  readonly arch: string;
  /** The executable, relative to the unpacked archive's root (or, where nesting varies, just its file name). */
  readonly binary: string;
}

/** A platform a backend has no build for: the one line a person gets instead of an endpoint. */
export class UnsupportedPlatform {
  constructor(readonly reason: string) {}
}

export function describePlatform(platform: RunnerPlatform): string {
  return `${platform.os}/${platform.arch}`;
}

/** An executable's file name on the platform (`.exe` on Windows). */
export function executable(name: string, platform: RunnerPlatform): string {
  return platform.os === "win32" ? `${name}.exe` : name;
}

/**
 * Ollama's official archives (the layout each ships with, as its release workflow writes them):
 * Linux `ollama-linux-<amd64|arm64>` with `bin/ollama` and `lib/ollama/` (`.tar.zst` from 0.14.0, `.tgz`
 * from 0.3.7); macOS one universal `ollama-darwin.tgz` with `ollama` and its libraries at the top;
 * Windows `ollama-windows-<amd64|arm64>.zip` with `ollama.exe` and `lib/ollama/`.
 */
export function ollamaAsset(tag: string, zstd: boolean, platform: RunnerPlatform): ReleaseAsset | UnsupportedPlatform {
  const base = `https://github.com/ollama/ollama/releases/download/${tag}`;
  const arch = platform.arch === "x64" ? "amd64" : platform.arch === "arm64" ? "arm64" : undefined;
  if (platform.os === "darwin") {
    return { url: `${base}/ollama-darwin.tgz`, format: "tgz", arch: "universal", binary: "ollama" };
  }
  if (arch === undefined) return new UnsupportedPlatform(`Ollama publishes no build for ${describePlatform(platform)}`);
  if (platform.os === "linux") {
    const format: ArchiveFormat = zstd ? "tar.zst" : "tgz";
    return { url: `${base}/ollama-linux-${arch}.${format}`, format, arch, binary: "bin/ollama" };
  }
  if (platform.os === "win32") {
    return { url: `${base}/ollama-windows-${arch}.zip`, format: "zip", arch, binary: "ollama.exe" };
  }
  return new UnsupportedPlatform(`Ollama publishes no build for ${describePlatform(platform)}`);
}

/** The build number of a llama.cpp tag like b6987. */
export function llamaBuildNumber(tag: string): number | undefined {
  const match = /^b(\d+)$/.exec(tag);
  return match ? Number(match[1]) : undefined;
}

/**
 * llama.cpp moved its Linux and macOS release archives from `.zip` to `.tar.gz` after announcing it in b7312;
 * builds up to then are zip. Windows stays zip.
 */
const LAST_ZIP_BUILD = 7312;

/**
 * llama.cpp's CPU release archives: `llama-<tag>-bin-ubuntu-<x64|arm64>`, `-macos-<arm64|x64>` (Metal on
 * Apple Silicon) and `-win-cpu-<x64|arm64>.zip`. The archives nest `llama-server` differently across builds,
 * so the binary is found by name after unpacking.
 */
export function llamaServerAsset(tag: string, platform: RunnerPlatform): ReleaseAsset | UnsupportedPlatform {
  const build = llamaBuildNumber(tag);
  if (build === undefined) return new UnsupportedPlatform(`"${tag}" is not a llama.cpp build tag like b6987`);
  if (platform.arch !== "x64" && platform.arch !== "arm64") {
    return new UnsupportedPlatform(`llama.cpp publishes no build for ${describePlatform(platform)}`);
  }
  const name = { linux: "ubuntu", darwin: "macos", win32: "win-cpu" }[platform.os as "linux" | "darwin" | "win32"];
  if (name === undefined) {
    return new UnsupportedPlatform(`llama.cpp publishes no build for ${describePlatform(platform)}`);
  }
  const format: ArchiveFormat = platform.os === "win32" || build <= LAST_ZIP_BUILD ? "zip" : "tgz";
  const extension = format === "zip" ? "zip" : "tar.gz";
  return {
    url: `https://github.com/ggml-org/llama.cpp/releases/download/${tag}/llama-${tag}-bin-${name}-${platform.arch}.${extension}`,
    format,
    arch: platform.arch,
    binary: executable("llama-server", platform),
  };
}

/**
 * Docker Model Runner needs a Docker Engine with the model plugin: on hosted runners only Linux has one
 * (macOS and Windows runners have no Docker Desktop).
 */
export function dockerModelRunnerSupport(platform: RunnerPlatform): UnsupportedPlatform | undefined {
  return platform.os === "linux"
    ? undefined
    : new UnsupportedPlatform(`Docker Model Runner runs on Linux runners only, not ${describePlatform(platform)}`);
}

/**
 * The environment that lets a program find the shared libraries unpacked beside it, `dir` put first:
 * llama.cpp's release archives ship libllama and libggml next to llama-server. Windows looks beside the
 * executable by itself and needs nothing.
 */
export function libraryPathEnv(dir: string, platform: RunnerPlatform, env: NodeJS.ProcessEnv): Record<string, string> {
  if (platform.os === "win32") return {};
  const name = platform.os === "darwin" ? "DYLD_LIBRARY_PATH" : "LD_LIBRARY_PATH";
  return { [name]: [dir, env[name]].filter(Boolean).join(":") };
}

/** One way of asking a backend's processes to end: a signal to its process group, or a command to run. */
export type StopRequest =
  | { readonly kind: "signal"; readonly signal: "SIGTERM" | "SIGKILL" }
  | { readonly kind: "command"; readonly command: string; readonly args: readonly string[] };

/**
 * How a backend started detached is ended. POSIX: it leads a process group of its own (setsid), so SIGTERM
 * to the group lets the server finish, and SIGKILL after the grace ends whatever it spawned (Ollama's runner,
 * llama.cpp's workers); the group is gone when no member is left. Windows has neither groups nor signals:
 * `taskkill /T` walks the tree from its root, asked first (a console program refuses, so the grace is skipped)
 * and forced with /F; the tree is gone with its root.
 */
export interface StopPlan {
  readonly scope: "group" | "tree";
  readonly ask: StopRequest;
  readonly force: StopRequest;
}

export function stopPlan(pid: number, platform: RunnerPlatform): StopPlan {
  if (platform.os === "win32") {
    return { scope: "tree", ask: treeKillCommand(pid, false), force: treeKillCommand(pid, true) };
  }
  return { scope: "group", ask: { kind: "signal", signal: "SIGTERM" }, force: { kind: "signal", signal: "SIGKILL" } };
}

/** taskkill's argv that ends a process and every process it started: asked first, forced after the grace. */
export function treeKillCommand(pid: number, force: boolean): StopRequest {
  return { kind: "command", command: "taskkill", args: ["/PID", String(pid), "/T", ...(force ? ["/F"] : [])] };
}
