import * as oauth from 'oauth4webapi';
import {
  AuthServer,
  BACKENDS,
  exchangeCode,
  insecure,
  introspect,
  issueCodes,
  oauthError,
  RegisteredClient,
  registerPublicClient,
  resourceServerClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/**
 * The code exchange has a fast path and a database path. The process that issued a code
 * checks it against the row it remembers and writes everything in one statement, shared with
 * the exchanges arriving at the same time (on PostgreSQL one commit carries them all). A code
 * issued by another process (another replica, or before a restart) is read back from the
 * database. Both must give each exchange exactly its own tokens and keep every code single use.
 */
describe.each(BACKENDS)('auth-server black box on %s: code exchange paths', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  const resourceServer = resourceServerClient('mcp');

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  const isActive = async (accessToken: string) => (await introspect(server, resourceServer, accessToken)).active;

  it('codes exchanged at once: each gets its own live tokens; replayed together, each is refused and its tokens revoked', async () => {
    const issued = await issueCodes(server, client, USERS.alice, 16);
    const responses = await Promise.all(issued.map((c) => exchangeCode(server, client, c.callback, c.prepared)));
    expect(responses.map((r) => r.status)).toEqual(issued.map(() => 200));
    const tokens = await Promise.all(responses.map((r) => oauth.processAuthorizationCodeResponse(server.as, client, r)));
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(16);
    expect(new Set(tokens.map((t) => t.refresh_token)).size).toBe(16);
    for (const t of tokens) expect(await isActive(t.access_token)).toBe(true);

    const replays = await Promise.all(issued.map((c) => exchangeCode(server, client, c.callback, c.prepared)));
    for (const r of replays) expect((await oauthError(r)).error).toBe('invalid_grant');
    for (const t of tokens) expect(await isActive(t.access_token)).toBe(false);
  });

  it('a code presented several times at once yields at most one token, and none survives', async () => {
    for (const code of await issueCodes(server, client, USERS.alice, 4)) {
      const responses = await Promise.all(Array.from({ length: 4 }, () => exchangeCode(server, client, code.callback, code.prepared)));
      const winners = responses.filter((r) => r.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const r of responses.filter((x) => x.status !== 200)) expect((await oauthError(r)).error).toBe('invalid_grant');
      for (const w of winners) expect(await isActive((await oauth.processAuthorizationCodeResponse(server.as, client, w)).access_token)).toBe(false);
    }
  });

  it('a code issued before a restart: exchanged from the database, a replay revokes it, a wrong verifier spends it', async () => {
    const [good, wrongVerifier] = await issueCodes(server, client, USERS.alice, 2);
    await server.restart();

    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, good.callback, good.prepared));
    expect(tokens.refresh_token).toBeTruthy();
    expect(await isActive(tokens.access_token)).toBe(true);

    const replay = await oauthError(await exchangeCode(server, client, good.callback, good.prepared));
    expect({ status: replay.status, error: replay.error }).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await isActive(tokens.access_token)).toBe(false);
    const refreshed = await oauth.refreshTokenGrantRequest(server.as, client, oauth.None(), tokens.refresh_token!, insecure);
    expect((await oauthError(refreshed)).error).toBe('invalid_grant');

    const wrong = { ...wrongVerifier.prepared, verifier: oauth.generateRandomCodeVerifier() };
    const refused = await oauthError(await exchangeCode(server, client, wrongVerifier.callback, wrong));
    expect({ status: refused.status, error: refused.error }).toEqual({ status: 400, error: 'invalid_grant' });
    // The failed attempt spent the code: the right verifier comes too late.
    const late = await oauthError(await exchangeCode(server, client, wrongVerifier.callback, wrongVerifier.prepared));
    expect(late.error).toBe('invalid_grant');
    // A process restart (stop, start, migrations) takes seconds on a loaded machine.
  }, 30_000);
});
