import { UsageError } from "./errors.js";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** The bytes a size as people write it stands for (`16MiB`, `8m`, `1048576`); undefined when it is not one. */
export function byteCount(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? UNITS[(match[2] ?? "").toLowerCase()] : undefined;
  return match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : undefined;
}

/** A byte count as people write it on a command line: `16MiB`, `8m`, `1048576`. */
export function parseByteSize(value: string, option: string): number {
  const bytes = byteCount(value);
  if (bytes === undefined) {
    throw new UsageError(`${option}: "${value}" is not a size (examples: 16MiB, 8M, 1048576)`);
  }
  if (bytes < 1) throw new UsageError(`${option}: must be at least 1 byte`);
  return bytes;
}
