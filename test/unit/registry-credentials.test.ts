import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { credentialSecrets, resolveCredential } from "../../src/registry/credentials.js";
import { Redactor } from "../../src/registry/redact.js";
import { dockerConfigDir } from "../helpers/docker-config.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("resolveCredential", () => {
  it("prefers explicit credentials over any configuration", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ auths: { "ghcr.io": { auth: b64("config:pw") } } });
    const env = { ...docker.env, GITHUB_TOKEN: "gh-token" };
    expect(await resolveCredential("ghcr.io", { credentials: { username: "me", password: "pw" }, env })).toEqual({
      kind: "basic",
      username: "me",
      password: "pw",
    });
    expect(await resolveCredential("ghcr.io", { credentials: { token: "tok" }, env })).toEqual({
      kind: "registryToken",
      token: "tok",
    });
    expect(await resolveCredential("ghcr.io", { env })).toEqual({ kind: "basic", username: "config", password: "pw" });
  });

  it("finds Docker Hub credentials under the legacy index URL and other spellings of a host", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("hubuser:hubpass") },
        "https://registry.example.com/v2/": { username: "u", password: "p" },
        "other.example.com": { identitytoken: "refresh-me" },
        "tok.example.com": { registrytoken: "bearer-me" },
      },
    });
    const env = docker.env;
    expect(await resolveCredential("docker.io", { env })).toMatchObject({ username: "hubuser", password: "hubpass" });
    expect(await resolveCredential("registry.example.com", { env })).toMatchObject({ username: "u", password: "p" });
    expect(await resolveCredential("other.example.com", { env })).toEqual({
      kind: "identityToken",
      token: "refresh-me",
    });
    expect(await resolveCredential("tok.example.com", { env })).toEqual({ kind: "registryToken", token: "bearer-me" });
    expect(await resolveCredential("unknown.example.com", { env })).toBeUndefined();
  });

  it("reports a failing helper by how it ended, never by what it printed", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ credHelpers: { "ghcr.io": "leaky" } });
    const program = path.join(docker.directory, "bin", "docker-credential-leaky");
    await writeFile(
      program,
      '#!/bin/sh\necho "keychain entry ghp_leakedtoken123 is locked" >&2\necho "{\\"Secret\\":\\"half" \nexit 3\n',
    );
    await chmod(program, 0o755);
    const error = await resolveCredential("ghcr.io", { env: docker.env }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe(
      "credential helper docker-credential-leaky exited with 3 for ghcr.io (its output is not shown: it may hold secrets; run it by hand to see it)",
    );
  });

  it("asks the host's credHelper before credsStore, with Docker Hub's server URL for docker.io", async () => {
    const docker = await dockerConfigDir();
    await docker.addHelper("one", { "ghcr.io": { Username: "helper-user", Secret: "helper-secret" } });
    await docker.addHelper("store", { "https://index.docker.io/v1/": { Username: "<token>", Secret: "idt" } });
    await docker.writeConfig({ credHelpers: { "ghcr.io": "one" }, credsStore: "store" });
    expect(await resolveCredential("ghcr.io", { env: docker.env })).toEqual({
      kind: "basic",
      username: "helper-user",
      password: "helper-secret",
    });
    expect(await resolveCredential("docker.io", { env: docker.env })).toEqual({ kind: "identityToken", token: "idt" });
    expect(await docker.helperCalls("one")).toEqual(["ghcr.io"]);
    expect(await docker.helperCalls("store")).toEqual(["https://index.docker.io/v1/"]);
  });

  it("uses GITHUB_TOKEN for ghcr.io only, when nothing else is configured", async () => {
    const env = { DOCKER_CONFIG: "/nonexistent", GITHUB_TOKEN: "ghs_abc", GITHUB_ACTOR: "octocat" };
    expect(await resolveCredential("ghcr.io", { env })).toEqual({
      kind: "basic",
      username: "octocat",
      password: "ghs_abc",
    });
    expect(await resolveCredential("docker.io", { env })).toBeUndefined();
  });

  it("names a malformed config file without quoting its secrets", async () => {
    const docker = await dockerConfigDir();
    await docker.writeConfig({ auths: { "ghcr.io": { auth: b64("no-colon-secret") } } });
    const error = await resolveCredential("ghcr.io", { env: docker.env }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/config\.json: an "auth" entry is not base64 of user:password/);
    expect((error as Error).message).not.toContain("no-colon-secret");
  });
});

describe("Redactor", () => {
  it("removes registered secrets and Authorization-like values from text", () => {
    const secrets: string[] = [];
    const redactor = new Redactor((s) => secrets.push(s));
    for (const secret of credentialSecrets({ kind: "basic", username: "u", password: "hunter22" }))
      redactor.add(secret);
    const text = redactor.redact(
      `password hunter22 header Basic ${b64("u:hunter22")} Bearer eyJabc.def url https://u:pw@host/x?token=abc&n=1`,
    );
    expect(text).not.toContain("hunter22");
    expect(text).not.toContain(b64("u:hunter22"));
    expect(text).not.toContain("eyJabc");
    expect(text).not.toContain("u:pw@");
    expect(text).not.toContain("token=abc");
    expect(text).toContain("n=1");
    expect(secrets).toContain("hunter22");
  });
});
