/**
 * Secrets (passwords, tokens) must never reach a message or a log. Every credential the registry client
 * learns is registered here, and every message it builds from outside text passes through `redact`.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  readonly #onSecret: ((secret: string) => void) | undefined;

  /** `onSecret` lets a host (the Actions layer) mask each secret in its own logs as soon as it is known. */
  constructor(onSecret?: (secret: string) => void) {
    this.#onSecret = onSecret;
  }

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; nobody uses a 3-character token.
    if (!secret || secret.length < 4 || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    this.#onSecret?.(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join("***");
    return redactCommonSecrets(out);
  }
}

/** Patterns that carry secrets whatever their value: Authorization values, URL user info, token parameters. */
export function redactCommonSecrets(text: string): string {
  return text
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, "$1 ***")
    .replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, "$1***@")
    .replace(/([?&](?:access_token|token|refresh_token|password)=)[^&\s]+/gi, "$1***");
}
