import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestHttpServer {
  /** `http://<host>:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A node:http server on a free loopback port, for speaking a protocol to a client under test; `host` another
 * loopback address (127.0.0.2) when a test needs a second origin.
 */
export async function startHttpServer(
  handler: (request: IncomingMessage, response: ServerResponse, body: string) => void | Promise<void>,
  host = "127.0.0.1",
): Promise<TestHttpServer> {
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      Promise.resolve(handler(request, response, body)).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
