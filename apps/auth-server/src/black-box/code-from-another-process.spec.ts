import * as oauth from 'oauth4webapi';
import { AuthServer, BACKENDS, insecure, startAuthServer, USERS } from './harness/auth-server';
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
 * The process that issues a code usually exchanges it in one statement, from the row it
 * remembers. A code issued by another process (another replica, or before a restart) must
 * work just the same from the database alone, with the same single-use and replay rules.
 */
describe.each(BACKENDS)('auth-server black box on %s: a code issued by another process', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  let trusted: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
    trusted = await registerTrustedClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  /** Codes issued now, exchanged after the restart that follows. */
  async function codes(n: number): Promise<{ prepared: PreparedAuthorization; callback: URL }[]> {
    const browser = new Browser(server.issuer);
    const out = [];
    for (let i = 0; i < n; i++) {
      const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read offline_access' });
      out.push({ prepared, callback: (await authorizeInBrowser(browser, prepared.url, USERS.alice)).callback });
    }
    return out;
  }

  it('exchanges it, refuses a replay and revokes what it produced, and refuses a wrong verifier', async () => {
    const [good, wrongVerifier] = await codes(2);
    await server.restart();

    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, good.callback, good.prepared));
    expect(tokens.refresh_token).toBeTruthy();
    expect((await introspect(server, trusted, tokens.access_token)).active).toBe(true);

    const replay = await oauthError(await exchangeCode(server, client, good.callback, good.prepared));
    expect({ status: replay.status, error: replay.error }).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await introspect(server, trusted, tokens.access_token)).active).toBe(false);
    const refreshed = await oauth.refreshTokenGrantRequest(server.as, client, oauth.None(), tokens.refresh_token!, insecure);
    expect((await oauthError(refreshed)).error).toBe('invalid_grant');

    const wrong = { ...wrongVerifier.prepared, verifier: oauth.generateRandomCodeVerifier() };
    const refused = await oauthError(await exchangeCode(server, client, wrongVerifier.callback, wrong));
    expect({ status: refused.status, error: refused.error }).toEqual({ status: 400, error: 'invalid_grant' });
    // The failed attempt spent the code: the right verifier comes too late.
    const late = await oauthError(await exchangeCode(server, client, wrongVerifier.callback, wrongVerifier.prepared));
    expect(late.error).toBe('invalid_grant');
  });
});
