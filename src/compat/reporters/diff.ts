/**
 * A readable difference between an expected and an actual answer, for people reading CI logs.
 * One-line answers are shown one above the other with a caret under the first differing character;
 * longer ones as a line diff (`-` expected only, `+` actual only). Invisible differences (trailing spaces,
 * empty answers) are made visible by quoting each line as JSON.
 */
export function textDiff(expected: string, actual: string): string[] {
  if (!expected.includes("\n") && !actual.includes("\n")) return inlineDiff(expected, actual);
  return lineDiff(expected.split("\n"), actual.split("\n"));
}

function inlineDiff(expected: string, actual: string): string[] {
  const left = JSON.stringify(expected);
  const right = JSON.stringify(actual);
  let at = 0;
  while (at < left.length && left[at] === right[at]) at++;
  return [`expected: ${left}`, `actual:   ${right}`, `${" ".repeat(10 + at)}^ first difference`];
}

/** Lengths of the longest common subsequences of every pair of suffixes; answers are short enough for it. */
function lcsTable(expected: readonly string[], actual: readonly string[]): number[][] {
  const rows = expected.length;
  const cols = actual.length;
  const lcs: number[][] = Array.from({ length: rows + 1 }, () => new Array<number>(cols + 1).fill(0));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        expected[i] === actual[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  return lcs;
}

function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const rows = expected.length;
  const cols = actual.length;
  const lcs = lcsTable(expected, actual);
  const out = ["--- expected", "+++ actual"];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && expected[i] === actual[j]) {
      out.push(`  ${JSON.stringify(expected[i])}`);
      i++;
      j++;
    } else if (i < rows && (j >= cols || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push(`- ${JSON.stringify(expected[i])}`);
      i++;
    } else {
      out.push(`+ ${JSON.stringify(actual[j])}`);
      j++;
    }
  }
  return out;
}

/** Two answers in columns, wrapped to `width` each, for comparing endpoints. */
export function sideBySide(left: { title: string; text: string }, right: { title: string; text: string }, width = 48) {
  const wrap = (text: string) =>
    text
      .split("\n")
      .flatMap((line) => (line.length === 0 ? [""] : (line.match(new RegExp(`.{1,${width}}`, "gu")) ?? [""])));
  const a = [left.title, "-".repeat(Math.min(width, left.title.length)), ...wrap(left.text)];
  const b = [right.title, "-".repeat(Math.min(width, right.title.length)), ...wrap(right.text)];
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
    `${(a[i] ?? "").padEnd(width)} | ${b[i] ?? ""}`.trimEnd(),
  );
}
