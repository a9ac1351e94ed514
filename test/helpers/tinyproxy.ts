import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./ports.js";
import { killOnExit } from "./registry.js";

/**
 * A real HTTP proxy (Debian's `tinyproxy`) on 127.0.0.1 and a free port, in the foreground with a generated
 * config: clients from 127.0.0.1 only, CONNECT only to `connectPorts`, and with `credentials` Basic auth for
 * user `proxy-user`. Clients reach it through a tap that keeps what each connection sent before the proxy's
 * first answer (the CONNECT head), so a test can see exactly what the proxy was told.
 *
 *   const proxy = await startTinyproxy({ connectPorts: [registryPort] });
 *   env.http_proxy = proxy.url;             // proxy.urlWithCredentials when started with credentials
 */
export interface TestProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  /** `http://proxy-user:<password>@127.0.0.1:<port>`; the plain URL when started without credentials. */
  readonly urlWithCredentials: string;
  readonly password?: string;
  /** Request heads clients sent, one per connection, in arrival order. */
  readonly heads: readonly string[];
  /** The `host:port` of every CONNECT tinyproxy logged. */
  connects(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface StartTinyproxyOptions {
  /** Ports tinyproxy lets CONNECT reach; others get its 403. */
  readonly connectPorts: readonly number[];
  readonly credentials?: boolean;
}

const USER = "proxy-user";

/** Relays each connection to `port`, keeping what the client sent up to the end of its first head. */
async function startTap(port: number, heads: string[]): Promise<net.Server> {
  const tap = net.createServer((client) => {
    const upstream = net.connect({ host: "127.0.0.1", port });
    let head = "";
    const record = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      heads.push(head.slice(0, end));
      client.off("data", record);
    };
    client.on("data", record);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => tap.listen(0, "127.0.0.1", resolve));
  return tap;
}

async function listening(port: number, exited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!exited() && Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return true;
    await sleep(25);
  }
  return false;
}

export async function startTinyproxy(options: StartTinyproxyOptions): Promise<TestProxy> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "cortex-tinyproxy-"));
  const log = path.join(directory, "tinyproxy.log");
  const password = options.credentials ? `ppw-${randomBytes(9).toString("hex")}` : undefined;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = path.join(directory, "tinyproxy.conf");
    await writeFile(
      config,
      [
        `Port ${port}`,
        "Listen 127.0.0.1",
        "Timeout 60",
        `LogFile "${log}"`,
        "LogLevel Connect",
        "MaxClients 64",
        "Allow 127.0.0.1",
        ...options.connectPorts.map((p) => `ConnectPort ${p}`),
        ...(password ? [`BasicAuth ${USER} ${password}`] : []),
        "",
      ].join("\n"),
    );
    const child = spawn("tinyproxy", ["-d", "-c", config], { stdio: ["ignore", "ignore", "pipe"] });
    killOnExit(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    if (!(await listening(port, () => child.exitCode !== null))) {
      child.kill("SIGKILL");
      const logged = await readFile(log, "utf8").catch(() => "");
      if (attempt < 2 && /address already in use/i.test(stderr + logged)) continue;
      await rm(directory, { recursive: true, force: true });
      throw new Error(
        `tinyproxy did not start on port ${port}: ${(stderr + logged).trim().split("\n").slice(-3).join(" | ")}`,
      );
    }
    const heads: string[] = [];
    const tap = await startTap(port, heads);
    const url = `http://127.0.0.1:${(tap.address() as net.AddressInfo).port}`;
    return {
      url,
      urlWithCredentials: password ? url.replace("//", `//${USER}:${password}@`) : url,
      ...(password ? { password } : {}),
      heads,
      async connects() {
        const text = await readFile(log, "utf8");
        return [...text.matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((m) => m[1] ?? "");
      },
      async stop() {
        tap.close();
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(3000).then(() => child.kill("SIGKILL"))]);
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
}
