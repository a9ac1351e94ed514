import { promises as fs } from "node:fs";
import type { Digest } from "../core/digest.js";
import { writeFileAtomic } from "../store/files.js";
import { addRange, type ByteRange } from "./ranges.js";

/** What a resumable download records beside its partial file: the byte ranges already written. */
interface ProgressRecord {
  readonly version: 1;
  readonly digest: Digest;
  readonly size: number;
  readonly done: ByteRange[];
}

/**
 * The ranges a previous, interrupted download completed, or none when the record is missing, unreadable or
 * about other content. A range is recorded only after all its bytes were written, so a process killed at
 * any point leaves a record that under-states, never over-states, what the partial file holds. The bytes
 * themselves are checked when the completed blob is hashed (see transfer.ts).
 */
export async function loadProgress(
  metaFile: string,
  dataFile: string,
  digest: Digest,
  size: number,
): Promise<ByteRange[]> {
  try {
    const record = JSON.parse(await fs.readFile(metaFile, "utf8")) as ProgressRecord;
    const stat = await fs.stat(dataFile);
    if (record.version !== 1 || record.digest !== digest || record.size !== size || stat.size !== size) return [];
    let done: ByteRange[] = [];
    for (const range of record.done) {
      const [start, end] = range;
      if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= size) {
        done = addRange(done, [start, end]);
      }
    }
    return done;
  } catch {
    return [];
  }
}

/** Saves progress records one after another, each atomically, so the newest always wins on disk. */
export class ProgressWriter {
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly metaFile: string,
    private readonly tmpDir: string,
    private readonly digest: Digest,
    private readonly size: number,
  ) {}

  /** Queues a save. A record that cannot be written only costs resumability, never the download. */
  save(done: readonly ByteRange[]): void {
    const record: ProgressRecord = { version: 1, digest: this.digest, size: this.size, done: [...done] };
    this.last = this.last
      .then(() => writeFileAtomic(this.metaFile, JSON.stringify(record), this.tmpDir))
      .catch(() => {});
  }

  flush(): Promise<void> {
    return this.last;
  }
}
