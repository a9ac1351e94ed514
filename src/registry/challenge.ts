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
  const cursor = new Cursor(header);
  while (!cursor.done) {
    cursor.skip(/[\s,]/);
    const word = cursor.token();
    if (word === "") {
      cursor.at++;
      continue;
    }
    cursor.skip(/ /);
    const current = challenges.at(-1);
    if (cursor.next === "=" && current) {
      cursor.at++;
      cursor.skip(/ /);
      current.params[word.toLowerCase()] = cursor.value();
    } else {
      challenges.push({ scheme: word.toLowerCase(), params: {} });
    }
  }
  return challenges;
}

/** A position in a header value, and the steps of its grammar. */
class Cursor {
  at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  get done(): boolean {
    return this.at >= this.#text.length;
  }

  get next(): string | undefined {
    return this.#text[this.at];
  }

  skip(char: RegExp): void {
    while (!this.done && char.test(this.#text[this.at] as string)) this.at++;
  }

  token(): string {
    const start = this.at;
    this.skip(/[!#$%&'*+.^_`|~0-9A-Za-z-]/);
    return this.#text.slice(start, this.at);
  }

  /** A quoted string (backslash escapes a character) or a bare value up to a comma or a space. */
  value(): string {
    if (this.next !== '"') {
      const start = this.at;
      this.skip(/[^, ]/);
      return this.#text.slice(start, this.at);
    }
    let value = "";
    for (this.at++; !this.done && this.next !== '"'; this.at++) {
      if (this.next === "\\" && this.at + 1 < this.#text.length) this.at++;
      value += this.next;
    }
    this.at++;
    return value;
  }
}
