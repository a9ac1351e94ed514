import { sign } from "node:crypto";
import {
  type BundleBuilder,
  CIContextProvider,
  DSSEBundleBuilder,
  FulcioSigner,
  type IdentityProvider,
  RekorWitness,
  type Signature,
  type Signer,
  TSAWitness,
  type Witness,
} from "@sigstore/sign";
import type { SigningKey } from "./keys.js";

/** Sigstore's public-good instances, which keyless signing uses unless told otherwise. */
export const SIGSTORE_PUBLIC_GOOD = {
  fulcio: "https://fulcio.sigstore.dev",
  rekor: "https://rekor.sigstore.dev",
} as const;

/** Signs with a local ECDSA P-256 key: the DER signature over SHA-256 of the given bytes, as cosign does. */
class KeySigner implements Signer {
  readonly #key: SigningKey;

  constructor(key: SigningKey) {
    this.#key = key;
  }

  async sign(data: Buffer): Promise<Signature> {
    return {
      signature: sign("sha256", data, this.#key.privateKey),
      key: { $case: "publicKey", publicKey: this.#key.publicPem, hint: this.#key.hint },
    };
  }
}

/** How to sign: with a key, or keyless through Fulcio (an OIDC identity) with a Rekor entry and timestamps. */
export type SigningIdentity =
  | {
      readonly kind: "key";
      readonly key: SigningKey;
      /** Also record the signature in this Rekor log, so verifiers that require a log entry accept it. */
      readonly rekorUrl?: string;
    }
  | {
      readonly kind: "keyless";
      /** The OIDC token, or how to get one; the CI providers (GitHub Actions' id-token) by default. */
      readonly token?: () => Promise<string>;
      readonly fulcioUrl?: string;
      readonly rekorUrl?: string;
      /** RFC 3161 timestamp authorities to ask too. */
      readonly tsaUrl?: string;
    };

const SIGSTORE_AUDIENCE = "sigstore";

/**
 * Rekor "intoto" entries are what actions/attest wrote for years: every verifier reads them, including
 * older ones and @sigstore/mock's log, which keeps proposed entries as they are.
 */
function rekor(rekorBaseURL: string): Witness {
  return new RekorWitness({ rekorBaseURL, entryType: "intoto" });
}

/**
 * The @sigstore/sign builder for DSSE bundles (v0.3) signed this way. A key signature carries no
 * transparency-log entry, as `cosign sign --key --tlog-upload=false` writes it; keyless adds the Rekor entry
 * (and a timestamp when a TSA is given) that verifiers require for a short-lived certificate.
 */
export function dsseBuilder(identity: SigningIdentity): BundleBuilder {
  if (identity.kind === "key") {
    const witnesses = identity.rekorUrl ? [rekor(identity.rekorUrl)] : [];
    return new DSSEBundleBuilder({ signer: new KeySigner(identity.key), witnesses });
  }
  const token = identity.token;
  const identityProvider: IdentityProvider = token ? { getToken: token } : new CIContextProvider(SIGSTORE_AUDIENCE);
  const signer = new FulcioSigner({
    identityProvider,
    fulcioBaseURL: identity.fulcioUrl ?? SIGSTORE_PUBLIC_GOOD.fulcio,
  });
  const witnesses: Witness[] = [rekor(identity.rekorUrl ?? SIGSTORE_PUBLIC_GOOD.rekor)];
  if (identity.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: identity.tsaUrl }));
  return new DSSEBundleBuilder({ signer, witnesses });
}
