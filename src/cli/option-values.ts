import { type Bounds, describeBounds, withinBounds } from "../core/bounds.js";
import { byteCount } from "../core/byte-size.js";
import { UsageError } from "../core/errors.js";
import { boundedSetting } from "../core/settings.js";

/** A byte count as people write it on a command line (`16MiB`, `8m`, `1048576`), within `bounds`. */
export function parseByteSize(value: string, option: string, bounds: Bounds): number {
  const bytes = byteCount(value) ?? Number.NaN;
  if (!withinBounds(bytes, bounds)) {
    throw new UsageError(`${option} must be ${describeBounds(bounds)} (as 16MiB, 8M or 1048576), got "${value}"`);
  }
  return bytes;
}

/** A number option within `bounds`, or undefined when left out; the message names the option and the range. */
export function optionalNumberOption(value: string | undefined, option: string, bounds: Bounds): number | undefined {
  return boundedSetting({ value: () => value, label: () => option, warn: () => {} }, option, bounds);
}

/** As optionalNumberOption, for a value that was given. */
export function parseNumberOption(value: string, option: string, bounds: Bounds): number {
  return optionalNumberOption(value, option, bounds) as number;
}

/** `--store DIR` as given: an empty value is refused rather than taken for "the default store". */
export function storeOption(value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") {
    throw new UsageError("--store must name a directory, got an empty value (leave it out for the default store)");
  }
  return value;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
