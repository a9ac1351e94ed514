import { Worker } from "node:worker_threads";
import type { Digest } from "../core/digest.js";

/*
 * SHA-256 cannot be split across parts, and Node's hash runs on the thread that calls it. Hashing 1 GiB on
 * the event loop would stall the transfer that feeds it, so a worker thread hashes the partial file from
 * disk (the page cache, just written) as its contiguous prefix grows: parts complete roughly in order, the
 * worker follows close behind, and when the last part lands only a few parts remain to hash.
 * The worker is inline source so it runs the same from lib/, from a bundle and under the test runner.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { createHash } = require("node:crypto");
const fd = fs.openSync(workerData.file, "r");
const hash = createHash("sha256");
const buffer = Buffer.allocUnsafe(4 << 20);
let position = 0;
parentPort.on("message", (message) => {
  while (position < message.end) {
    const read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, message.end - position), position);
    if (read === 0) throw new Error("partial file is shorter than its completed ranges");
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  if (message.finish) {
    fs.closeSync(fd);
    parentPort.postMessage({ digest: "sha256:" + hash.digest("hex"), size: position });
  }
});
`;

export interface HashResult {
  readonly digest: Digest;
  readonly size: number;
}

/** Hashes a file front to back as its completed prefix grows. */
export class PrefixHasher {
  private readonly worker: Worker;
  private readonly result: Promise<HashResult>;
  private posted = 0;

  constructor(file: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file } });
    this.result = new Promise<HashResult>((resolve, reject) => {
      this.worker.once("message", (message: HashResult) => resolve(message));
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new Error(`hash worker exited with code ${code}`)));
    });
    // Until finish() is awaited nobody listens; a failure is reported there, not as an unhandled rejection.
    this.result.catch(() => {});
  }

  /** The first `end` bytes of the file are complete. */
  advance(end: number): void {
    if (end <= this.posted) return;
    this.posted = end;
    this.worker.postMessage({ end });
  }

  /** Hashes up to `size` and returns the digest of exactly those bytes. */
  async finish(size: number): Promise<HashResult> {
    this.worker.postMessage({ end: size, finish: true });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  async cancel(): Promise<void> {
    await this.worker.terminate();
  }
}
