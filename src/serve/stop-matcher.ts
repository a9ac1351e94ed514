/**
 * OpenAI `stop` sequences, matched on the generated text as it streams. node-llama-cpp's own stop triggers
 * compare each token's text detokenized alone, which drops the leading space of SentencePiece pieces, so
 * a stop like " four" never matches there. Text that could still become a stop sequence is held back
 * until the next piece decides, so nothing past a stop is ever sent.
 */
export class StopMatcher {
  readonly #stops: readonly string[];
  #held = "";
  #stopped = false;

  constructor(stops: readonly string[]) {
    this.#stops = stops.filter((stop) => stop !== "");
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Takes the next generated text; returns what can be sent now (the text before a stop, once one matched). */
  push(text: string): string {
    if (this.#stopped) return "";
    if (this.#stops.length === 0) return text;
    const pending = this.#held + text;
    let cut = -1;
    for (const stop of this.#stops) {
      const at = pending.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.#stopped = true;
      this.#held = "";
      return pending.slice(0, cut);
    }
    const keep = this.#partialSuffix(pending);
    this.#held = pending.slice(pending.length - keep);
    return pending.slice(0, pending.length - keep);
  }

  /** Generation ended without a stop: what was held back is answer text after all. */
  flush(): string {
    const rest = this.#stopped ? "" : this.#held;
    this.#held = "";
    return rest;
  }

  /** Length of the longest end of `text` that is the start of some stop sequence. */
  #partialSuffix(text: string): number {
    let longest = 0;
    for (const stop of this.#stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
