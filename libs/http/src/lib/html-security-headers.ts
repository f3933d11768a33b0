/**
 * Headers for the server-rendered pages a person sees: no framing (clickjacking), a strict
 * content security policy with no script at all, no caching of pages that carry CSRF tokens,
 * and no referrer leaking authorization request parameters.
 */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = htmlSecurityHeaders();

/**
 * The same headers for a page whose form may end in a redirect to the client: browsers
 * apply CSP `form-action` to every redirect that follows a form submission (CSP Level 3
 * §6.4.1), so the client's redirect URI must be an allowed form target, or the person's
 * browser refuses to go back to the client after Allow or Deny.
 */
export function htmlSecurityHeaders(redirectTargets: readonly string[] = []): Readonly<Record<string, string>> {
  const targets = ["'self'", ...redirectTargets.map(formActionSource).filter((s): s is string => s !== undefined)];
  return {
    'content-security-policy': `default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action ${[...new Set(targets)].join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
}

/**
 * Headers for a single-page app served from this origin (the console): scripts and styles from
 * 'self' only, never inline (so no 'unsafe-inline' even for styles, unlike the server-rendered
 * pages); it may call this origin and the given API origins (`connect-src`), nothing else.
 * The page itself is revalidated on every load, so a new build takes effect at once.
 */
export function appSecurityHeaders(apiOrigins: readonly string[] = []): Readonly<Record<string, string>> {
  const connect = ["'self'", ...new Set(apiOrigins.map(formActionSource).filter((s): s is string => s !== undefined && s.includes('//')))];
  return {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${connect.join(' ')}; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/** A CSP source for a redirect URI: its origin for http(s), its scheme for a private-use URI. */
function formActionSource(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
  } catch {
    return undefined;
  }
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}
