import type { Backend, Endpoint, ModelRequest, StartedBackend } from "./backend.js";

/**
 * Times a warm load: right after the first (cold) load, the backend is stopped and started again on the
 * same model, so the model's file is in the page cache, and start() to ready() is timed exactly as the cold
 * load was. "Cold" is a cold process, not necessarily a cold page cache: a model pulled moments before is
 * usually cached already, and dropping the cache needs root. The difference between the two is what a
 * second start of the server costs less (runtime already on disk, model pages resident).
 *
 * Only a backend whose server process we started can be reloaded honestly. Docker Model Runner and an
 * Ollama daemon that was already running keep the model loaded across our stop(), so a second start() would
 * time a model that never left memory: for them the warm load is reported as not measured.
 */
export type WarmLoad =
  | {
      readonly measured: true;
      readonly ms: number;
      /** The backend as restarted: the first one is stopped, so its endpoint and handle are gone. */
      readonly started: StartedBackend;
      readonly endpoint: Endpoint;
    }
  | { readonly measured: false; readonly reason: string };

export async function measureWarmLoad(backend: Backend, first: StartedBackend, model: ModelRequest): Promise<WarmLoad> {
  if (first.handle.pid === undefined) {
    return {
      measured: false,
      reason: `${backend.name} keeps the model in a server this run did not start, so a reload cannot be timed`,
    };
  }
  await backend.stop(first.handle);
  const began = performance.now();
  const started = await backend.start(model);
  try {
    const endpoint = await started.ready();
    return { measured: true, ms: performance.now() - began, started, endpoint };
  } catch (error) {
    await backend.stop(started.handle);
    throw error;
  }
}
