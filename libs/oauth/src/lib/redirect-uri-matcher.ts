/**
 * Redirect URI comparison (OAuth 2.1 §4.1.1 / RFC 9700 §4.1.3): exact string match, except
 * that loopback redirect URIs match on any port (RFC 8252 §7.3), because native apps listen
 * on an ephemeral port chosen at run time.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

function withoutPort(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    url.port = '';
    return url.href;
  } catch {
    return undefined;
  }
}

export function redirectUriMatches(presented: string, registered: string): boolean {
  if (presented === registered) return true;
  if (!isLoopbackRedirect(presented) || !isLoopbackRedirect(registered)) return false;
  // Same scheme, host, path and query; only the port may differ.
  const a = withoutPort(presented);
  return a !== undefined && a === withoutPort(registered) && new URL(presented).hostname === new URL(registered).hostname;
}

/** The registered URI a request may use, or undefined if none matches. */
export function findRegisteredRedirect(presented: string, registered: readonly string[]): string | undefined {
  return registered.find((r) => redirectUriMatches(presented, r));
}
