import type { RegistryReference } from "../../src/core/ref.js";
import type { RepositoryOptions } from "../../src/registry/index.js";
import { openRepository, type RemoteRepository } from "../../src/registry/index.js";
import type { TestRegistry } from "./registry.js";

/** Retries fast enough for tests: the behaviour is the same, the waits are milliseconds. */
export const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 50 } as const;

/** A repository of a test registry, with the credentials its auth mode accepts and an empty docker config. */
export function testRepository(
  registry: Pick<TestRegistry, "host" | "username" | "password">,
  repository: string,
  options: RepositoryOptions = {},
): RemoteRepository {
  const ref: RegistryReference = { kind: "registry", registry: registry.host, repository };
  return openRepository(ref, {
    retry: FAST_RETRY,
    env: { DOCKER_CONFIG: "/nonexistent-docker-config" },
    ...(registry.username && registry.password
      ? { credentials: { username: registry.username, password: registry.password } }
      : {}),
    ...options,
  });
}
