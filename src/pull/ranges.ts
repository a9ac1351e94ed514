/** Half-open byte ranges [start, end) of a blob, kept sorted and merged. */
export type ByteRange = readonly [start: number, end: number];

/** Adds a range to a sorted, merged list; returns a new list, sorted and merged. */
export function addRange(ranges: readonly ByteRange[], added: ByteRange): ByteRange[] {
  const all = [...ranges, added].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of all) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The gaps of `size` bytes not covered by `ranges`. */
export function missingRanges(ranges: readonly ByteRange[], size: number): ByteRange[] {
  const gaps: ByteRange[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) gaps.push([at, Math.min(start, size)]);
    at = Math.max(at, end);
  }
  if (at < size) gaps.push([at, size]);
  return gaps;
}

/** How many bytes from offset 0 are complete: what a sequential hash can consume. */
export function contiguousPrefix(ranges: readonly ByteRange[]): number {
  const first = ranges[0];
  return first && first[0] === 0 ? first[1] : 0;
}

/** Splits ranges into parts of at most `partSize` bytes, in offset order. */
export function splitRanges(ranges: readonly ByteRange[], partSize: number): ByteRange[] {
  const parts: ByteRange[] = [];
  for (const [start, end] of ranges) {
    for (let at = start; at < end; at += partSize) parts.push([at, Math.min(end, at + partSize)]);
  }
  return parts;
}

export function coveredBytes(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, [start, end]) => sum + (end - start), 0);
}
