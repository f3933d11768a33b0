import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  AuthServer,
  BACKENDS,
  Browser,
  clientCredentials,
  endpoint,
  exchangeCode,
  expectPage,
  INITIAL_ACCESS_TOKEN,
  introspect,
  isConsentPage,
  MCP,
  openLoginPage,
  readForm,
  refresh,
  registerPublicClient,
  registerTrustedClient,
  resourceServerClient,
  revoke,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/**
 * Nothing secret ever reaches the server's output: run every flow with request logging on
 * (NODE_ENV=development, as in a real deployment), then search everything the process wrote.
 */
describe.each(BACKENDS)('auth-server black box on %s: no secrets in the output', (backend) => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer(backend, { NODE_ENV: 'development' });
  }, 60_000);
  afterAll(async () => server?.stop());

  it('never writes a client secret, password, code, refresh token, access token or cookie', async () => {
    const secrets: Record<string, string> = { initial_access_token: INITIAL_ACCESS_TOKEN };
    const client = await registerPublicClient(server);
    const trusted = await registerTrustedClient(server);
    secrets.client_secret = trusted.client_secret!;

    // The people's flow, with one wrong password on the way.
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read watchlist:read offline_access' });
    const login = await openLoginPage(browser, prepared.url);
    secrets.csrf_token = readForm(login.html).hidden.csrf_token;
    secrets.wrong_password = 'wrong-password-for-alice-7b3e';
    const retry = expectPage(await browser.submit(login, { username: USERS.alice.username, password: secrets.wrong_password }));
    expect(retry.status).toBe(401);
    secrets.password = USERS.alice.password;
    const consent = expectPage(await browser.submit(retry, USERS.alice));
    expect(isConsentPage(consent)).toBe(true);
    const nav = await browser.submit(consent, { decision: 'approve' });
    if (nav.kind !== 'redirect') throw new Error('expected the redirect back to the client');
    secrets.code = nav.location.searchParams.get('code')!;
    secrets.session_cookie = browser.cookie('pc_session')!;
    secrets.browser_cookie = browser.cookie('pc_browser')!;
    secrets.pkce_verifier = prepared.verifier;

    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, nav.location, prepared));
    secrets.access_token = tokens.access_token;
    secrets.access_token_signature = tokens.access_token.split('.')[2];
    secrets.refresh_token = tokens.refresh_token!;

    const rotated = await oauth.processRefreshTokenResponse(server.as, client, await refresh(server, client, tokens.refresh_token!));
    secrets.rotated_refresh_token = rotated.refresh_token!;
    secrets.rotated_access_token_signature = rotated.access_token.split('.')[2];
    expect((await refresh(server, client, 'bogus-refresh-token-3f9a1c0e77d2')).status).toBe(400);
    secrets.bogus_refresh_token = 'bogus-refresh-token-3f9a1c0e77d2';

    const machine = await oauth.processClientCredentialsResponse(server.as, trusted, await clientCredentials(server, trusted, { resource: MCP, scope: 'sentiment:read' }));
    secrets.machine_access_token_signature = machine.access_token.split('.')[2];
    expect((await oauth.clientCredentialsGrantRequest(server.as, trusted, oauth.ClientSecretBasic('wrong-client-secret-9d2f6a'), { resource: MCP }, {
      [oauth.allowInsecureRequests]: true,
    })).status).toBe(401);
    secrets.wrong_client_secret = 'wrong-client-secret-9d2f6a';

    const resourceServer = resourceServerClient('mcp');
    secrets.resource_server_secret = resourceServer.client_secret!;
    expect((await introspect(server, resourceServer, rotated.access_token)).active).toBe(true);
    expect((await revoke(server, client, rotated.refresh_token!)).status).toBe(200);
    // A code replay, so that error path is logged too.
    expect((await exchangeCode(server, client, nav.location, prepared)).status).toBe(400);

    const output = server.service.output();
    // Request logging is on, so this search means something.
    expect(output).toMatch(/"path":"\/token"/);
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length).toBeGreaterThanOrEqual(8);
      if (output.includes(value)) throw new Error(`the server wrote the ${name} to its output`);
    }
    // And nothing along the way was a server error.
    expect(output).not.toMatch(/"status":5\d\d/);
  });

  /** The `oauth_error` lines the server wrote: one JSON object per refused request. */
  function refusalLines(): { error: string; status: number; route: string; client_id?: string }[] {
    return server.service
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          // One pino JSON object a line; the refusal's own fields sit beside level, time, context and requestId.
          const { event, error, status, route, client_id } = JSON.parse(line) as Record<string, unknown>;
          return event === 'oauth_error' ? [{ event, error, status, route, ...(client_id ? { client_id } : {}) } as never] : [];
        } catch {
          return [];
        }
      });
  }

  it('logs why each request was refused: the OAuth error, the route and the client_id, and no secret', async () => {
    const wrongSecret = 'wrong-secret-for-the-log-check-5e1d';
    const trusted = await registerTrustedClient(server);
    const client = await registerPublicClient(server);
    const bogusRefresh = 'bogus-refresh-token-for-the-log-check-8c2b';

    const token = endpoint(server, 'token_endpoint');
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(trusted.client_id)}:${wrongSecret}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await fetch(token, { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' })).status).toBe(401);
    expect((await refresh(server, client, bogusRefresh)).status).toBe(400);
    const refusedRegistration = await fetch(endpoint(server, 'registration_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://evil.example/cb'] }),
    });
    expect(refusedRegistration.status).toBe(400);
    const notAResourceServer = await oauth.introspectionRequest(server.as, trusted, oauth.ClientSecretBasic(trusted.client_secret!), 'x', {
      [oauth.allowInsecureRequests]: true,
    });
    expect(notAResourceServer.status).toBe(403);

    // The process's output reaches this test through a pipe: wait (briefly) for the last refusal's line.
    for (let i = 0; i < 100 && !refusalLines().some((l) => l.route === 'POST /introspect'); i++) await new Promise((r) => setTimeout(r, 50));
    const lines = refusalLines();
    expect(lines).toEqual(
      expect.arrayContaining([
        { event: 'oauth_error', error: 'invalid_client', status: 401, route: 'POST /token', client_id: trusted.client_id },
        { event: 'oauth_error', error: 'invalid_grant', status: 400, route: 'POST /token', client_id: client.client_id },
        { event: 'oauth_error', error: 'invalid_redirect_uri', status: 400, route: 'POST /register' },
        { event: 'oauth_error', error: 'unauthorized_client', status: 403, route: 'POST /introspect', client_id: trusted.client_id },
      ]),
    );
    const output = server.service.output();
    for (const secret of [wrongSecret, bogusRefresh, trusted.client_secret!, INITIAL_ACCESS_TOKEN]) expect(output).not.toContain(secret);
  });
});
