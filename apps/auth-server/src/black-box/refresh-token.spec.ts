import * as oauth from 'oauth4webapi';
import {
  AuthServer,
  BACKENDS,
  Browser,
  codeFlow,
  introspect,
  MCP,
  oauthError,
  refresh,
  RegisteredClient,
  registerPublicClient,
  resourceServerClient,
  sleep,
  startAuthServer,
  USERS,
  verifyAccessToken,
} from '@portcullis/testing';

const GRACE_SECONDS = 1;

/** Refresh token rotation, the grace window and reuse detection (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). */
describe.each(BACKENDS)('auth-server black box on %s: refresh tokens', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  let resourceServer: RegisteredClient;
  let browser: Browser;

  beforeAll(async () => {
    server = await startAuthServer(backend, { REFRESH_GRACE_SECONDS: String(GRACE_SECONDS) });
    client = await registerPublicClient(server);
    resourceServer = resourceServerClient('mcp');
    browser = new Browser(server.issuer);
  }, 60_000);
  afterAll(async () => server?.stop());

  async function start(scope = 'sentiment:read watchlist:read offline_access') {
    const { tokens } = await codeFlow(server, browser, client, USERS.alice, { scope });
    if (!tokens.refresh_token) throw new Error('no refresh token issued');
    return tokens;
  }

  async function refreshOk(token: string, params?: Record<string, string>) {
    return oauth.processRefreshTokenResponse(server.as, client, await refresh(server, client, token, params));
  }

  it('rotates the refresh token on every use and issues a fresh access token', async () => {
    const first = await start();
    const second = await refreshOk(first.refresh_token!);
    const third = await refreshOk(second.refresh_token!);
    const all = [first.refresh_token, second.refresh_token, third.refresh_token];
    expect(new Set(all).size).toBe(3);
    expect(second.access_token).not.toBe(first.access_token);
    const a = await verifyAccessToken(server, first.access_token, MCP);
    const c = await verifyAccessToken(server, third.access_token, MCP);
    expect(c.claims.sub).toBe(a.claims.sub);
    expect(c.claims.jti).not.toBe(a.claims.jti);
    expect(c.claims.aud).toBe(MCP);
    expect(String(c.claims.scope).split(' ').sort()).toEqual(['sentiment:read', 'watchlist:read']);
  });

  it('lets a client that refreshed twice at once survive (grace window)', async () => {
    const first = await start();
    const [x, y] = await Promise.all([refresh(server, client, first.refresh_token!), refresh(server, client, first.refresh_token!)]);
    expect([x.status, y.status]).toEqual([200, 200]);
    const tx = await oauth.processRefreshTokenResponse(server.as, client, x);
    const ty = await oauth.processRefreshTokenResponse(server.as, client, y);
    // Both successors work.
    await refreshOk(tx.refresh_token!);
    await refreshOk(ty.refresh_token!);
  });

  it('treats reuse after the grace window as theft: invalid_grant and the whole family revoked', async () => {
    const first = await start();
    const second = await refreshOk(first.refresh_token!);
    const third = await refreshOk(second.refresh_token!);
    expect((await introspect(server, resourceServer, third.access_token)).active).toBe(true);

    await sleep(GRACE_SECONDS * 1000 + 600);
    const reuse = await oauthError(await refresh(server, client, first.refresh_token!));
    expect(reuse.status).toBe(400);
    expect(reuse.error).toBe('invalid_grant');

    // The newest refresh token of the family is dead too...
    const newest = await oauthError(await refresh(server, client, third.refresh_token!));
    expect(newest.status).toBe(400);
    expect(newest.error).toBe('invalid_grant');
    // ...and so are the family's access tokens.
    expect((await introspect(server, resourceServer, third.access_token)).active).toBe(false);
    expect((await introspect(server, resourceServer, first.access_token)).active).toBe(false);
    expect((await introspect(server, resourceServer, third.refresh_token!)).active).toBe(false);
  });

  it('reuse racing the newest refresh token: whatever the newest one got is revoked with the family', async () => {
    // A thief replays an old token while the client refreshes with its newest one. Whichever
    // request is handled first, once the family is revoked no access token of it may stay active.
    await start(); // one login first, so the parallel flows below share the browser's session
    const families = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const first = await start();
        const second = await refreshOk(first.refresh_token!);
        return { old: first.refresh_token!, newest: second.refresh_token! };
      }),
    );
    await sleep(GRACE_SECONDS * 1000 + 600);
    const rounds = await Promise.all(
      families.map(async ({ old, newest }) => {
        const [reuse, legit] = await Promise.all([refresh(server, client, old), refresh(server, client, newest)]);
        expect(reuse.status).toBe(400);
        await reuse.arrayBuffer();
        if (legit.status !== 200) return undefined;
        return (await oauth.processRefreshTokenResponse(server.as, client, legit)).access_token;
      }),
    );
    for (const [i, accessToken] of rounds.entries()) {
      if (!accessToken) continue;
      const state = await introspect(server, resourceServer, accessToken);
      if (state.active) throw new Error(`family ${i}: an access token issued during reuse detection is still active`);
    }
  });

  it('allows down-scoping, and the next refresh may return to the full grant', async () => {
    const first = await start();
    const narrow = await refreshOk(first.refresh_token!, { scope: 'sentiment:read' });
    expect(narrow.scope).toBe('sentiment:read');
    expect((await verifyAccessToken(server, narrow.access_token, MCP)).claims.scope).toBe('sentiment:read');
    const full = await refreshOk(narrow.refresh_token!);
    expect(String((await verifyAccessToken(server, full.access_token, MCP)).claims.scope).split(' ').sort()).toEqual([
      'sentiment:read',
      'watchlist:read',
    ]);
  });

  it('refuses up-scoping with invalid_scope', async () => {
    const first = await start('sentiment:read offline_access');
    const err = await oauthError(await refresh(server, client, first.refresh_token!, { scope: 'sentiment:read watchlist:write' }));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_scope');
  });

  it('answers an unknown refresh token with invalid_grant', async () => {
    const err = await oauthError(await refresh(server, client, 'not-a-refresh-token-at-all-0123456789'));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_grant');
  });

  it("refuses another client's refresh token with invalid_grant", async () => {
    const first = await start();
    const other = await registerPublicClient(server, { client_name: 'Other client' });
    const err = await oauthError(await refresh(server, other, first.refresh_token!));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_grant');
    // The rightful owner can still use it.
    await refreshOk(first.refresh_token!);
  });

  it('a differing resource at refresh is invalid_target', async () => {
    const first = await start();
    const err = await oauthError(await refresh(server, client, first.refresh_token!, { resource: 'http://localhost:3100/audit' }));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_target');
  });
});
