import { Engine, type EngineOptions } from "./engine.js";
import { EmbeddedHttpServer, type HttpServerOptions } from "./http-server.js";

export type EmbeddedServerOptions = EngineOptions &
  HttpServerOptions & {
    /**
     * Settles when the model file is known to hold the bytes it should (a hash running beside the load);
     * a rejection refuses to serve it. No request is answered before it resolves.
     */
    readonly check?: Promise<void>;
  };

export interface RunningServer {
  readonly server: EmbeddedHttpServer;
  readonly engine: Engine;
  /** Graceful stop: in-flight requests get `graceMs` to finish, then the model is unloaded. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens first (so `/health` answers "loading" while the model loads), then loads the model and starts
 * serving. A model that fails to load, or fails its check, closes the listener again before the error surfaces.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<RunningServer> {
  const server = await EmbeddedHttpServer.listen(options);
  const [loaded, checked] = await Promise.allSettled([Engine.load(options), options.check]);
  if (loaded.status === "rejected" || checked.status === "rejected") {
    await server.close(0);
    if (loaded.status === "fulfilled") await loaded.value.close();
    // The check's word first: damaged bytes explain a failed load, not the other way round.
    throw checked.status === "rejected" ? checked.reason : (loaded as PromiseRejectedResult).reason;
  }
  const engine = loaded.value;
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
