import type { RegistryReference } from "../core/ref.js";
import { registryBaseUrl } from "../http/origin.js";
import { proxyEnv } from "../http/proxy.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../http/retry.js";
import { Authenticator } from "./auth.js";
import { RegistryClient } from "./client.js";
import { type CredentialOptions, resolveCredential } from "./credentials.js";
import { Redactor } from "./redact.js";
import { RemoteRepository } from "./remote-repository.js";
import { DEFAULT_UPLOAD_OPTIONS, type UploadOptions } from "./upload.js";

export interface RepositoryOptions extends CredentialOptions {
  /** Allow plain HTTP to a registry that is not on a loopback address. */
  readonly insecure?: boolean;
  readonly retry?: Partial<RetryPolicy>;
  readonly upload?: Partial<UploadOptions>;
  /** Tags asked for per page of the tag list (the registry may send fewer and a Link to the next page). */
  readonly tagPageSize?: number;
  /** Called with every secret as soon as it is known (the Actions layer masks it in logs). */
  readonly onSecret?: (secret: string) => void;
}

/** A registry repository as a Target; nothing is sent until the first operation. */
export function openRepository(ref: RegistryReference, options: RepositoryOptions = {}): RemoteRepository {
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const redactor = new Redactor(options.onSecret);
  // The proxy variables of the environment the credentials come from (a command's own env in the CLI).
  const proxies = proxyEnv(options.env ?? process.env);
  redactor.add(proxies.http?.password);
  redactor.add(proxies.https?.password);
  const authenticator = new Authenticator({
    registry: ref.registry,
    credential: () => resolveCredential(ref.registry, options),
    redactor,
    retry,
    proxies,
    ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
  });
  const client = new RegistryClient({
    registry: ref.registry,
    baseUrl: registryBaseUrl(ref.registry, options),
    authenticator,
    // A redirect target's own entry in the docker config, never the explicit credentials given for the registry.
    credentialFor: (host) => resolveCredential(host, options.env ? { env: options.env } : {}),
    redactor,
    retry,
    proxies,
    ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
  });
  return new RemoteRepository(client, ref.registry, ref.repository, {
    retry,
    upload: { ...DEFAULT_UPLOAD_OPTIONS, ...options.upload },
    tagPageSize: options.tagPageSize ?? 1000,
  });
}

export { ProxyError } from "../http/proxy.js";
export type { Credential, ExplicitCredentials } from "./credentials.js";
export { RegistryAuthError, RegistryError, RegistryNotFoundError } from "./errors.js";
export { attachReferrer, listReferrers, referrersTag } from "./referrers.js";
export { RemoteRepository } from "./remote-repository.js";
