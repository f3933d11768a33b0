/**
 * Canonical form of a resource indicator (RFC 8707 §2, MCP authorization "Canonical Server
 * URI"): an absolute URI without fragment, scheme and host lower-cased, default port dropped,
 * and no trailing slash on the path, so `http://LOCALHOST:3000/mcp/` and
 * `http://localhost:3000/mcp` name the same resource. Returns undefined when the value is not
 * an acceptable resource indicator.
 */
export function canonicalResource(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // RFC 8707 §2: "MUST NOT include a fragment component".
  if (value.includes('#')) return undefined;
  if (url.username || url.password) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}
