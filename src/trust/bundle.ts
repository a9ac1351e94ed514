import { type Bundle, bundleFromJSON, bundleToJSON } from "@sigstore/bundle";
import { SignatureError } from "./errors.js";
import { dsseBuilder, type SigningIdentity } from "./signer.js";
import { INTOTO_PAYLOAD_TYPE, type Statement } from "./statement.js";

/** The media type of the bundles written: Sigstore bundle v0.3, what cosign 3 and actions/attest attach. */
export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** Signs an in-toto statement into a DSSE envelope inside a Sigstore bundle; returns the bundle's JSON bytes. */
export async function signStatement(statement: Statement, identity: SigningIdentity): Promise<Uint8Array> {
  const bundle = await dsseBuilder(identity).create({
    data: Buffer.from(JSON.stringify(statement)),
    type: INTOTO_PAYLOAD_TYPE,
  });
  return new TextEncoder().encode(JSON.stringify(bundleToJSON(bundle)));
}

/** Parses and checks a bundle's JSON (any version @sigstore/bundle accepts); a malformed one is refused. */
export function parseBundle(bytes: Uint8Array): Bundle {
  try {
    return bundleFromJSON(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    throw new SignatureError(`not a Sigstore bundle: ${(error as Error).message}`, { cause: error });
  }
}
