import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CortexError, EnvironmentError } from "../core/errors.js";
import { DOCKER_HUB } from "../core/ref.js";
import type { Credential } from "./credentials.js";

/** The parts of ~/.docker/config.json that name credentials. */
interface DockerConfigFile {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Docker Hub credentials live under the legacy index URL, in the config and in credential helpers. */
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), ".docker");
  return path.join(dir, "config.json");
}

/** `https://host/v1/` and `host` name the same registry, as the docker CLI reads them. */
function keyHost(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** Credentials for `registry` from the docker CLI's config: credHelpers, then credsStore, then auths. */
export async function dockerConfigCredential(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credential | undefined> {
  const file = dockerConfigPath(env);
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await readFile(file, "utf8")) as DockerConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CortexError(`cannot read docker config ${file}: ${(error as Error).message}`, { cause: error });
  }
  const host = keyHost(registry);
  const serverUrl = host === DOCKER_HUB ? DOCKER_HUB_KEY : host;
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => keyHost(key) === host)?.[1];
  if (helper) return runCredentialHelper(helper, serverUrl, env);
  if (config.credsStore) {
    const stored = await runCredentialHelper(config.credsStore, serverUrl, env);
    if (stored) return stored;
  }
  const entry = Object.entries(config.auths ?? {}).find(([key]) => keyHost(key) === host)?.[1];
  return entry ? credentialFromEntry(entry, file) : undefined;
}

function credentialFromEntry(entry: DockerAuthEntry, file: string): Credential | undefined {
  if (entry.registrytoken) return { kind: "registryToken", token: entry.registrytoken };
  if (entry.identitytoken) return { kind: "identityToken", token: entry.identitytoken };
  if (entry.username && entry.password) return { kind: "basic", username: entry.username, password: entry.password };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw new CortexError(`docker config ${file}: an "auth" entry is not base64 of user:password`);
    return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/**
 * `docker-credential-<name> get` with the server URL on stdin, as the docker CLI runs it. "Not found" is no
 * credential; any other failure is an error that says how the helper ended and never quotes what it printed:
 * a failing helper may echo a token or a keychain entry on either stream.
 */
export async function runCredentialHelper(
  name: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<Credential | undefined> {
  const program = `docker-credential-${name}`;
  // Loaded here, not at the top: execa's import costs over 100 ms, and every registry command would pay it
  // although most never run a helper.
  const { execa } = await import("execa");
  const result = await execa(program, ["get"], { input: serverUrl, env, reject: false, timeout: 30_000 });
  if (result.failed) {
    const said = `${result.stdout} ${result.stderr}`;
    if (/not found|no credentials/i.test(said)) return undefined;
    if (result.code === "ENOENT") {
      throw new EnvironmentError(`credential helper ${program} not found on PATH (asked for ${serverUrl})`);
    }
    const how = result.timedOut ? "timed out" : `exited with ${result.exitCode ?? result.signal}`;
    throw new EnvironmentError(
      `credential helper ${program} ${how} for ${serverUrl}${said.trim() !== "" ? " (its output is not shown: it may hold secrets; run it by hand to see it)" : ""}`,
    );
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new EnvironmentError(`credential helper ${program} printed something other than JSON for ${serverUrl}`);
  }
  if (!parsed.Secret) return undefined;
  // Helpers store identity (refresh) tokens under the user name "<token>".
  if (parsed.Username === "<token>") return { kind: "identityToken", token: parsed.Secret };
  return { kind: "basic", username: parsed.Username ?? "", password: parsed.Secret };
}
