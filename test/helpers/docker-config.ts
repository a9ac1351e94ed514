import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * A docker CLI configuration in a temporary directory, for credential tests: write `config.json`, and put
 * `docker-credential-<name>` helper programs on a PATH of their own. Pass `env` to the code under test.
 *
 *   const docker = await dockerConfigDir();
 *   await docker.writeConfig({ credHelpers: { [host]: "test" } });
 *   await docker.addHelper("test", { [host]: { Username: "u", Secret: "s" } });
 *   openRepository(ref, { env: docker.env });
 */
export interface DockerConfigDir {
  readonly directory: string;
  /** DOCKER_CONFIG pointing here, and PATH with the helpers' directory first. */
  readonly env: NodeJS.ProcessEnv;
  writeConfig(config: unknown): Promise<void>;
  /** A helper that answers `get` from `entries` (keyed by server URL) and says "not found" otherwise. */
  addHelper(name: string, entries: Record<string, { Username: string; Secret: string }>): Promise<void>;
  /** Server URLs each helper was asked about, in order. */
  helperCalls(name: string): Promise<string[]>;
}

export async function dockerConfigDir(): Promise<DockerConfigDir> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "cortex-docker-config-"));
  const bin = path.join(directory, "bin");
  await mkdir(bin);
  const env = { ...process.env, DOCKER_CONFIG: directory, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
  const callsFile = (name: string) => path.join(directory, `${name}.calls`);
  return {
    directory,
    env,
    writeConfig: (config) => writeFile(path.join(directory, "config.json"), JSON.stringify(config)),
    async addHelper(name, entries) {
      // A shell script, not a node one: helpers run once per repository opened, and node starts slowly.
      const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
      const cases = Object.entries(entries)
        .map(
          ([server, entry]) =>
            `  ${quote(server)}) printf '%s' ${quote(JSON.stringify({ ServerURL: server, ...entry }))} ;;`,
        )
        .join("\n");
      const program = path.join(bin, `docker-credential-${name}`);
      await writeFile(
        program,
        `#!/bin/sh
[ "$1" = get ] || { echo "unsupported action" >&2; exit 1; }
read -r server
printf '%s\\n' "$server" >> ${quote(callsFile(name))}
case "$server" in
${cases}
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
      );
      await chmod(program, 0o755);
    },
    async helperCalls(name) {
      try {
        return (await readFile(callsFile(name), "utf8")).split("\n").filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}
