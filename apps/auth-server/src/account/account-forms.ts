import { createHmac } from 'node:crypto';
import { secretsEqual } from '@portcullis/oauth';

/**
 * The account page's form tokens (synchronizer tokens, OWASP CSRF cheat sheet), derived from
 * a secret only this browser holds, so nothing is stored and every replica computes the same:
 * - signed in: from the session id (the pc_session cookie: 256 random bits, HttpOnly; the
 *   server keeps only its sha256, which is not this value);
 * - signing in: from the browser id (pc_browser), as interactions are bound to it.
 * A page on another site can neither read the cookie nor the page, so it cannot forge the
 * token; SameSite=Lax keeps the cookie off its cross-site POSTs besides.
 */
export function accountFormToken(sessionId: string): string {
  return createHmac('sha256', sessionId).update('portcullis account form').digest('base64url');
}

export function accountSignInToken(browserId: string): string {
  return createHmac('sha256', browserId).update('portcullis account sign-in').digest('base64url');
}

export function tokenMatches(expected: string, presented: unknown): boolean {
  return typeof presented === 'string' && secretsEqual(presented, expected);
}
