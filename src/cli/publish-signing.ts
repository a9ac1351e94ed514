import { runContext } from "../github/run-context.js";
import type { PublishOptions } from "../promote/publish.js";
import { resolveSigning } from "../trust/request.js";
import type { CommandIO } from "./command.js";
import { signingRequest, trustLookups } from "./trust-flags.js";

/**
 * How results are published from the signing flags: resolved before any measuring, so a key that cannot be
 * read fails at once. The run's page is recorded in the attestation when on GitHub Actions.
 */
export async function publishSigning(
  values: Record<string, string | boolean | string[] | undefined>,
  io: CommandIO,
): Promise<PublishOptions> {
  const sign = await resolveSigning(signingRequest(values), trustLookups(io));
  const runUrl = runContext(io.env).runUrl;
  return { ...(sign ? { sign } : {}), ...(runUrl ? { runUrl } : {}) };
}
