// What both servers are asked to do in token-bench.mjs: the same client, resource, scope,
// redirect URI and PKCE pair, and the same token request bodies.
import { createHash } from 'node:crypto';

/** The MCP resource (RFC 8707) tokens are issued for: our default, and oidc-provider's only one. */
export const RESOURCE = 'http://localhost:3000/mcp';
/** Every scope the MCP resource accepts (libs/scopes SCOPE_CATALOGUE). */
export const RESOURCE_SCOPES = ['sentiment:analyze', 'sentiment:read', 'watchlist:read', 'watchlist:write'];
export const SCOPE = 'sentiment:read';
export const REDIRECT_URI = 'http://127.0.0.1/cb';
export const USERNAME = 'alice';
export const PASSWORD = 'pw1';

/**
 * A fixed PKCE pair (RFC 7636 §4.1: 43–128 unreserved characters). Fixed on purpose: codes
 * are minted ahead of the measured run and all exchanged with the same verifier.
 */
export const CODE_VERIFIER = 'bench-code-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
export const CODE_CHALLENGE = createHash('sha256').update(CODE_VERIFIER).digest('base64url');

/** RFC 6749 §2.3.1 Basic credentials: id and secret form-urlencoded before Base64. */
export function basicAuthorization(clientId, clientSecret) {
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

export function clientCredentialsBody() {
  return new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE, resource: RESOURCE }).toString();
}

export function codeExchangeBody(code) {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: CODE_VERIFIER,
    resource: RESOURCE,
  }).toString();
}

/** OAuth 2.1 §4.3.1: a refresh request for the same resource (each refresh token is used once). */
export function refreshBody(refreshToken) {
  return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, resource: RESOURCE }).toString();
}

/** Reads header and claims of a JWT without verifying it (for the equivalence check only). */
export function peekJwt(token) {
  const [header, payload] = String(token).split('.');
  const part = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: part(header), claims: part(payload) };
}

/**
 * Checks that a token response is what both servers are meant to produce: an RFC 9068 JWT
 * (typ at+jwt) signed with EdDSA, for the resource and scope asked. Returns a list of
 * problems (empty when equivalent).
 */
export function tokenProblems(body, { expectRefreshToken }) {
  const problems = [];
  if (!body?.access_token) return ['no access_token in the response'];
  const { header, claims } = peekJwt(body.access_token);
  if (header.alg !== 'EdDSA') problems.push(`alg is ${header.alg}, expected EdDSA`);
  if (header.typ !== 'at+jwt') problems.push(`typ is ${header.typ}, expected at+jwt`);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (aud.length !== 1 || aud[0] !== RESOURCE) problems.push(`aud is ${JSON.stringify(claims.aud)}, expected ${RESOURCE}`);
  if (claims.scope !== SCOPE) problems.push(`scope is ${JSON.stringify(claims.scope)}, expected ${SCOPE}`);
  for (const c of ['iss', 'sub', 'exp', 'iat', 'jti', 'client_id']) if (claims[c] === undefined) problems.push(`claim ${c} missing`);
  if (expectRefreshToken && !body.refresh_token) problems.push('no refresh_token');
  return problems;
}
