import { execFile } from "node:child_process";
import parsePrometheusTextFormat, { type MetricFamily, type Sample } from "parse-prometheus-text-format";

/** The Prometheus text format read by a parser other than the one that wrote it. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

/** The value of the one sample of `name` whose labels include `labels`; fails when there is none or several. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const matching = (families.get(name)?.metrics ?? []).filter((sample: Sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
  );
  if (matching.length !== 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return Number((matching[0] as Sample).value);
}

export const PROMTOOL = "/usr/bin/promtool";

/** `promtool <args>` with `input` on stdin: its exit code and output. */
export function promtool(args: readonly string[], input = ""): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, [...args], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(input);
  });
}
