/**
 * The ranges numeric settings accept, one table for CLI options and action inputs alike, so a value refused
 * by one shell is refused by the other with the same range.
 */
export interface Bounds {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** Byte counts are printed in binary units (1 MiB). */
  readonly bytes?: boolean;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const whole = (min: number, max: number): Bounds => ({ min, max, integer: true });

export const BOUNDS = {
  /**
   * Bytes per ranged part of a pull: below 1 MiB a large blob becomes so many requests that the pull
   * crawls (1 byte per request never ends); above 1 GiB one part holds up a resume for too long.
   */
  partSize: { min: MiB, max: GiB, integer: true, bytes: true },
  /** Parallel connections of a pull. */
  connections: whole(1, 64),
  /** A TCP port to listen on; 0 picks a free one. */
  listenPort: whole(0, 65535),
  /** A TCP port to connect to. */
  port: whole(1, 65535),
  threads: whole(1, 1024),
  /** Tokens per request context. */
  contextSize: whole(1, 1 << 24),
  /** Requests generated at once by the embedded server. */
  parallel: whole(1, 256),
  /** Requests in flight in a compatibility suite. */
  suiteConcurrency: whole(1, 256),
  /** Seconds to wait for a backend to answer. */
  readyTimeoutSeconds: { min: 0.001, max: 86_400, integer: false },
  /** A load time reported by another step, in seconds and in milliseconds. */
  loadSeconds: { min: 0, max: 86_400, integer: false },
  loadMilliseconds: { min: 0, max: 86_400_000, integer: false },
  runs: whole(1, 10_000),
  warmup: whole(0, 10_000),
  seed: whole(0, 2 ** 32 - 1),
  /** Linux's largest pid_max. */
  pid: whole(1, 4_194_304),
  /** How long a release's post-switch check may take, in seconds. */
  checkTimeoutSeconds: { min: 0.001, max: 86_400, integer: false },
  /** How long a release waits for another release of its channel, in seconds. */
  lockWaitSeconds: { min: 0, max: 86_400, integer: false },
  /** Changes back in a tag's history. */
  revertSteps: whole(1, 10_000),
  /** llama.context_length of a synthetic model. */
  contextLength: whole(1, 2 ** 31 - 1),
  /** Size of a synthetic model file. */
  modelSize: { min: 1, max: 1024 * GiB, integer: true, bytes: true },
} as const satisfies Record<string, Bounds>;

/** `1 MiB`, `16 GiB`, `1536 KiB`: the largest binary unit that divides the count. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["TiB", 1024 * GiB],
    ["GiB", GiB],
    ["MiB", MiB],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return bytes === 1 ? "1 byte" : `${bytes} bytes`;
}

/** "1 to 64", "1 MiB to 1 GiB": the range as usage texts print it. */
export function boundsRange(bounds: Bounds): string {
  const show = (n: number) => (bounds.bytes ? formatBytes(n) : String(n));
  return `${show(bounds.min)} to ${show(bounds.max)}`;
}

/** "an integer from 1 to 64", "a size from 1 MiB to 1 GiB". */
export function describeBounds(bounds: Bounds): string {
  const kind = bounds.bytes ? "a size" : bounds.integer ? "an integer" : "a number";
  return `${kind} from ${boundsRange(bounds)}`;
}

/** Whether a number lies within the bounds (and is whole when they ask for it). */
export function withinBounds(value: number, bounds: Bounds): boolean {
  return (
    Number.isFinite(value) &&
    (!bounds.integer || Number.isSafeInteger(value)) &&
    value >= bounds.min &&
    value <= bounds.max
  );
}

/**
 * A decimal number as people type it (`8`, `-1`, `2.5`); NaN for anything else, so the caller's message
 * quotes what was given rather than what Number() made of it (`0x10`, `1e3`, ` `).
 */
export function parseDecimal(text: string): number {
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}
