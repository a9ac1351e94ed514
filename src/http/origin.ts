import { UsageError } from "../core/errors.js";
import { registryEndpoint } from "../core/ref.js";

/** Host name without port or IPv6 brackets: `127.0.0.1:5000` -> `127.0.0.1`, `[::1]:5000` -> `::1`. */
export function hostName(host: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracket?.[1]) return bracket[1].toLowerCase();
  const colon = host.lastIndexOf(":");
  // More than one colon and no brackets: a bare IPv6 address.
  if (colon >= 0 && host.indexOf(":") === colon) return host.slice(0, colon).toLowerCase();
  return host.toLowerCase();
}

/** Loopback hosts may speak plain HTTP: traffic to them never leaves the machine. */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host);
  if (name === "localhost" || name.endsWith(".localhost") || name === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** Base URL of a registry's API: https, or http for loopback hosts and registries marked insecure. */
export function registryBaseUrl(registry: string, options: { insecure?: boolean } = {}): URL {
  const endpoint = registryEndpoint(registry);
  const scheme = options.insecure || isLoopbackHost(endpoint) ? "http" : "https";
  return new URL(`${scheme}://${endpoint}/`);
}

/**
 * Refuses plain HTTP to a host that is neither loopback nor explicitly trusted, wherever the URL came from
 * (configuration, a redirect, a token realm). Other schemes are refused outright.
 */
export function assertTransportAllowed(url: URL, options: { insecure?: boolean | undefined } = {}): void {
  if (url.protocol === "https:") return;
  if (url.protocol !== "http:")
    throw new UsageError(`refusing to contact ${url.origin}: only http(s) URLs are allowed`);
  if (options.insecure || isLoopbackHost(url.host)) return;
  throw new UsageError(
    `refusing plain HTTP to ${url.host}: only loopback hosts or registries marked insecure may use http`,
  );
}
