// The comparison server for token-bench.mjs: panva's oidc-provider configured like our
// auth-server for the three measured grants. Run as a child process (so it has its own event
// loop, like ours), configured by environment:
//   PORT, ISSUER_URL, RESOURCE_URL, RESOURCE_SCOPES, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
//   ACCESS_TOKEN_TTL (seconds).
//
// Equivalence with apps/auth-server:
// - client_secret_basic confidential client, grants client_credentials + authorization_code +
//   refresh_token, PKCE S256 required;
// - RFC 8707 resource indicators with one resource; access tokens for it are RFC 9068 JWTs
//   signed with EdDSA (an Ed25519 key generated here with jose), 600 s;
// - the code exchange also issues a refresh token (ours does for clients holding the
//   refresh_token grant; oidc-provider's default would require offline_access), and every
//   refresh rotates it (rotateRefreshToken);
// - storage: oidc-provider's own in-memory adapter (MemoryAdapter). Its default store is an
//   LRU of ~1,000–2,000 entries, which would evict codes minted ahead of the measured run, so
//   the same adapter class is given the same LRU class with a larger bound.
//
// One extra, bench-only route mints authorization codes directly through the provider's
// models (Grant + AuthorizationCode), standing in for login and consent, which are not what is
// measured: POST /__bench/codes?n=<count>&code_challenge=<S256 challenge>&account=<sub>&scope=<s>
// returns a JSON array of codes. It is called before the measured run, never during it.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

const env = process.env;
const port = Number(env.PORT);
const issuer = env.ISSUER_URL;
const resourceUrl = env.RESOURCE_URL;
const resourceScopes = env.RESOURCE_SCOPES;
const accessTokenTtl = Number(env.ACCESS_TOKEN_TTL ?? 600);

const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const signingJwk = await exportJWK(privateKey);
signingJwk.kid = await calculateJwkThumbprint(signingJwk);
signingJwk.alg = 'EdDSA';
signingJwk.use = 'sig';

const store = new LRU({ maxSize: 1_000_000 });

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [
    {
      client_id: env.CLIENT_ID,
      client_secret: env.CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [env.REDIRECT_URI],
      scope: resourceScopes,
      // No ID tokens are issued here (no openid scope), but the client's default (RS256)
      // must be a signing algorithm the key set supports.
      id_token_signed_response_alg: 'EdDSA',
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access', ...resourceScopes.split(' ')],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resourceUrl,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== resourceUrl) throw new errors.InvalidTarget();
        return {
          scope: resourceScopes,
          audience: resourceUrl,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'EdDSA' } },
        };
      },
    },
  },
  pkce: { required: () => true },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Every refresh returns a new refresh token and spends the old one, as ours does (OAuth 2.1
  // §4.3.1); the default rotates only public clients' tokens or ones past 70 % of their life.
  rotateRefreshToken: () => true,
  ttl: {
    AccessToken: accessTokenTtl,
    ClientCredentials: accessTokenTtl,
    AuthorizationCode: 600,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Interaction: 600,
    Session: 8 * 3600,
    IdToken: 600,
  },
});

const providerCallback = provider.callback();

/** Mints `n` authorization codes for the configured client, as consent would have. */
async function mintCodes(n, codeChallenge, accountId, scope) {
  const client = await provider.Client.find(env.CLIENT_ID);
  const codes = [];
  for (let i = 0; i < n; i += 1) {
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addResourceScope(resourceUrl, scope);
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      client,
      accountId,
      grantId,
      scope,
      resource: resourceUrl,
      redirectUri: env.REDIRECT_URI,
      codeChallenge,
      codeChallengeMethod: 'S256',
      expiresWithSession: false,
      authTime: Math.floor(Date.now() / 1000),
    });
    codes.push(await code.save());
  }
  return codes;
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/__bench/codes')) {
    const q = new URL(req.url, issuer).searchParams;
    const n = Math.min(Number(q.get('n') ?? 1), 200_000);
    mintCodes(n, q.get('code_challenge'), q.get('account') ?? 'alice', q.get('scope') ?? 'sentiment:read').then(
      (codes) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(codes));
      },
      (err) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err?.stack ?? err));
      },
    );
    return;
  }
  providerCallback(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
