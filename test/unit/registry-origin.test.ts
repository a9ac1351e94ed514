import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertTransportAllowed, hostName, isLoopbackHost, registryBaseUrl } from "../../src/http/origin.js";
import { exchange } from "../../src/http/transport.js";

describe("loopback and insecure rules", () => {
  it("recognises loopback hosts with and without ports", () => {
    for (const host of ["127.0.0.1:5000", "127.1.2.3", "localhost:80", "[::1]:5000", "::1", "registry.localhost"]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ["ghcr.io", "10.0.0.1:5000", "128.0.0.1", "localhost.example.com", "[::2]:80"]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(hostName("[::1]:5000")).toBe("::1");
  });

  it("uses https except for loopback or an explicit insecure registry", () => {
    expect(registryBaseUrl("ghcr.io").href).toBe("https://ghcr.io/");
    expect(registryBaseUrl("docker.io").href).toBe("https://registry-1.docker.io/");
    expect(registryBaseUrl("127.0.0.1:5000").href).toBe("http://127.0.0.1:5000/");
    expect(registryBaseUrl("registry.lan:5000", { insecure: true }).href).toBe("http://registry.lan:5000/");
  });

  it("refuses plain HTTP elsewhere, wherever the URL comes from", () => {
    expect(() => assertTransportAllowed(new URL("http://cdn.example.com/blob"))).toThrow(/refusing plain HTTP/);
    expect(() => assertTransportAllowed(new URL("http://cdn.example.com/x"), { insecure: true })).not.toThrow();
    expect(() => assertTransportAllowed(new URL("https://cdn.example.com/x"))).not.toThrow();
    expect(() => assertTransportAllowed(new URL("file:///etc/passwd"))).toThrow(/only http/);
  });
});

/** A loopback server that records the Authorization header of each request and answers with `route`. */
async function server(route: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: { path: string; authorization: string | undefined }[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    route(req, res);
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return { s, seen, origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

describe("redirects and the Authorization header", () => {
  let registry: Awaited<ReturnType<typeof server>>;
  let cdn: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    cdn = await server((req, res) => {
      if (req.url === "/bounce") res.writeHead(302, { location: `${registry.origin}/final` }).end();
      else res.writeHead(200).end("cdn bytes");
    });
    registry = await server((req, res) => {
      if (req.url === "/same") res.writeHead(307, { location: "/final" }).end();
      else if (req.url === "/away") res.writeHead(307, { location: `${cdn.origin}/blob` }).end();
      else if (req.url === "/away-and-back") res.writeHead(307, { location: `${cdn.origin}/bounce` }).end();
      else if (req.url === "/token-away") res.writeHead(307, { location: `${cdn.origin}/token` }).end();
      else res.writeHead(200).end("registry bytes");
    });
  });
  afterAll(() => {
    registry.s.close();
    cdn.s.close();
  });

  const authorization = () => ({ origin: registry.origin, value: "Bearer secret-token" });

  it("keeps Authorization on a same-origin redirect", async () => {
    const response = await exchange(
      { method: "GET", url: new URL(`${registry.origin}/same`) },
      { authorizations: [authorization()] },
    );
    expect(await response.text()).toBe("registry bytes");
    expect(registry.seen.slice(-2).map((r) => r.authorization)).toEqual(["Bearer secret-token", "Bearer secret-token"]);
  });

  it("drops Authorization on a cross-origin hop and keeps it dropped when the chain comes back", async () => {
    const response = await exchange(
      { method: "GET", url: new URL(`${registry.origin}/away`) },
      { authorizations: [authorization()] },
    );
    expect(await response.text()).toBe("cdn bytes");
    expect(response.url.origin).toBe(cdn.origin);
    expect(cdn.seen.at(-1)?.authorization).toBeUndefined();

    const back = await exchange(
      { method: "GET", url: new URL(`${registry.origin}/away-and-back`) },
      { authorizations: [authorization()] },
    );
    expect(await back.text()).toBe("registry bytes");
    expect(registry.seen.at(-1)).toEqual({ path: "/final", authorization: undefined });
    expect(cdn.seen.every((r) => r.authorization === undefined)).toBe(true);
  });

  it("never sends Authorization to an origin other than the one it belongs to", async () => {
    await (
      await exchange({ method: "GET", url: new URL(`${cdn.origin}/blob`) }, { authorizations: [authorization()] })
    ).discard();
    expect(cdn.seen.at(-1)?.authorization).toBeUndefined();
  });

  it("sends each origin only its own Authorization along one chain", async () => {
    const response = await exchange(
      { method: "GET", url: new URL(`${registry.origin}/away`) },
      { authorizations: [authorization(), { origin: cdn.origin, value: "Bearer cdn-token" }] },
    );
    expect(await response.text()).toBe("cdn bytes");
    expect(registry.seen.at(-1)?.authorization).toBe("Bearer secret-token");
    expect(cdn.seen.at(-1)?.authorization).toBe("Bearer cdn-token");
  });

  it("refuses to carry a confidential body to another origin", async () => {
    const before = cdn.seen.length;
    await expect(
      exchange(
        { method: "POST", url: new URL(`${registry.origin}/token-away`), body: new Uint8Array(Buffer.from("refresh")) },
        { confidentialBody: true },
      ),
    ).rejects.toThrow(/redirected a request carrying a secret to http:\/\/127\.0\.0\.1:\d+: not followed/);
    expect(cdn.seen.length).toBe(before);
  });
});
