import { decodeJwt, decodeProtectedHeader } from 'jose';
import { InvalidGrant } from '@portcullis/oauth';

/** What the grant reads of an assertion before trusting anything in it: enough to route it. */
export interface AssertionPeek {
  /** The `typ` header, normalized (mediaTyp); undefined when absent. */
  typ: string | undefined;
  iss: unknown;
}

/**
 * RFC 7515 §4.1.9: `typ` is a media type compared case-insensitively, and `application/` may be
 * left out; so `application/oauth-id-jag+jwt` and `oauth-id-jag+jwt` are the same type.
 */
export function mediaTyp(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined;
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Reads `typ` and `iss` without verifying (no key is fetched yet): the issuer decides which
 * trusted keys to use, and an issuer nobody declared is refused before any network request.
 */
export function peekAssertion(assertion: string): AssertionPeek {
  try {
    const { typ } = decodeProtectedHeader(assertion);
    const { iss } = decodeJwt(assertion);
    return { typ: mediaTyp(typ), iss };
  } catch {
    throw new InvalidGrant('assertion is not a signed JWT');
  }
}
