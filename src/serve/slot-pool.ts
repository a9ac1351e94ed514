/**
 * A fixed set of slots (context sequences) shared by requests in arrival order: a request takes a free
 * slot or waits for the next one released, so concurrent requests queue instead of failing.
 */
export class SlotPool<T> {
  readonly #free: T[];
  readonly #waiting: ((slot: T) => void)[] = [];

  constructor(slots: readonly T[]) {
    this.#free = [...slots];
  }

  get idle(): number {
    return this.#free.length;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async use<R>(work: (slot: T) => Promise<R>): Promise<R> {
    const slot = this.#free.pop() ?? (await new Promise<T>((resolve) => this.#waiting.push(resolve)));
    try {
      return await work(slot);
    } finally {
      const next = this.#waiting.shift();
      if (next) next(slot);
      else this.#free.push(slot);
    }
  }
}
