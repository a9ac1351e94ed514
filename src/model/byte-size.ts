import { UsageError } from "../errors.js";

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * A byte count from a person: "200MB", "1.5GiB", "750 kb", "1048576". KB/MB/GB/TB (and K/M/G/T) are
 * decimal, KiB/MiB/GiB/TiB binary, as `docker` and `du --si` read them.
 */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? "").toLowerCase() || "b"];
  if (!match || unit === undefined) {
    throw new UsageError(`invalid size "${text}": expected a number and a unit, for example 200MB or 1.5GiB`);
  }
  return Math.round(Number(match[1]) * unit);
}
