/**
 * Builds the redirect back to the client. Every authorization response, success or error,
 * carries `iss` (RFC 9207 §2) and echoes `state` (RFC 6749 §4.1.2). Parameters are added to
 * the registered URI's query, keeping its own query (RFC 6749 §3.1.2).
 */
export function authorizationResponseUrl(redirectUri: string, issuer: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  url.searchParams.set('iss', issuer);
  return url.href;
}
