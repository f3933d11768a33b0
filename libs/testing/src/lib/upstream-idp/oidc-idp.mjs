// An upstream OpenID Provider for tests: panva's oidc-provider (certified) with its own keys
// and its own development login and consent pages (devInteractions: any login name, any
// password). Run as a child process by upstream-idp.ts, configured by environment:
//   PORT, ISSUER, CLIENTS (JSON array of client metadata).
// Accounts are made up from the login name: `alice@acme.test` gets that email, verified,
// unless the name starts with `unverified`; `sub` is a digest of the name (opaque, like a
// real provider's).
import { createHash } from 'node:crypto';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-idp-1', alg: 'RS256', use: 'sig' };

const provider = new Provider(process.env.ISSUER, {
  clients: JSON.parse(process.env.CLIENTS),
  jwks: { keys: [jwk] },
  cookies: { keys: ['upstream-idp-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims in the ID token itself: a relying party reading only the ID token sees them.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: createHash('sha256').update(id).digest('hex').slice(0, 24),
          name: `Person ${id.split('@')[0]}`,
          ...(id.includes('@') ? { email: id, email_verified: !id.startsWith('unverified') } : {}),
        };
      },
    };
  },
});

provider.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
