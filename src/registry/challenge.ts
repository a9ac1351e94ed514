/** One authentication challenge from a `WWW-Authenticate` header. */
export interface Challenge {
  /** Lowercase scheme: `basic`, `bearer`. */
  readonly scheme: string;
  /** Parameter names lowercased: realm, service, scope, error. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` value (RFC 7235): several challenges may share one header, parameters are
 * token=token or token="quoted string" with backslash escapes, and quoted values may contain commas.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && /[\s,]/.test(header[i] ?? "")) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i] ?? "")) i++;
    return header.slice(start, i);
  };
  while (i < n) {
    skipSpace();
    const word = readToken();
    if (word === "") {
      i++;
      continue;
    }
    while (i < n && header[i] === " ") i++;
    if (header[i] === "=" && challenges.length > 0) {
      i++;
      while (i < n && header[i] === " ") i++;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < n && header[i] !== "," && header[i] !== " ") i++;
        value = header.slice(start, i);
      }
      const current = challenges[challenges.length - 1];
      if (current) current.params[word.toLowerCase()] = value;
    } else {
      challenges.push({ scheme: word.toLowerCase(), params: {} });
    }
  }
  return challenges;
}
