import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../src/core/media-types.js";
import { openRepository, RegistryAuthError } from "../../src/registry/index.js";
import { blob, pseudoRandomBytes } from "../helpers/artifacts.js";
import { dockerConfigDir } from "../helpers/docker-config.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { FAST_RETRY } from "../helpers/registry-client.js";

const content = blob(pseudoRandomBytes(1000, "credentials"), MediaType.dmrLicense);

// One registry per auth mode for the whole file: starting them is the slow part.
const registries: Partial<Record<"basic" | "token", TestRegistry>> = {};
beforeAll(async () => {
  [registries.basic, registries.token] = await Promise.all([
    startRegistry({ auth: "basic" }),
    startRegistry({ auth: "token" }),
  ]);
});
afterAll(async () => {
  await Promise.all([registries.basic?.stop(), registries.token?.stop()]);
});

function started(auth: "basic" | "token"): TestRegistry {
  const registry = registries[auth];
  if (!registry) throw new Error(`the ${auth} registry did not start`);
  return registry;
}

describe.each(["basic", "token"] as const)("credentials against an auth registry (%s)", (auth) => {
  let registry: TestRegistry;
  beforeAll(() => {
    registry = started(auth);
  });
  const open = (options: Parameters<typeof openRepository>[1]) =>
    openRepository(
      { kind: "registry", registry: registry.host, repository: "creds/model" },
      { retry: FAST_RETRY, ...options },
    );
  const basicAuth = () => Buffer.from(`${registry.username}:${registry.password}`).toString("base64");

  it("reports wrong or missing credentials clearly, without the password", async () => {
    const wrong = `wrong-${registry.password}`;
    const error = await open({ credentials: { username: registry.username, password: wrong }, env: {} })
      .pushBlob(content.descriptor, content.bytes)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    const message = (error as Error).message;
    expect(message).toContain(`registry ${registry.host}`);
    expect(message).toMatch(/authentication failed/);
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(registry.password);
    expect(message).not.toContain(basicAuth());
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain(`\`docker login ${registry.host}\` replaces those in $DOCKER_CONFIG/config.json`);

    const anonymous = await open({ env: {} })
      .exists(content.descriptor)
      .catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(RegistryAuthError);
    expect((anonymous as Error).message).toContain("repository creds/model");
    expect((anonymous as Error).message).toContain(
      `no credentials were found for this registry: run \`docker login ${registry.host}\` (read from $DOCKER_CONFIG/config.json`,
    );
  });

  it("reads auths entries (base64 auth, username/password) from DOCKER_CONFIG", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ auths: { [`http://${registry.host}`]: { auth: basicAuth() } } });
    await open({ env: docker.env }).pushBlob(content.descriptor, content.bytes);
    await docker.writeConfig({
      auths: { [registry.host]: { username: registry.username, password: registry.password } },
    });
    expect(await open({ env: docker.env }).exists(content.descriptor)).toBe(true);
  });

  it("asks credHelpers first, then credsStore, falling back to auths when a helper knows nothing", async () => {
    const docker = await dockerConfigDir();
    const secret = { Username: registry.username ?? "", Secret: registry.password ?? "" };
    await docker.addHelper("test", { [registry.host]: secret });
    await docker.addHelper("empty", {});
    await docker.writeConfig({ credHelpers: { [registry.host]: "test" }, credsStore: "empty" });
    expect(await open({ env: docker.env }).exists(content.descriptor)).toBe(true);
    expect(await docker.helperCalls("test")).toEqual([registry.host]);
    expect(await docker.helperCalls("empty")).toEqual([]);

    await docker.writeConfig({ credsStore: "test" });
    expect(await open({ env: docker.env }).exists(content.descriptor)).toBe(true);
    await docker.writeConfig({ credsStore: "empty", auths: { [registry.host]: { auth: basicAuth() } } });
    expect(await open({ env: docker.env }).exists(content.descriptor)).toBe(true);
    expect(await docker.helperCalls("empty")).toEqual([registry.host]);
  });

  it("reports a missing credential helper by name", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ credsStore: "absent-helper" });
    await expect(open({ env: docker.env }).exists(content.descriptor)).rejects.toThrow(
      /docker-credential-absent-helper not found on PATH/,
    );
  });
});

describe("identity tokens against a token-auth registry", () => {
  let registry: TestRegistry;
  beforeAll(() => {
    registry = started("token");
  });

  it("exchanges an identitytoken (config or helper's <token> user) with the OAuth2 refresh-token grant", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ auths: { [registry.host]: { identitytoken: registry.identityToken } } });
    const repo = openRepository(
      { kind: "registry", registry: registry.host, repository: "creds/idt" },
      { env: docker.env },
    );
    await repo.pushBlob(content.descriptor, content.bytes);
    const posts = registry.tokenIssuer?.requests.filter((r) => r.method === "POST") ?? [];
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.at(-1)?.scopes).toContain("repository:creds/idt:pull,push");

    await docker.addHelper("idt", { [registry.host]: { Username: "<token>", Secret: registry.identityToken ?? "" } });
    await docker.writeConfig({ credHelpers: { [registry.host]: "idt" } });
    const viaHelper = openRepository(
      { kind: "registry", registry: registry.host, repository: "creds/idt" },
      { env: docker.env },
    );
    expect(await viaHelper.exists(content.descriptor)).toBe(true);
  });

  it("caches tokens per scope: one token request per scope set, however many requests use it", async () => {
    const credentials = { username: registry.username ?? "", password: registry.password ?? "" };
    const repo = openRepository(
      { kind: "registry", registry: registry.host, repository: "creds/cache" },
      { credentials, env: {} },
    );
    const before = registry.tokenIssuer?.requests.length ?? 0;
    for (let i = 0; i < 3; i++) expect(await repo.exists(content.descriptor)).toBe(false);
    await repo.pushBlob(content.descriptor, content.bytes);
    await repo.pushBlob(content.descriptor, content.bytes);
    expect(await repo.exists(content.descriptor)).toBe(true);
    const scopes = registry.tokenIssuer?.requests.slice(before).map((r) => r.scopes.join(" "));
    expect(scopes).toEqual(["repository:creds/cache:pull", "repository:creds/cache:pull,push"]);
  });

  it("asks for pull on the source repository too when mounting across repositories", async () => {
    const credentials = { username: registry.username ?? "", password: registry.password ?? "" };
    const ref = (repository: string) => ({ kind: "registry" as const, registry: registry.host, repository });
    await openRepository(ref("creds/source"), { credentials, env: {} }).pushBlob(content.descriptor, content.bytes);
    const before = registry.tokenIssuer?.requests.length ?? 0;
    expect(
      await openRepository(ref("creds/target"), { credentials, env: {} }).mountBlob(content.descriptor, "creds/source"),
    ).toBe(true);
    const scopes = registry.tokenIssuer?.requests.slice(before).flatMap((r) => r.scopes) ?? [];
    expect(scopes).toEqual(
      expect.arrayContaining(["repository:creds/target:pull,push", "repository:creds/source:pull"]),
    );
  });
});
