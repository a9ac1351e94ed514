import { Engine, type EngineOptions } from "./engine.js";
import { EmbeddedHttpServer, type HttpServerOptions } from "./http-server.js";

export type EmbeddedServerOptions = EngineOptions & HttpServerOptions;

export interface RunningServer {
  readonly server: EmbeddedHttpServer;
  readonly engine: Engine;
  /** Graceful stop: in-flight requests get `graceMs` to finish, then the model is unloaded. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens first (so `/health` answers "loading" while the model loads), then loads the model and starts
 * serving. A model that fails to load closes the listener again before the error surfaces.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<RunningServer> {
  const server = await EmbeddedHttpServer.listen(options);
  let engine: Engine;
  try {
    engine = await Engine.load(options);
  } catch (error) {
    await server.close(0);
    throw error;
  }
  server.attach(engine);
  return {
    server,
    engine,
    async close(graceMs?: number) {
      await server.close(graceMs);
      await engine.close();
    },
  };
}
