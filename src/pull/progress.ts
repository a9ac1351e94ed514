/** What a pull reports as it goes; the CLI and the action print it, tests may count it. */
export interface ProgressSink {
  /** Total bytes of the model's blobs, known once the manifest is read. */
  start(total: number): void;
  /** Bytes found already in the store. */
  reuse(bytes: number): void;
  /** Bytes that arrived from the source (called per chunk; the sink decides how often to print). */
  transfer(bytes: number): void;
  finish(): void;
}

export interface ProgressOptions {
  readonly label: string;
  /** A live bar redrawn in place; otherwise one line every `intervalMs`, as CI logs want. */
  readonly tty: boolean;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const MiB = 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Progress printed to a stream: a bar on a terminal, a line every few seconds per model on a CI log. */
export function createProgress(out: NodeJS.WritableStream, options: ProgressOptions): ProgressSink {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? (options.tty ? 100 : 5000);
  let total = 0;
  let reused = 0;
  let transferred = 0;
  let started = now();
  let lastPrint = started;

  const render = (final: boolean) => {
    const have = Math.min(total, reused + transferred);
    const percent = total > 0 ? Math.floor((have / total) * 100) : 100;
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = `${mib(transferred / seconds)}/s`;
    if (options.tty) {
      const width = 24;
      const filled = Math.round((percent / 100) * width);
      const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
      out.write(`\r${options.label} [${bar}] ${String(percent).padStart(3)}% ${mib(have)}/${mib(total)} ${rate}\x1b[K`);
      if (final) out.write("\n");
      return;
    }
    const what = final ? "done" : `${percent}%`;
    out.write(`${options.label}: ${what} ${mib(have)} of ${mib(total)}, ${mib(transferred)} downloaded at ${rate}\n`);
  };

  return {
    start(bytes) {
      total = bytes;
      started = now();
      lastPrint = started;
    },
    reuse(bytes) {
      reused += bytes;
    },
    transfer(bytes) {
      transferred += bytes;
      const t = now();
      if (t - lastPrint >= interval) {
        lastPrint = t;
        render(false);
      }
    },
    finish() {
      render(true);
    },
  };
}

/** A sink that prints nothing. */
export const silentProgress: ProgressSink = {
  start() {},
  reuse() {},
  transfer() {},
  finish() {},
};
