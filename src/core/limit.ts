/** Caps how many tasks run at once; one limiter shared by several callers interleaves their tasks. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  #limit: number;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get limit(): number {
    return this.#limit;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** A raise starts waiting tasks at once; a cut lets running tasks finish and starts no more until below it. */
  resize(limit: number): void {
    this.#limit = Math.max(1, limit);
    while (this.running < this.#limit && this.waiting.length > 0) {
      this.running += 1;
      this.waiting.shift()?.();
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.#limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.running > this.#limit ? undefined : this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** Maps over items with at most `limit` calls in flight; results keep the items' order. */
export function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const limiter = new Limiter(Math.max(1, limit));
  return Promise.all(items.map((item) => limiter.run(() => fn(item))));
}
