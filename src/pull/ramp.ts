import type { Limiter } from "../core/limit.js";

/** Connections a pull opens before it knows whether more would help. */
const START_CONNECTIONS = 2;
/** How long a connection count runs before its throughput is judged. */
const WINDOW_MS = 100;
/** Throughput must grow by this factor when the connections double to be worth the next doubling. */
const GROWTH = 1.5;

/**
 * Adds connections while they add throughput: a link that caps each connection (a CDN) gets many; a fast
 * local one keeps few, which matters there because parts that share one link progress together and end
 * together, and the hash, which reads only the completed prefix, then waits for a whole wave of them (on a
 * 2-core machine, 2 connections pulled 1 GiB from a local registry in 0.87 of the time 8 took). Starts at
 * START_CONNECTIONS and doubles after each window in which throughput grew by GROWTH; the first doubling that
 * did not is taken back and the count stays. The window right after a change holds the new requests' round
 * trips and is not judged, nor is one in which no part waited or nothing arrived.
 */
export class ConnectionRamp {
  readonly #limiter: Limiter;
  readonly #max: number;
  readonly #timer: NodeJS.Timeout;
  #bytes = 0;
  #since = performance.now();
  #best = 0;
  #previous: number;
  #settling = true;

  constructor(limiter: Limiter, max: number) {
    this.#limiter = limiter;
    this.#max = max;
    this.#previous = Math.min(START_CONNECTIONS, max);
    limiter.resize(this.#previous);
    this.#timer = setInterval(() => this.#judge(), WINDOW_MS).unref();
  }

  record(bytes: number): void {
    this.#bytes += bytes;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #judge(): void {
    const now = performance.now();
    const rate = this.#bytes / (now - this.#since);
    this.#bytes = 0;
    this.#since = now;
    // The window in which connections were added also holds their requests' round trips: judge the next one.
    if (this.#settling) {
      this.#settling = false;
      return;
    }
    if (this.#limiter.queued === 0 || rate === 0) return;
    const limit = this.#limiter.limit;
    if (rate < this.#best * GROWTH) {
      this.#limiter.resize(this.#previous);
      this.stop();
      return;
    }
    this.#best = rate;
    this.#previous = limit;
    if (limit >= this.#max) this.stop();
    else {
      this.#limiter.resize(Math.min(this.#max, limit * 2));
      this.#settling = true;
    }
  }
}
