import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openTunnel, ProxyError, parseProxyUrl } from "../../../src/http/proxy.js";
import { isRetryableNetworkError } from "../../../src/http/retry.js";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback "proxy" that records each connection's first head and answers it with `answer`. */
async function fakeProxy(answer: (socket: net.Socket) => void) {
  const heads: string[] = [];
  const server = net.createServer((socket) => {
    let text = "";
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (!text.includes("\r\n\r\n")) return;
      heads.push(text);
      answer(socket);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { heads, url: `http://127.0.0.1:${port}` };
}

const target = { host: "registry.example", port: 443, secure: true };

describe("CONNECT tunnels", () => {
  it("asks for host:port (IPv6 in brackets) with the proxy's credentials only, and hands over the socket", async () => {
    const proxy = await fakeProxy((socket) => socket.write("HTTP/1.1 200 Connection established\r\n\r\n"));
    const server = parseProxyUrl(proxy.url.replace("//", "//me:pw@"), "https_proxy");
    const socket = await openTunnel(server, target);
    socket.destroy();
    const v6 = await openTunnel(server, { host: "::1", port: 5000, secure: false });
    v6.destroy();
    const basic = Buffer.from("me:pw").toString("base64");
    expect(proxy.heads).toEqual([
      `CONNECT registry.example:443 HTTP/1.1\r\nhost: registry.example:443\r\nproxy-authorization: Basic ${basic}\r\n\r\n`,
      `CONNECT [::1]:5000 HTTP/1.1\r\nhost: [::1]:5000\r\nproxy-authorization: Basic ${basic}\r\n\r\n`,
    ]);
  });

  it("names the proxy and its answer when it refuses, and retries only what may pass later", async () => {
    const proxy = await fakeProxy((socket) => socket.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));
    const refused = openTunnel(parseProxyUrl(proxy.url.replace("//", "//me:pw@"), "x"), target);
    await expect(refused).rejects.toThrow(
      new ProxyError(
        `proxy ${proxy.url} refused CONNECT to registry.example:443: HTTP 407 Proxy Authentication Required; the proxy rejected the credentials in the proxy URL`,
        407,
      ),
    );
    expect(isRetryableNetworkError(await refused.catch((e) => e))).toBe(false);
    const failing = await fakeProxy((socket) => socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
    const bad = await openTunnel(parseProxyUrl(failing.url, "x"), target).catch((e: ProxyError) => e);
    expect(bad).toMatchObject({ status: 502, message: expect.stringMatching(/HTTP 502 Bad Gateway$/) });
    expect(isRetryableNetworkError(bad)).toBe(true);
  });

  it("fails clearly on a proxy that hangs up, speaks something else, or talks past its answer", async () => {
    const cases: [(socket: net.Socket) => void, RegExp][] = [
      [(socket) => socket.end(), /closed the connection before answering CONNECT$/],
      [(socket) => socket.end("SSH-2.0-OpenSSH\r\n\r\n"), /answered CONNECT with "SSH-2.0-OpenSSH"$/],
      [(socket) => socket.write("HTTP/1.1 200 OK\r\n\r\nearly"), /sent data after CONNECT$/],
    ];
    for (const [answer, message] of cases) {
      const proxy = await fakeProxy(answer);
      const error = await openTunnel(parseProxyUrl(proxy.url, "x"), target).catch((e: Error) => e);
      expect(error).toBeInstanceOf(ProxyError);
      expect((error as Error).message).toMatch(new RegExp(`^proxy ${proxy.url} `));
      expect((error as Error).message).toMatch(message);
    }
  });

  it("stops waiting for the proxy when the signal aborts", async () => {
    const proxy = await fakeProxy(() => {});
    const controller = new AbortController();
    const tunnel = openTunnel(parseProxyUrl(proxy.url, "x"), target, controller.signal);
    setTimeout(() => controller.abort(new Error("stop now")), 20);
    await expect(tunnel).rejects.toThrow("stop now");
  });
});
