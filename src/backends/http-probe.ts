/** An HTTP answer read whole, for readiness checks and small control calls to a backend's own API. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request with a deadline; throws on connection errors (the caller's "not yet"). */
export async function request(
  url: string,
  options: { method?: string; json?: unknown; timeoutMs?: number; signal?: AbortSignal | undefined } = {},
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const response = await fetch(url, {
    method: options.method ?? (options.json === undefined ? "GET" : "POST"),
    ...(options.json === undefined
      ? {}
      : { body: JSON.stringify(options.json), headers: { "content-type": "application/json" } }),
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  return { status: response.status, body: await response.text() };
}

/** The first line of a body, cut short, for an error message. */
export function bodyLine(body: string): string {
  const line = body.trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
