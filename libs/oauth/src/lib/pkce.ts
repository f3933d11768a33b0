import { createHash } from 'node:crypto';
import { secretsEqual } from './secret-compare';

/** RFC 7636 §4.1 / §4.2: 43–128 characters of the unreserved set. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isValidCodeChallenge(value: string): boolean {
  // S256 challenges are a base64url SHA-256: exactly 43 characters.
  return value.length === 43 && PKCE_VALUE.test(value);
}

export function isValidCodeVerifier(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export function verifyS256(verifier: string, challenge: string): boolean {
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return secretsEqual(computed, challenge);
}
