/**
 * Numbers written the way docker model package writes them (through gguf-parser-go's scalars and Go's fmt),
 * so a config we build reads like one `docker model package` built from the same GGUF.
 */

/**
 * `x` with `digits` decimals, rounded like Go's strconv: correctly, with exact ties to the even neighbour
 * (JavaScript's toFixed sends ties away from zero: 0.125 -> "0.13" where Go writes "0.12").
 */
export function formatFixed(x: number, digits: number): string {
  const rounded = x.toFixed(digits);
  const wide = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const point = wide.indexOf(".");
  if (!/^50*$/.test(wide.slice(point + 1 + digits))) return rounded;
  const truncated = `${x < 0 ? "-" : ""}${wide.slice(0, point + 1 + digits)}`;
  return Number(truncated.at(-1)) % 2 === 0 ? truncated : rounded;
}

interface Unit {
  readonly base: number;
  readonly unit: string;
}

function scaled(value: number, units: readonly Unit[]): { text: string; unit: string } {
  const { base, unit } = units.find((u) => value >= u.base) ?? { base: 1, unit: "" };
  const text = formatFixed(value / base, 2);
  return { text: text.endsWith(".00") ? text.slice(0, -3) : text, unit };
}

const NUMBER_UNITS: readonly Unit[] = [
  { base: 1e15, unit: "Q" },
  { base: 1e12, unit: "T" },
  { base: 1e9, unit: "B" },
  { base: 1e6, unit: "M" },
  { base: 1e3, unit: "K" },
];

/** A parameter count as DMR configs show it: "361.82 M", "1.50 B", "512". */
export function formatParameters(count: number): string {
  if (count === 0) return "0";
  const { text, unit } = scaled(count, NUMBER_UNITS);
  return `${text} ${unit}`.trim();
}

// gguf-parser-go tries binary and decimal units from the largest down and takes the first that fits,
// so 1,000,500 bytes is "1 MB" while 1,048,576 is "1 MiB".
const BYTE_UNITS: readonly Unit[] = [
  { base: 2 ** 50, unit: "Pi" },
  { base: 1e15, unit: "P" },
  { base: 2 ** 40, unit: "Ti" },
  { base: 1e12, unit: "T" },
  { base: 2 ** 30, unit: "Gi" },
  { base: 1e9, unit: "G" },
  { base: 2 ** 20, unit: "Mi" },
  { base: 1e6, unit: "M" },
  { base: 2 ** 10, unit: "Ki" },
  { base: 1e3, unit: "K" },
];

/** A byte count as DMR configs show it: "256.35 MiB", "1 MB", "0 B". */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return "0 B";
  const { text, unit } = scaled(bytes, BYTE_UNITS);
  return `${text} ${unit}B`;
}

/** Go's RFC3339Nano for a UTC time: no fractional part when it is zero, no trailing zeros otherwise. */
export function formatRfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_, fraction: string) => (fraction ? `.${fraction}Z` : "Z"));
}
