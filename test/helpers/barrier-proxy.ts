import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { forward, relay } from "./fault-proxy.js";

export interface BarrierProxy {
  /** `127.0.0.1:<port>`, to use as the registry host. */
  readonly host: string;
  /** Requests held and released together so far. */
  released(): number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the registry that holds requests matching `path` until `parties` of them are
 * waiting, then lets them all through at once: two clients racing for one tag really do interleave, however
 * the machine schedules their processes. A lone request is released after `timeoutMs` all the same.
 */
export async function startBarrierProxy(
  upstream: string,
  options: { method: string; path: RegExp; parties: number; timeoutMs?: number },
): Promise<BarrierProxy> {
  let waiting: (() => void)[] = [];
  let released = 0;
  let timer: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    clearTimeout(timer);
    released += waiting.length;
    for (const go of waiting.splice(0)) go();
  };
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method === options.method && options.path.test(req.url ?? "")) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length >= options.parties) releaseAll();
          else if (waiting.length === 1) timer = setTimeout(releaseAll, options.timeoutMs ?? 30_000);
        });
      }
      relay(await forward(upstream, req), res);
    } catch {
      res.socket?.destroy();
    }
  });
  await once(server.listen(0, "127.0.0.1"), "listening");
  const close = async () => {
    releaseAll();
    waiting = [];
    server.closeAllConnections();
    await promisify(server.close.bind(server))();
  };
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, released: () => released, close };
}
