import * as oauth from 'oauth4webapi';
import {
  AuthServer,
  exchangeCode,
  introspect,
  issueCodes,
  oauthError,
  refresh,
  RegisteredClient,
  registerPublicClient,
  resourceServerClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/**
 * Refresh rotation on PostgreSQL: refreshes arriving together are rotated by one statement
 * and one commit, which spends each presented token only if it is still usable at that moment,
 * under its grant's lock. Each refresh must still get exactly its own tokens, a token must
 * not be spent twice past the grace window (here none: REFRESH_GRACE_SECONDS=0), and a reuse
 * must end the family (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). The black box cannot choose
 * which requests share a statement; many at once make it likely that some do.
 */
describe('auth-server black box on postgres: refresh rotation paths', () => {
  let server: AuthServer;
  let client: RegisteredClient;
  const resourceServer = resourceServerClient('mcp');

  beforeAll(async () => {
    server = await startAuthServer('postgres', { REFRESH_GRACE_SECONDS: '0' });
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  const isActive = async (token: string) => (await introspect(server, resourceServer, token)).active;

  /** `n` grants of alice's, each with its first token pair. */
  async function families(n: number) {
    const issued = await issueCodes(server, client, USERS.alice, n);
    return Promise.all(issued.map(async (c) => oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, c.callback, c.prepared))));
  }

  it('grants refreshed at once: each gets its own live tokens, and each successor works', async () => {
    const firsts = await families(16);
    const responses = await Promise.all(firsts.map((t) => refresh(server, client, t.refresh_token!)));
    expect(responses.map((r) => r.status)).toEqual(firsts.map(() => 200));
    const seconds = await Promise.all(responses.map((r) => oauth.processRefreshTokenResponse(server.as, client, r)));
    expect(new Set(seconds.map((t) => t.access_token)).size).toBe(16);
    expect(new Set(seconds.map((t) => t.refresh_token)).size).toBe(16);
    for (const [i, t] of seconds.entries()) {
      expect(t.refresh_token).not.toBe(firsts[i].refresh_token);
      expect(await isActive(t.access_token)).toBe(true);
    }

    // Each successor works in turn, again all at once: the families stay apart.
    const thirds = await Promise.all(seconds.map((t) => refresh(server, client, t.refresh_token!)));
    expect(thirds.map((r) => r.status)).toEqual(seconds.map(() => 200));
    await Promise.all(thirds.map((r) => oauth.processRefreshTokenResponse(server.as, client, r)));
  });

  it('a refresh token presented several times at once yields at most one token pair, and the reuse revokes the family', async () => {
    for (const first of await families(4)) {
      const responses = await Promise.all(Array.from({ length: 4 }, () => refresh(server, client, first.refresh_token!)));
      const winners = responses.filter((r) => r.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      expect(winners.length).toBeLessThan(responses.length);
      for (const r of responses.filter((x) => x.status !== 200)) expect((await oauthError(r)).error).toBe('invalid_grant');
      // Whatever won was issued to the family that the reuse then revoked.
      for (const w of winners) {
        const tokens = await oauth.processRefreshTokenResponse(server.as, client, w);
        expect(await isActive(tokens.access_token)).toBe(false);
        expect((await oauthError(await refresh(server, client, tokens.refresh_token!))).error).toBe('invalid_grant');
      }
      expect(await isActive(first.access_token)).toBe(false);
    }
  });

  it('a refresh token issued before a restart still works, once', async () => {
    const [first] = await families(1);
    await server.restart();
    const second = await oauth.processRefreshTokenResponse(server.as, client, await refresh(server, client, first.refresh_token!));
    expect(await isActive(second.access_token)).toBe(true);
    const third = await oauth.processRefreshTokenResponse(server.as, client, await refresh(server, client, second.refresh_token!));
    expect(await isActive(third.access_token)).toBe(true);

    // Presented again after its rotation: reuse, and the family ends.
    expect((await oauthError(await refresh(server, client, first.refresh_token!))).error).toBe('invalid_grant');
    expect(await isActive(third.access_token)).toBe(false);
    // A process restart (stop, start, migrations) takes seconds on a loaded machine.
  }, 30_000);
});
