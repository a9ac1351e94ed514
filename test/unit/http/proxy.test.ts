import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { parseProxyUrl, proxyEnv, proxyFor } from "../../../src/http/proxy.js";
import { openRepository } from "../../../src/registry/index.js";

/** The origin of the proxy `url` goes through under `env`, or "direct". */
function route(url: string, env: NodeJS.ProcessEnv): string {
  return proxyFor(new URL(url), proxyEnv(env))?.origin ?? "direct";
}

describe("proxy URLs", () => {
  it("reads host, port and credentials, and names the proxy without them", () => {
    const proxy = parseProxyUrl("http://us%40er:p%3Ass@proxy.corp:3128/", "HTTPS_PROXY");
    expect(proxy).toMatchObject({ origin: "http://proxy.corp:3128", host: "proxy.corp", port: 3128 });
    expect(proxy.authorization).toBe(`Basic ${Buffer.from("us@er:p:ss").toString("base64")}`);
    expect(proxy.key).not.toContain("p:ss");
    expect(proxy.key).not.toBe(parseProxyUrl("http://us%40er:other@proxy.corp:3128", "x").key);
    expect(parseProxyUrl("http://proxy.corp:3128", "x").authorization).toBeUndefined();
    expect(parseProxyUrl("http://user:100%@proxy.corp:3128", "x").authorization).toBe(
      `Basic ${Buffer.from("user:100%").toString("base64")}`,
    );
  });

  it("takes a URL without a scheme as http, and curl's port 1080 when none is given", () => {
    expect(parseProxyUrl("proxy.corp", "x")).toMatchObject({ origin: "http://proxy.corp:1080", port: 1080 });
    expect(parseProxyUrl("[::1]:8080", "x")).toMatchObject({ origin: "http://[::1]:8080", host: "::1" });
  });

  it("refuses what it cannot use, naming the variable and never quoting the value", () => {
    expect(() => parseProxyUrl("socks5://proxy:1080", "ALL")).toThrow(
      new UsageError("ALL: socks5 proxies are not supported; give an http:// proxy"),
    );
    expect(() => parseProxyUrl("https://proxy:443", "HTTPS_PROXY")).toThrow(/https proxies are not supported/);
    const bad = () => parseProxyUrl("http://user:s3cret@pro xy:1", "HTTPS_PROXY");
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(/^HTTPS_PROXY is not a proxy URL/);
    expect(bad).not.toThrow(/s3cret/);
  });
});

describe("proxy variables", () => {
  it("picks https_proxy for https URLs and http_proxy for http ones", () => {
    const env = { https_proxy: "http://secure:1", http_proxy: "http://plain:2" };
    expect(route("https://registry.example/v2/", env)).toBe("http://secure:1");
    expect(route("http://registry.example/v2/", env)).toBe("http://plain:2");
    expect(route("https://registry.example/v2/", { http_proxy: "http://plain:2" })).toBe("direct");
    expect(route("http://registry.example/v2/", { https_proxy: "http://secure:1" })).toBe("direct");
  });

  it("prefers the lower-case variable, even an empty one, over the upper-case one", () => {
    expect(route("https://r.example/", { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" })).toBe(
      "http://lower:1",
    );
    expect(route("https://r.example/", { HTTPS_PROXY: "http://upper:2" })).toBe("http://upper:2");
    expect(route("http://r.example/", { HTTP_PROXY: "http://upper:2" })).toBe("http://upper:2");
    expect(route("https://r.example/", { https_proxy: "", HTTPS_PROXY: "http://upper:2" })).toBe("direct");
    const noProxy = { https_proxy: "http://p:1", no_proxy: "other.example", NO_PROXY: "r.example" };
    expect(route("https://r.example/", noProxy)).toBe("http://p:1");
    expect(route("https://r.example/", { https_proxy: "http://p:1", NO_PROXY: "r.example" })).toBe("direct");
  });

  it("makes no exception for loopback, as curl", () => {
    const env = { http_proxy: "http://p:1", https_proxy: "http://p:1" };
    for (const url of ["http://127.0.0.1:5000/", "http://localhost:5000/", "https://[::1]/"]) {
      expect(route(url, env)).toBe("http://p:1");
    }
  });
});

describe("NO_PROXY", () => {
  const bypassed = (url: string, noProxy: string) =>
    route(url, { https_proxy: "http://p:1", no_proxy: noProxy }) === "direct";

  it("matches host names and domain suffixes, with or without a leading dot, case-insensitively", () => {
    expect(bypassed("https://registry.corp.example/", "corp.example")).toBe(true);
    expect(bypassed("https://corp.example/", "corp.example")).toBe(true);
    expect(bypassed("https://registry.corp.example/", ".corp.example")).toBe(true);
    expect(bypassed("https://registry.corp.example/", "*.CORP.example")).toBe(true);
    expect(bypassed("https://Registry.Corp.Example./", "corp.example")).toBe(true);
    expect(bypassed("https://notcorp.example/", "corp.example")).toBe(false);
    expect(bypassed("https://corp.example.evil/", "corp.example")).toBe(false);
    expect(bypassed("https://registry.corp.example/", "registry")).toBe(false);
  });

  it("splits on commas and spaces, and `*` bypasses everything", () => {
    expect(bypassed("https://b.example/", " a.example ,, b.example")).toBe(true);
    expect(bypassed("https://b.example/", "a.example b.example")).toBe(true);
    expect(bypassed("https://anything.example/", "*")).toBe(true);
    expect(bypassed("https://anything.example/", "a.example,*")).toBe(true);
    expect(bypassed("https://anything.example/", "")).toBe(false);
  });

  it("matches IP addresses and CIDR blocks against IP literals only", () => {
    expect(bypassed("https://10.1.2.3/", "10.1.2.3")).toBe(true);
    expect(bypassed("https://10.1.2.4/", "10.1.2.3")).toBe(false);
    expect(bypassed("https://10.200.0.1/", "10.0.0.0/8")).toBe(true);
    expect(bypassed("https://11.0.0.1/", "10.0.0.0/8")).toBe(false);
    expect(bypassed("https://[::1]/", "::1")).toBe(true);
    expect(bypassed("https://[fd00::5]/", "fd00::/8")).toBe(true);
    expect(bypassed("https://localhost/", "127.0.0.1")).toBe(false);
    expect(() => proxyEnv({ no_proxy: "10.0.0.0/40" })).toThrow(/^no_proxy entry "10.0.0.0\/40" is not a valid CIDR/);
  });

  it("with a port, bypasses only that port (the scheme's default when the URL names none)", () => {
    expect(bypassed("https://r.example:5000/", "r.example:5000")).toBe(true);
    expect(bypassed("https://r.example:5001/", "r.example:5000")).toBe(false);
    expect(bypassed("https://r.example/", "r.example:443")).toBe(true);
    expect(bypassed("https://127.0.0.1:5000/", "127.0.0.1:5000")).toBe(true);
    expect(bypassed("https://127.0.0.1:5001/", "127.0.0.1:5000")).toBe(false);
    expect(bypassed("https://[::1]:5000/", "[::1]:5000")).toBe(true);
    expect(bypassed("https://[::1]:5001/", "[::1]:5000")).toBe(false);
  });
});

describe("repositories and the proxy variables", () => {
  const ref = { kind: "registry", registry: "registry.example", repository: "ai/model" } as const;

  it("hands a proxy password to the host's masking as soon as the repository is opened", () => {
    const secrets: string[] = [];
    openRepository(ref, {
      env: { https_proxy: "http://me:proxy-pass-1@proxy:3128", HTTP_PROXY: "http://me:proxy-pass-2@proxy:3128" },
      onSecret: (secret) => secrets.push(secret),
    });
    expect(secrets).toEqual(["proxy-pass-2", "proxy-pass-1"]);
  });

  it("refuses a malformed proxy variable with a usage error", () => {
    expect(() => openRepository(ref, { env: { HTTPS_PROXY: "socks5://proxy:1080" } })).toThrow(UsageError);
  });
});
