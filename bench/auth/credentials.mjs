// What token-bench.mjs sends both servers: client authentication, the equivalence check made
// before measuring, and the single-use refresh tokens the refresh scenario spends.
import { basicAuthorization, clientCredentialsBody, codeExchangeBody, refreshBody, tokenProblems } from './scenario.mjs';

export function tokenHeaders(server) {
  return {
    authorization: basicAuthorization(server.clientId, server.clientSecret),
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
}

/** One token request; throws unless it is answered 200 with JSON. */
export async function postToken(server, body) {
  const res = await fetch(`${server.baseUrl}/token`, { method: 'POST', headers: tokenHeaders(server), body });
  const json = await res.json().catch(() => undefined);
  if (res.status !== 200) throw new Error(`${server.name}: token request failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** One real request per grant before measuring: the same kind of token from both servers. */
export async function checkEquivalence(server) {
  const cc = await postToken(server, clientCredentialsBody());
  const [code] = await server.mintCodes(1);
  const ac = await postToken(server, codeExchangeBody(code));
  const rt = await postToken(server, refreshBody(ac.refresh_token));
  const problems = [
    ...tokenProblems(cc, { expectRefreshToken: false }).map((p) => `client_credentials: ${p}`),
    ...tokenProblems(ac, { expectRefreshToken: true }).map((p) => `authorization_code: ${p}`),
    ...tokenProblems(rt, { expectRefreshToken: true }).map((p) => `refresh_token: ${p}`),
  ];
  // OAuth 2.1 §4.3.1 / RFC 9700 §4.14.2: both rotate, so each refresh returns a new token.
  if (rt.refresh_token === ac.refresh_token) problems.push('refresh_token: the refresh token was not rotated');
  if (problems.length > 0) throw new Error(`${server.name} is not configured like the other:\n  ${problems.join('\n  ')}`);
}

/**
 * `n` live refresh tokens of distinct grants: each from one code minted by `server.mintCodes`
 * and exchanged at the token endpoint, 8 at a time (before the measured run, never during it).
 */
export async function mintRefreshTokens(server, n, onProgress) {
  const codes = await server.mintCodes(n);
  const tokens = [];
  let next = 0;
  const worker = async () => {
    while (next < codes.length) {
      const body = await postToken(server, codeExchangeBody(codes[next++]));
      if (!body.refresh_token) throw new Error(`${server.name}: the code exchange returned no refresh token`);
      tokens.push(body.refresh_token);
      if (onProgress && tokens.length % 1000 === 0) onProgress(tokens.length);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return tokens;
}
