import {
  authorizationUrl,
  authorizeInBrowser,
  AuthServer,
  BACKENDS,
  Browser,
  exchangeCode,
  oauthError,
  RegisteredClient,
  registerPublicClient,
  sleep,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/** Authorization codes are short-lived (OAuth 2.1 §4.1.2): a server whose codes live 1 s. */
describe.each(BACKENDS)('auth-server black box on %s: expired authorization code', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend, { AUTHORIZATION_CODE_TTL: '1' });
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('refuses an expired code with invalid_grant', async () => {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, USERS.alice);
    await sleep(1600);
    const err = await oauthError(await exchangeCode(server, client, callback, prepared));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_grant');
  });

  it('still accepts a code used at once (the TTL is what expired it)', async () => {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, USERS.alice);
    const res = await exchangeCode(server, client, callback, prepared);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
