import { cp, mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { fileExists } from "../store/files.js";
import { BackendError, type GpuMode } from "./backend.js";

/**
 * Where `cortex-model serve` comes from, and node-llama-cpp with it. node-llama-cpp is never bundled into an
 * action (its GPU builds alone weigh ~700 MB): the serve entry runs where the package resolves, or from a
 * tool-cache prefix where it is installed on demand. ESM resolves packages from the importing file's own
 * location (NODE_PATH is ignored), so a bundled entry is copied into that prefix and run from there.
 */

/** Pinned: newer releases' lock files refuse `npm ci` here, and every measurement in the repo used this one. */
export const NODE_LLAMA_CPP_VERSION = "3.21.1";

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * What is wrong with a `version` setting for node-llama-cpp, or undefined when it is usable: an exact semver
 * release (npm would take a range or a tag too, but then the tool-cache directory would not name what is in
 * it), of major version 3 because serve is written against its v3 API.
 */
export function nodeLlamaCppVersionProblem(version: string): string | undefined {
  const match = SEMVER.exec(version.trim());
  if (!match)
    return `version "${version}" is not a node-llama-cpp release: give an exact version like ${NODE_LLAMA_CPP_VERSION}`;
  if (match[1] !== "3") {
    return `version "${version}" is not a node-llama-cpp 3.x release, which serve needs (pinned: ${NODE_LLAMA_CPP_VERSION})`;
  }
  return undefined;
}

/** The node-llama-cpp version to use for a `version` setting; a BackendError naming the value when unusable. */
export function nodeLlamaCppVersion(version: string | undefined): string {
  if (version === undefined) return NODE_LLAMA_CPP_VERSION;
  const problem = nodeLlamaCppVersionProblem(version);
  if (problem) throw new BackendError("embedded", problem);
  return version.trim();
}

export interface ServeEntry {
  /** The JavaScript file node runs. */
  readonly file: string;
  /** Arguments before serve's own (["serve"] for the CLI). */
  readonly args: readonly string[];
  /**
   * A self-contained bundle whose directory may be copied next to an on-demand install. The CLI from lib/ is
   * not: it imports its siblings, and needs node-llama-cpp installed beside it.
   */
  readonly bundled: boolean;
}

/** The command that runs serve: node, the entry, and the leading arguments. */
export interface ServeCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** True when node-llama-cpp was installed (or found installed) in the tool cache for this run. */
  readonly installed: boolean;
}

/** Looks for node_modules/<name>/package.json from `dir` up to the root, the way Node resolves a bare import. */
export async function findPackage(name: string, dir: string): Promise<string | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, "node_modules", name, "package.json");
    if (await fileExists(candidate)) return path.dirname(candidate);
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * node-llama-cpp's prebuilt binaries package for this OS, CPU and GPU choice, as it names them: `linux-x64`,
 * `mac-arm64-metal` (Metal is the only build on Apple Silicon), `win-x64`, with `-cuda` on Linux and Windows
 * x64 for `gpu: cuda`.
 */
export function platformPackage(
  gpu: GpuMode,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const os = { linux: "linux", darwin: "mac", win32: "win" }[platform as "linux" | "darwin" | "win32"];
  if (os === undefined) throw new BackendError("embedded", `node-llama-cpp publishes no build for ${platform}/${arch}`);
  if (os === "mac") return arch === "arm64" ? "@node-llama-cpp/mac-arm64-metal" : `@node-llama-cpp/mac-${arch}`;
  const base = `@node-llama-cpp/${os}-${arch}`;
  if (gpu !== "cuda") return base;
  if (arch !== "x64") throw new BackendError("embedded", `node-llama-cpp has no CUDA build for ${platform}/${arch}`);
  return `${base}-cuda`;
}

export function installPrefix(toolDir: string, gpu: GpuMode, version = NODE_LLAMA_CPP_VERSION): string {
  const flavour = platformPackage(gpu).replace("@node-llama-cpp/", "");
  return path.join(toolDir, "cortex-model", "node-llama-cpp", version, flavour);
}

export interface ResolveOptions {
  readonly entry: ServeEntry;
  readonly toolDir: string;
  readonly gpu: GpuMode;
  readonly version?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/**
 * Where serve's node-llama-cpp is, without installing anything: beside the entry ("local"), in the tool cache
 * ("cached"), installable there ("missing", for a bundled entry), or nowhere it can be ("absent": the CLI from
 * lib/ without the package beside it). What probe() reports and what resolveServeCommand() acts on.
 */
export type RuntimeLocation =
  | { readonly kind: "local" }
  | { readonly kind: "cached" | "missing"; readonly prefix: string }
  | { readonly kind: "absent" };

export async function locateServeRuntime(options: Omit<ResolveOptions, "log" | "env">): Promise<RuntimeLocation> {
  const version = options.version ?? NODE_LLAMA_CPP_VERSION;
  const local = await findPackage("node-llama-cpp", path.dirname(options.entry.file));
  if (local && (await packageVersion(local)) === version) return { kind: "local" };
  if (!options.entry.bundled) return { kind: "absent" };
  const prefix = installPrefix(options.toolDir, options.gpu, version);
  const marker = path.join(prefix, "node_modules", "node-llama-cpp", "package.json");
  return { kind: (await fileExists(marker)) ? "cached" : "missing", prefix };
}

/** The serve command to run, installing node-llama-cpp into the tool cache first when it does not resolve. */
export async function resolveServeCommand(options: ResolveOptions): Promise<ServeCommand> {
  const version = options.version ?? NODE_LLAMA_CPP_VERSION;
  const location = await locateServeRuntime(options);
  if (location.kind === "local") return { file: options.entry.file, args: options.entry.args, installed: false };
  if (location.kind === "absent") {
    throw new BackendError(
      "embedded",
      `node-llama-cpp ${version} is not installed next to ${options.entry.file}: run npm install node-llama-cpp@${version}`,
    );
  }
  const { prefix } = location;
  if (location.kind === "cached") {
    options.log(`node-llama-cpp ${version} found in the tool cache at ${prefix}`);
  } else {
    await npmInstall(prefix, version, options);
  }
  // The entry's directory is copied whole (its chunks and package.json with "type": "module").
  const runtimeDir = path.join(prefix, "serve");
  await rm(runtimeDir, { recursive: true, force: true });
  await cp(path.dirname(options.entry.file), runtimeDir, { recursive: true });
  return { file: path.join(runtimeDir, path.basename(options.entry.file)), args: options.entry.args, installed: true };
}

async function packageVersion(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Installs into a sibling directory and renames it into place, so an interrupted install never looks
 * complete. Optional dependencies are omitted: they are the GPU builds for every platform; the one wanted is
 * named explicitly.
 */
async function npmInstall(prefix: string, version: string, options: ResolveOptions): Promise<void> {
  const staging = `${prefix}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const packages = [`node-llama-cpp@${version}`, `${platformPackage(options.gpu)}@${version}`];
  options.log(`installing ${packages.join(" ")} into ${prefix}`);
  const started = Date.now();
  const result = await execa(
    "npm",
    ["install", "--omit=optional", "--no-save", "--no-audit", "--no-fund", "--prefix", staging, ...packages],
    { env: options.env, reject: false, all: true, stdin: "ignore" },
  );
  if (result.exitCode !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new BackendError("embedded", `npm install of ${packages.join(" ")} failed (exit ${result.exitCode})`, {
      logTail: String(result.all ?? "")
        .trimEnd()
        .split("\n")
        .slice(-40)
        .join("\n"),
    });
  }
  await rm(prefix, { recursive: true, force: true });
  await mkdir(path.dirname(prefix), { recursive: true });
  await rename(staging, prefix);
  options.log(`installed node-llama-cpp ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
