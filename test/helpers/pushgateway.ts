import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./ports.js";
import { killOnExit } from "./registry.js";

/**
 * A real Prometheus Pushgateway (Debian's `prometheus-pushgateway`) on 127.0.0.1 and a free port, keeping
 * what it is pushed in memory only. Always `await gateway.stop()`.
 */

export const PUSHGATEWAY_BINARY = "/usr/bin/prometheus-pushgateway";

export interface TestPushgateway {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPushgateway(): Promise<TestPushgateway> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(PUSHGATEWAY_BINARY, [`--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    killOnExit(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 20_000;
    let ready = false;
    while (!ready && child.exitCode === null && Date.now() < deadline) {
      ready = await fetch(`${url}/-/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (!ready) await sleep(50);
    }
    if (!ready) {
      child.kill("SIGKILL");
      if (attempt < 2 && /address already in use/i.test(stderr)) continue;
      throw new Error(
        `prometheus-pushgateway did not start on ${url}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
      );
    }
    return {
      url,
      async stop() {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await Promise.race([exited, sleep(3000).then(() => child.kill("SIGKILL"))]);
        }
      },
    };
  }
}
