/**
 * How alike two answers are, for matches-baseline: 1 - Levenshtein distance / length of the longer text,
 * over Unicode code points, after both texts are NFC-normalised, trimmed and their whitespace runs collapsed
 * to one space. 1 means identical after normalisation, 0 shares nothing; two empty texts are identical.
 */
export function normalisedSimilarity(a: string, b: string): number {
  const left = Array.from(normaliseText(a));
  const right = Array.from(normaliseText(b));
  const longest = Math.max(left.length, right.length);
  if (longest === 0) return 1;
  return 1 - levenshtein(left, right) / longest;
}

export function normaliseText(text: string): string {
  return text.normalize("NFC").trim().replace(/\s+/g, " ");
}

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
