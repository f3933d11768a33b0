import { decodeJwt, decodeProtectedHeader } from 'jose';
import { InvalidGrant } from '@portcullis/oauth';

/** What the grant reads of an assertion before trusting anything in it: enough to route it. */
export interface AssertionPeek {
  typ: unknown;
  iss: unknown;
}

/**
 * Reads `typ` and `iss` without verifying (no key is fetched yet): the issuer decides which
 * trusted keys to use, and an issuer nobody declared is refused before any network request.
 */
export function peekAssertion(assertion: string): AssertionPeek {
  try {
    const { typ } = decodeProtectedHeader(assertion);
    const { iss } = decodeJwt(assertion);
    return { typ, iss };
  } catch {
    throw new InvalidGrant('assertion is not a signed JWT');
  }
}
