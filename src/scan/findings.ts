import type { FindingLevel, Rule } from "./rules.js";

/** Where in the scanned model a finding is: a file or layer, and a place inside it when there is one. */
export interface FindingLocation {
  /** The GGUF file, layer digest or template the finding is about, as the report names it. */
  readonly artifact: string;
  /** Byte offset in the artifact (GGUF headers). */
  readonly byteOffset?: number;
  /** 1-based line (templates). */
  readonly line?: number;
  /** The metadata key, tensor or template name involved. */
  readonly name?: string;
}

export interface Finding extends FindingLocation {
  readonly ruleId: string;
  readonly level: FindingLevel;
  readonly message: string;
}

/** Findings above this many per rule and artifact are counted, not kept: a crafted file can hold millions. */
const KEPT_PER_RULE = 20;

const NAME_SHOWN = 80;

/** A name read from the model, quoted and escaped so it cannot forge console lines or run on for pages. */
export function quoted(name: string): string {
  const shown = name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}…` : name;
  return JSON.stringify(shown);
}

/** Collects the findings of one artifact, keeping a bounded number per rule. */
export class FindingList {
  private readonly kept: Finding[] = [];
  private readonly counts = new Map<string, number>();
  private readonly rules = new Map<string, Rule>();

  constructor(readonly artifact: string) {}

  add(rule: Rule, message: string, where: Omit<FindingLocation, "artifact"> = {}): void {
    const count = (this.counts.get(rule.id) ?? 0) + 1;
    this.counts.set(rule.id, count);
    this.rules.set(rule.id, rule);
    if (count > KEPT_PER_RULE) return;
    this.kept.push({ ruleId: rule.id, level: rule.level, message, artifact: this.artifact, ...where });
  }

  /** The kept findings, then one per rule that had more, saying how many were left out. */
  list(): Finding[] {
    const more = [...this.counts]
      .filter(([, count]) => count > KEPT_PER_RULE)
      .map(([id, count]): Finding => {
        const rule = this.rules.get(id) as Rule;
        const message = `${count - KEPT_PER_RULE} more findings of ${id} in this file are not listed`;
        return { ruleId: id, level: rule.level, message, artifact: this.artifact };
      });
    return [...this.kept, ...more];
  }
}
