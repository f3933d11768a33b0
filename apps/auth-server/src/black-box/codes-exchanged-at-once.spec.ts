import * as oauth from 'oauth4webapi';
import { AuthServer, BACKENDS, startAuthServer, USERS } from './harness/auth-server';
import { Browser } from './harness/browser';
import {
  authorizationUrl,
  authorizeInBrowser,
  exchangeCode,
  introspect,
  oauthError,
  PreparedAuthorization,
  RegisteredClient,
  registerPublicClient,
  registerTrustedClient,
} from './harness/oauth-client';

/**
 * Exchanges arriving together are written together (on PostgreSQL one statement and one
 * commit carries them all). Each must still get exactly its own tokens, and each code must
 * still be single use.
 */
describe.each(BACKENDS)('auth-server black box on %s: codes exchanged at once', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  let trusted: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
    trusted = await registerTrustedClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  async function codes(n: number): Promise<{ prepared: PreparedAuthorization; callback: URL }[]> {
    const browser = new Browser(server.issuer);
    const out = [];
    for (let i = 0; i < n; i++) {
      const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read offline_access' });
      out.push({ prepared, callback: (await authorizeInBrowser(browser, prepared.url, USERS.alice)).callback });
    }
    return out;
  }

  it('gives each its own live tokens; replayed together, each is refused and its tokens revoked', async () => {
    const issued = await codes(16);
    const responses = await Promise.all(issued.map((c) => exchangeCode(server, client, c.callback, c.prepared)));
    expect(responses.map((r) => r.status)).toEqual(issued.map(() => 200));
    const tokens = await Promise.all(responses.map((r) => oauth.processAuthorizationCodeResponse(server.as, client, r)));
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(16);
    expect(new Set(tokens.map((t) => t.refresh_token)).size).toBe(16);
    for (const t of tokens) expect((await introspect(server, trusted, t.access_token)).active).toBe(true);

    const replays = await Promise.all(issued.map((c) => exchangeCode(server, client, c.callback, c.prepared)));
    for (const r of replays) expect((await oauthError(r)).error).toBe('invalid_grant');
    for (const t of tokens) expect((await introspect(server, trusted, t.access_token)).active).toBe(false);
  });

  it('a code presented several times at once yields at most one token, and none survives', async () => {
    for (let round = 0; round < 4; round++) {
      const [code] = await codes(1);
      const responses = await Promise.all(Array.from({ length: 4 }, () => exchangeCode(server, client, code.callback, code.prepared)));
      const winners = responses.filter((r) => r.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const r of responses.filter((x) => x.status !== 200)) expect((await oauthError(r)).error).toBe('invalid_grant');
      for (const w of winners) {
        const t = await oauth.processAuthorizationCodeResponse(server.as, client, w);
        expect((await introspect(server, trusted, t.access_token)).active).toBe(false);
      }
    }
  });
});
