import {
  authorizationUrl,
  AuthServer,
  Browser,
  endpoint,
  EventSink,
  expectPage,
  isLoginPage,
  oauthError,
  openLoginPage,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
} from '@portcullis/testing';

/** A compact JWS (`{"alg":"none"}.{"x":1}.x`): the shape the event contract redacts. */
const JWT = 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.x';
const REDACTED = '[redacted]';

/**
 * Issue 9: a value shaped like a JWT where an attacker may type anything (a `client_id` at
 * /authorize, a `grant_type` at /token, a login username) made the event contract throw: a 500
 * and no event. Now each gets its precise 4xx, and the event is kept with the value redacted.
 */
describe('auth-server black box: input shaped like a JWT is redacted from events, never a 500', () => {
  let sink: EventSink;
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    sink = await new EventSink().start();
    server = await startAuthServer('sqlite', { AUDIT_INGEST_URL: sink.url });
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await sink?.stop();
  });

  afterEach(() => {
    // Whatever was delivered, the token never reached the audit trail.
    for (const body of sink.bodies) expect(body).not.toContain(JWT);
  });

  it('a JWT-shaped client_id at /authorize: the unknown-client error page, and auth.authorization.denied with the client_id redacted', async () => {
    const { url } = await authorizationUrl(server, { client, extra: { client_id: JWT } });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    await res.arrayBuffer();
    const event = await sink.waitFor((e) => e.type === 'auth.authorization.denied' && e.data.client_id === REDACTED);
    expect(event.data).toMatchObject({ error: 'invalid_request', client_id: REDACTED });
  });

  it('a JWT-shaped grant_type at /token: unsupported_grant_type, and auth.token.rejected with the grant_type redacted', async () => {
    const res = await fetch(endpoint(server, 'token_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT, client_id: client.client_id }).toString(),
    });
    const error = await oauthError(res);
    expect(error).toMatchObject({ status: 400, error: 'unsupported_grant_type' });
    const event = await sink.waitFor((e) => e.type === 'auth.token.rejected' && e.data.grant_type === REDACTED);
    expect(event.data).toMatchObject({ error: 'unsupported_grant_type', grant_type: REDACTED });
  });

  it('a JWT-shaped username at login: the login page again with its usual 401, and auth.login.failed with the username redacted', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const login = await openLoginPage(browser, prepared.url);
    const again = expectPage(await browser.submit(login, { username: JWT, password: 'whatever-it-is' }));
    expect(again.status).toBe(401);
    expect(isLoginPage(again)).toBe(true);
    expect(again.html).toContain('Wrong username or password.');
    const event = await sink.waitFor((e) => e.type === 'auth.login.failed' && e.data.username === REDACTED);
    expect(event.data).toMatchObject({ username: REDACTED, reason: 'unknown_user', client_id: client.client_id });
  });
});
