import net from "node:net";
import { BackendError, type BackendName } from "./backend.js";

/**
 * The port a backend server will listen on: the one asked for, checked to be free now so a clash is reported
 * as such rather than as a server that never becomes ready; or, for 0, one the system has just handed out.
 */
export async function choosePort(backend: BackendName, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new BackendError(backend, `port ${port} on ${host} is in use by another program`, { cause: error })
          : new BackendError(backend, `cannot listen on ${host}:${port}`, { cause: error }),
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      const chosen = typeof address === "object" && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}
