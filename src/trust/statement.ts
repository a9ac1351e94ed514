import { type Digest, digestHex } from "../core/digest.js";
import { SignatureError } from "./errors.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** The DSSE payload type of an in-toto statement. */
export const INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** In-toto ResourceDescriptor: at least one of uri, digest or content. */
export interface ResourceDescriptor {
  readonly name?: string;
  readonly uri?: string;
  readonly digest?: Readonly<Record<string, string>>;
  readonly mediaType?: string;
  readonly annotations?: Readonly<Record<string, unknown>>;
}

/** In-toto Statement v1. */
export interface Statement {
  readonly _type: typeof STATEMENT_TYPE;
  readonly subject: readonly ResourceDescriptor[];
  readonly predicateType: string;
  readonly predicate: Readonly<Record<string, unknown>>;
}

/** The subject entry naming a manifest digest, optionally with the repository it lives in. */
export function digestSubject(digest: Digest, name?: string): ResourceDescriptor {
  return { ...(name ? { name } : {}), digest: { sha256: digestHex(digest) } };
}

export function statement(
  subject: ResourceDescriptor,
  predicateType: string,
  predicate: Record<string, unknown>,
): Statement {
  return { _type: STATEMENT_TYPE, subject: [subject], predicateType, predicate };
}

/** Parses a DSSE payload as an in-toto Statement v1; anything else is refused with the reason. */
export function parseStatement(payload: Uint8Array): Statement {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(payload));
  } catch (error) {
    throw new SignatureError("the signed payload is not JSON", { cause: error });
  }
  const s = value as Partial<Statement> | null;
  if (s?._type !== STATEMENT_TYPE) throw new SignatureError(`the signed payload is not an in-toto ${STATEMENT_TYPE}`);
  if (!Array.isArray(s.subject) || typeof s.predicateType !== "string") {
    throw new SignatureError("the signed statement has no subject list or no predicate type");
  }
  return s as Statement;
}

/** Whether the statement names this manifest digest among its subjects. */
export function coversDigest(s: Statement, digest: Digest): boolean {
  return s.subject.some((subject) => subject.digest?.sha256 === digestHex(digest));
}
