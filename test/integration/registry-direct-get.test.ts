import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { createServer } from "node:https";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { directGet } from "../../src/http/direct-get.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { localhostCertificate } from "../helpers/tls-cert.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  // Kept-alive connections idle in the reader's pool would hold close() for a minute.
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function track<T extends net.Server>(server: T): T {
  servers.push(server);
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return server;
}

/** A raw TCP server that answers every request on a connection with `answer(requestNumber)`, verbatim. */
async function rawServer(answer: (request: number) => Buffer | string, after?: (socket: net.Socket) => void) {
  const connections: number[] = [];
  const server = net.createServer((socket) => {
    let request = 0;
    let pending = "";
    connections.push(0);
    const index = connections.length - 1;
    socket.on("data", (data) => {
      pending += data.toString("latin1");
      while (pending.includes("\r\n\r\n")) {
        pending = pending.slice(pending.indexOf("\r\n\r\n") + 4);
        connections[index] = (connections[index] ?? 0) + 1;
        socket.write(answer(request++));
        after?.(socket);
      }
    });
    socket.on("error", () => {});
  });
  track(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/v2/x/blobs/y`), connections };
}

async function body(url: URL, sink?: (chunk: Buffer) => void | Promise<void>) {
  const response = await directGet(url, {});
  const chunks: Buffer[] = [];
  await response.readInto((chunk) => {
    chunks.push(Buffer.from(chunk));
    return sink?.(chunk);
  });
  return { status: response.status, headers: response.headers, text: Buffer.concat(chunks).toString("latin1") };
}

describe("direct GET reader", () => {
  it("reads Content-Length bodies and reuses the kept-alive connection", async () => {
    const server = await rawServer((n) => `HTTP/1.1 200 OK\r\nContent-Length: 6\r\nX-N: ${n}\r\n\r\nbody-${n}`);
    expect(await body(server.url)).toMatchObject({ status: 200, text: "body-0", headers: { "x-n": "0" } });
    expect(await body(server.url)).toMatchObject({ text: "body-1" });
    expect(server.connections).toEqual([2]);
  });

  it("decodes chunked bodies, skips 1xx heads, and reads close-delimited bodies to the end", async () => {
    const chunked = await rawServer(
      () =>
        "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 503 Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbusy\r\n0\r\n\r\n",
    );
    expect(await body(chunked.url)).toMatchObject({ status: 503, text: "busy" });
    const closing = await rawServer(
      () => "HTTP/1.1 200 OK\r\n\r\nuntil the end",
      (socket) => socket.end(),
    );
    expect(await body(closing.url)).toMatchObject({ status: 200, text: "until the end" });
    expect(await body(closing.url)).toMatchObject({ text: "until the end" });
    expect(closing.connections).toEqual([1, 1]);
  });

  it("waits for a sink's promise before reading on, and delivers every byte once", async () => {
    const data = randomBytes(3 << 20);
    const server = track(http.createServer((_, res) => res.end(data)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    let inSink = false;
    const result = await body(new URL(`http://127.0.0.1:${port}/`), async () => {
      expect(inSink).toBe(false);
      inSink = true;
      await new Promise((resolve) => setTimeout(resolve, 1));
      inSink = false;
    });
    expect(createHash("sha256").update(Buffer.from(result.text, "latin1")).digest("hex")).toBe(
      createHash("sha256").update(data).digest("hex"),
    );
  });

  it("fails a body cut short, or longer than its Content-Length, with the byte count", async () => {
    const cut = await rawServer(
      () => "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
      (socket) => socket.end(),
    );
    await expect(body(cut.url)).rejects.toMatchObject({ code: "ECONNRESET", message: /after 9 body bytes/ });
    const long = await rawServer(() => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ntoo long");
    await expect(body(long.url)).rejects.toThrow(/more bytes than its Content-Length/);
    const garbage = await rawServer(() => "SSH-2.0-OpenSSH\r\n\r\n");
    await expect(directGet(garbage.url, {})).rejects.toThrow(/not an HTTP\/1.x response/);
  });

  it("stops when aborted, with the abort as the reason", async () => {
    const server = await rawServer(() => "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nstart");
    const controller = new AbortController();
    const response = await directGet(server.url, {}, controller.signal);
    const reading = response.readInto(() => controller.abort(), controller.signal);
    await expect(reading).rejects.toThrow(/abort/i);
  });

  const dir = useTempDir();
  it("reads through TLS, verifying the server against the trusted CAs", async () => {
    const { key, cert } = await localhostCertificate(dir());
    const data = randomBytes(2 << 20);
    const server = track(
      createServer({ key: await readFile(key), cert: await readFile(cert) }, (_, res) => res.end(data)),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    // NODE_EXTRA_CA_CERTS is read at start-up only, hence a child process on the built code.
    const script = `
      const { directGet } = await import(${JSON.stringify(path.join(root, "lib/http/direct-get.js"))});
      const { createHash } = await import("node:crypto");
      const hash = createHash("sha256");
      const response = await directGet(new URL(process.argv[1]), {});
      await response.readInto((chunk) => { hash.update(chunk); });
      console.log(response.status, hash.digest("hex"));`;
    const trusted = await run(process.execPath, ["--input-type=module", "-e", script, `https://localhost:${port}/`], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
    });
    expect(trusted.stdout.trim()).toBe(`200 ${createHash("sha256").update(data).digest("hex")}`);
    const untrusted = run(process.execPath, ["--input-type=module", "-e", script, `https://localhost:${port}/`]);
    await expect(untrusted).rejects.toThrow(/self[- ]signed certificate/);
  });
});
