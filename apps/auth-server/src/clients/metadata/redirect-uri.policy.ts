import { isLoopbackRedirect } from '@portcullis/oauth';
import { ApplicationType } from '../client.entity';

/** Longest redirect URI accepted (the clients table stores them as JSON text). */
export const MAX_REDIRECT_URI_LENGTH = 2048;

/** `scheme://user:pass@` or `scheme://@`: userinfo is never part of a redirect URI. */
const USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/**
 * Checks one redirect URI for a client of the given application type; returns why it is
 * refused, or undefined when it is acceptable.
 *
 * Every client (RFC 6749 §3.1.2, OAuth 2.1 §2.3.1, RFC 9700 §4.1): an absolute URI, no
 * fragment, no userinfo, no wildcard (redirects are matched exactly, so a `*` could only
 * ever be a mistake or an attempt at a pattern).
 *
 * `application_type` (OpenID Connect Registration §2, MCP 2026-07-28 "Application Type and
 * Redirect URI Constraints"):
 * - `web`: https, plus http on a loopback host (127.0.0.1, [::1], localhost). The MCP
 *   security considerations allow exactly "localhost or HTTPS"; OIDC's stricter "web means
 *   https only" would break the many MCP clients that register a localhost callback without
 *   saying `native`, and a loopback redirect leaves the machine no more than a native one.
 * - `native`: http on a loopback host (RFC 8252 §7.3), a private-use URI scheme in
 *   reverse-domain form such as `com.example.app:/cb` (RFC 8252 §7.1), or a claimed https
 *   URI (RFC 8252 §7.2). Plain http to any other host is refused for both types.
 */
export function redirectUriProblem(uri: string, applicationType: ApplicationType): string | undefined {
  if (uri.length === 0) return 'a redirect URI is empty';
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return `a redirect URI is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  // The URL parser trims and drops such characters; a registered value must be exactly what
  // the client will send, so they are refused rather than normalised away.
  if (/[\s\p{Cc}]/u.test(uri)) return `redirect URI '${shorten(uri)}' contains whitespace or control characters`;
  if (uri.includes('#')) return `redirect URI '${shorten(uri)}' has a fragment (RFC 6749 §3.1.2)`;
  if (uri.includes('*')) return `redirect URI '${shorten(uri)}' contains a wildcard; redirect URIs are matched exactly`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect URI '${shorten(uri)}' is not an absolute URI`;
  }
  if (USERINFO.test(uri) || url.username || url.password) return `redirect URI '${shorten(uri)}' contains userinfo`;

  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') {
    return url.hostname ? undefined : `redirect URI '${shorten(uri)}' has no host`;
  }
  if (scheme === 'http') {
    if (isLoopbackRedirect(uri)) return undefined;
    return `redirect URI '${shorten(uri)}' uses http on a host that is not loopback; use https, or http://127.0.0.1, http://[::1] or http://localhost`;
  }
  if (applicationType === 'web') {
    return `redirect URI '${shorten(uri)}' uses the private-use scheme '${scheme}', which needs application_type "native"`;
  }
  // RFC 8252 §7.1: "a URI scheme based on a domain name under their control, expressed in
  // reverse order". A dot rules out javascript:, data:, file: and every other generic scheme.
  if (!scheme.includes('.')) {
    return `redirect URI '${shorten(uri)}' uses the scheme '${scheme}'; a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)`;
  }
  return undefined;
}

function shorten(uri: string): string {
  const printable = uri.replace(/\p{Cc}/gu, '?');
  return printable.length > 100 ? `${printable.slice(0, 97)}...` : printable;
}
