import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { execa } from "execa";
import { type ProxyEnv, proxyEnv } from "../http/proxy.js";
import { DEFAULT_RETRY_POLICY, statusFailure, withRetries } from "../http/retry.js";
import { exchange } from "../http/transport.js";
import { tempPath } from "../store/files.js";
import { BackendError, type BackendName } from "./backend.js";
import { currentPlatform, type RunnerPlatform } from "./platform.js";

/**
 * Downloads and unpacks a backend's release archive into the tool cache, in @actions/tool-cache's layout
 * (`<toolDir>/<name>/<version>/<arch>` plus a `<arch>.complete` marker), so a runner's tool cache and
 * `tc.find` see the same entries, while this module stays free of @actions/*. The archive is unpacked into a
 * temporary directory and renamed into place: an interrupted install leaves nothing that looks complete.
 * Downloads go through the registry's transport, so they honour the same proxy variables as pulls (a runner
 * behind a corporate proxy) and every redirect hop (GitHub to its object store) picks its own route.
 */

export type ArchiveFormat = "tgz" | "tar.zst" | "zip";

export interface ToolInstall {
  readonly backend: BackendName;
  readonly toolDir: string;
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly url: string;
  readonly format: ArchiveFormat;
  /** The environment the backend runs with: its proxy variables route the download. */
  readonly env: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** Throws when the unpacked tree lacks what the backend needs; checked before the install is marked complete. */
  readonly validate?: (dir: string) => Promise<void>;
}

export function toolPath(toolDir: string, name: string, version: string, arch: string): string {
  return path.join(toolDir, name, version, arch);
}

/** The cached directory when a complete install is there. */
export async function findTool(
  toolDir: string,
  name: string,
  version: string,
  arch: string,
): Promise<string | undefined> {
  const dir = toolPath(toolDir, name, version, arch);
  return (await fs.stat(`${dir}.complete`).catch(() => undefined)) ? dir : undefined;
}

/** The install directory, from the cache when it is complete there, else downloaded and unpacked. */
export async function installTool(install: ToolInstall): Promise<string> {
  const cached = await findTool(install.toolDir, install.name, install.version, install.arch);
  if (cached) return cached;
  const proxies = proxyEnv(install.env);
  const dir = toolPath(install.toolDir, install.name, install.version, install.arch);
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const archive = tempPath(parent, `.download.${install.format}`);
  const unpacked = tempPath(parent, ".unpack");
  try {
    install.log?.(`Downloading ${install.url}`);
    await download(install, proxies, archive);
    await fs.mkdir(unpacked);
    await unpack(install, archive, unpacked);
    await install.validate?.(unpacked);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(unpacked, dir);
    await fs.writeFile(`${dir}.complete`, "");
    return dir;
  } finally {
    await fs.rm(archive, { force: true });
    await fs.rm(unpacked, { recursive: true, force: true });
  }
}

/**
 * Downloads the archive, retried as registry requests are (broken connections, a body cut short, 408, 429
 * with its Retry-After, 5xx): release downloads from GitHub fail now and then, and one failure would fail the
 * whole setup step.
 */
async function download(install: ToolInstall, proxies: ProxyEnv, file: string): Promise<void> {
  const failed = (detail: unknown) =>
    new BackendError(
      install.backend,
      `could not download ${install.url}: ${detail instanceof Error ? detail.message : String(detail)}`,
      detail instanceof Error ? { cause: detail } : {},
    );
  try {
    await withRetries(DEFAULT_RETRY_POLICY, undefined, async () => {
      // bulk: release archives run to gigabytes, and the direct reader receives them at a fraction of the CPU.
      const response = await exchange({ method: "GET", url: new URL(install.url), bulk: true }, { proxies });
      if (response.status < 200 || response.status > 299) {
        await response.discard();
        throw statusFailure(response, failed(`HTTP ${response.status}`));
      }
      await pipeline(response.body, createWriteStream(file));
    });
  } catch (error) {
    throw error instanceof BackendError ? error : failed(error);
  }
}

/**
 * argv that unpacks `archive` into `dir`; zstd needs GNU tar's --zstd (tar 1.31+, as on ubuntu runners).
 * Windows has no unzip, but its own bsdtar (System32\tar.exe, from Windows 10 on) reads zip archives; it is
 * named by its full path because a GNU tar earlier on the PATH (Git's) takes `D:\...` for a remote host.
 */
export function unpackCommand(
  format: ArchiveFormat,
  archive: string,
  dir: string,
  platform: RunnerPlatform = currentPlatform(),
  env: NodeJS.ProcessEnv = process.env,
): [string, string[]] {
  if (platform.os === "win32") {
    const tar = path.win32.join(env.SystemRoot ?? "C:\\Windows", "System32", "tar.exe");
    return [tar, [format === "tgz" ? "-xzf" : "-xf", archive, "-C", dir]];
  }
  switch (format) {
    case "tgz":
      return ["tar", ["-xzf", archive, "-C", dir]];
    case "tar.zst":
      return ["tar", ["--zstd", "-xf", archive, "-C", dir]];
    case "zip":
      return ["unzip", ["-q", "-o", archive, "-d", dir]];
  }
}

async function unpack(install: ToolInstall, archive: string, dir: string): Promise<void> {
  const [command, args] = unpackCommand(install.format, archive, dir, currentPlatform(), install.env);
  const result = await execa(command, args, { reject: false, all: true });
  if (result.exitCode !== 0) {
    throw new BackendError(
      install.backend,
      `could not unpack ${install.url} with ${command} (exit ${result.exitCode})`,
      {
        logTail: result.all ?? "",
      },
    );
  }
}

/** The first file called `name` under `dir`, breadth first (release archives nest it at different depths). */
export async function findFile(dir: string, name: string): Promise<string | undefined> {
  let level = [dir];
  while (level.length > 0) {
    const next: string[] = [];
    for (const current of level) {
      for (const entry of await fs.readdir(current, { withFileTypes: true })) {
        const full = path.join(current, entry.name);
        if (entry.isFile() && entry.name === name) return full;
        if (entry.isDirectory()) next.push(full);
      }
    }
    level = next;
  }
  return undefined;
}
