import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import YAML from "yaml";
import { bcryptHash } from "./bcrypt.js";
import { freePort } from "./ports.js";
import { startTokenIssuer, type TokenIssuer } from "./token-issuer.js";

/**
 * A real CNCF distribution registry (Debian's `docker-registry`, 2.8) for integration tests, on 127.0.0.1
 * and a free port, storing in a fresh temporary directory, deletes enabled. Three auth modes:
 *   "none"  : open;
 *   "basic" : htpasswd (bcrypt), user `username` / `password`;
 *   "token" : distribution's token auth, with a token service from token-issuer.ts that accepts the same
 *             user and password (and `identityToken` as an OAuth2 refresh token).
 * Always `await registry.stop()` (afterAll); the process is also killed when the test process exits.
 *
 *   const registry = await startRegistry({ auth: "basic" });
 *   const repo = openRepository(parseReference(`${registry.host}/demo`) as RegistryReference,
 *     { credentials: { username: registry.username, password: registry.password } });
 */

export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export type RegistryAuth = "none" | "basic" | "token";

export interface TestRegistry {
  readonly auth: RegistryAuth;
  /** `127.0.0.1:<port>`, as written in references. */
  readonly host: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Credentials that the registry (or its token service) accepts; absent with auth "none". */
  readonly username?: string;
  readonly password?: string;
  /** Token auth only: an identity (refresh) token the token service accepts. */
  readonly identityToken?: string;
  readonly tokenIssuer?: TokenIssuer;
  /** Storage root: blobs live under docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data. */
  readonly rootDirectory: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  readonly auth?: RegistryAuth;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills `child` when the test process exits, whatever the test did. */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const process_ of running) process_.kill("SIGKILL");
  });
}

/** Path of a blob's bytes inside the registry's storage, for servers that serve them directly. */
export function registryBlobPath(rootDirectory: string, hex: string): string {
  return path.join(rootDirectory, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
}

function registryConfig(port: number, rootDirectory: string, authConfig: Record<string, unknown>) {
  return {
    version: 0.1,
    log: { level: "error", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: rootDirectory },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString("hex") },
    ...(Object.keys(authConfig).length > 0 ? { auth: authConfig } : {}),
  };
}

/** The registry's `auth` section for the mode, with the htpasswd file or the token service it names. */
async function authSetup(
  auth: NonNullable<StartRegistryOptions["auth"]>,
  credentials: { directory: string; username: string; password: string; identityToken: string },
): Promise<{ authConfig: Record<string, unknown>; tokenIssuer?: TokenIssuer }> {
  if (auth === "basic") {
    const htpasswd = path.join(credentials.directory, "htpasswd");
    await writeFile(htpasswd, `${credentials.username}:${bcryptHash(credentials.password)}\n`);
    return { authConfig: { htpasswd: { realm: "cortex-test", path: htpasswd } } };
  }
  if (auth !== "token") return { authConfig: {} };
  const tokenIssuer = await startTokenIssuer(credentials);
  const token = {
    realm: tokenIssuer.realm,
    service: tokenIssuer.service,
    issuer: tokenIssuer.issuer,
    rootcertbundle: tokenIssuer.certificatePath,
  };
  return { authConfig: { token }, tokenIssuer };
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? "none";
  const directory = await mkdtemp(path.join(os.tmpdir(), "cortex-registry-"));
  const rootDirectory = path.join(directory, "storage");
  const username = "cortex-tester";
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const identityToken = `idt-${randomBytes(12).toString("hex")}`;
  const { authConfig, tokenIssuer } = await authSetup(auth, { directory, username, password, identityToken });

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const configPath = path.join(directory, "config.yml");
    await writeFile(configPath, YAML.stringify(registryConfig(port, rootDirectory, authConfig)));
    const child = spawn(REGISTRY_BINARY, ["serve", configPath], { stdio: ["ignore", "ignore", "pipe"] });
    killOnExit(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4000);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitUntilReady(url, exited);
    if (!ready) {
      running.delete(child);
      child.kill("SIGKILL");
      if (attempt < 2 && /address already in use/i.test(stderr)) continue;
      await tokenIssuer?.close();
      await rm(directory, { recursive: true, force: true });
      throw new Error(`docker-registry did not start on ${url}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    return {
      auth,
      host: `127.0.0.1:${port}`,
      url,
      ...(auth !== "none" ? { username, password } : {}),
      ...(auth === "token" ? { identityToken } : {}),
      ...(tokenIssuer ? { tokenIssuer } : {}),
      rootDirectory,
      async stop() {
        running.delete(child);
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await Promise.race([exited, sleep(3000).then(() => child.kill("SIGKILL"))]);
        }
        await tokenIssuer?.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
}

/** Polls GET /v2/ until the registry answers (200 open, 401 with auth), or the process exits. */
async function waitUntilReady(url: string, exited: Promise<number | null>): Promise<boolean> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + 15_000;
  while (!done && Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(25);
  }
  return false;
}
