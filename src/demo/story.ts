import type { Digest } from "../core/digest.js";

/** `sha256:` and the first 12 hex digits: enough to tell the story's digests apart at a glance. */
export function shortDigest(digest: Digest | string): string {
  return digest.slice(0, "sha256:".length + 12);
}

/** Every full digest in a message, shortened. */
export function shortenDigests(text: string): string {
  return text.replace(/sha256:[0-9a-f]{64}/g, (d) => shortDigest(d));
}

/** The demo's narration: one line per step, printed as it happens and kept for story.txt. */
export class Story {
  readonly lines: string[] = [];
  constructor(private readonly write: (line: string) => void) {}

  step(label: string, text: string): void {
    const line = `${label.padEnd(9)} ${shortenDigests(text)}`;
    this.lines.push(line);
    this.write(line);
  }
}
