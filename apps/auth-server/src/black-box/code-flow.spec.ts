import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  authorizeInBrowser,
  AuthServer,
  BACKENDS,
  Browser,
  codeFlow,
  exchangeCode,
  expectPage,
  expectRedirect,
  isConsentPage,
  MCP,
  oauthError,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
  USERS,
  verifyAccessToken,
} from '@portcullis/testing';

/** The people's flow: authorization code with PKCE through the real login and consent pages. */
describe.each(BACKENDS)('auth-server black box on %s: authorization code flow', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  /**
   * Remembered consent and prompt=none apply only to a client whose identity can be assured
   * (RFC 8252 §8.6; see loopback-reauthorization.spec.ts): a public client returning to https.
   */
  let web: RegisteredClient;
  const WEB_REDIRECT = 'https://app.example/cb';
  const webFlow = (browser: Browser, person: (typeof USERS)[keyof typeof USERS], p: { scope: string; prompt?: string }, c = web) =>
    codeFlow(server, browser, c, person, { ...p, redirectUri: WEB_REDIRECT });

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
    web = await registerPublicClient(server, { client_name: 'Black-box web client', redirect_uris: [WEB_REDIRECT], application_type: 'web' });
  }, 60_000);
  afterAll(async () => server?.stop());

  it('runs the full flow: login, consent, iss-checked callback, PKCE exchange, RFC 9068 access token', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read watchlist:read offline_access' });
    const { callback, sawLogin, sawConsent } = await authorizeInBrowser(browser, prepared.url, USERS.alice);
    expect(sawLogin).toBe(true);
    expect(sawConsent).toBe(true);
    expect(`${callback.origin}${callback.pathname}`).toBe(prepared.redirectUri);
    expect(callback.searchParams.get('state')).toBe(prepared.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);

    // RFC 9207: oauth4webapi checks iss against the discovered issuer, and state.
    const res = await exchangeCode(server, client, callback, prepared);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, res);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(600);
    expect(typeof tokens.refresh_token).toBe('string');
    expect(tokens.scope!.split(' ').sort()).toEqual(['offline_access', 'sentiment:read', 'watchlist:read']);

    const { header, claims } = await verifyAccessToken(server, tokens.access_token, MCP);
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe('EdDSA');
    expect(typeof header.kid).toBe('string');
    expect(claims.iss).toBe(server.issuer);
    expect(claims.aud).toBe(MCP);
    expect(typeof claims.sub).toBe('string');
    expect(claims.sub).not.toBe(USERS.alice.password);
    expect(claims.client_id).toBe(client.client_id);
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(600);
    // offline_access is the authorization server's scope, never sent to a resource.
    expect(String(claims.scope).split(' ').sort()).toEqual(['sentiment:read', 'watchlist:read']);
  });

  it('remembers consent: the same browser goes straight back, a new browser only logs in', async () => {
    const first = await webFlow(new Browser(server.issuer), USERS.bob, { scope: 'sentiment:analyze' });
    expect(first.sawConsent).toBe(true);

    const sameBrowser = new Browser(server.issuer);
    const again = await webFlow(sameBrowser, USERS.bob, { scope: 'sentiment:analyze' });
    expect(again.sawLogin).toBe(true);
    expect(again.sawConsent).toBe(false);

    // With a session cookie now, neither page is shown.
    const third = await webFlow(sameBrowser, USERS.bob, { scope: 'sentiment:analyze' });
    expect(third.sawLogin).toBe(false);
    expect(third.sawConsent).toBe(false);
    const { claims } = await verifyAccessToken(server, third.tokens.access_token, MCP);
    expect(claims.sub).toBe((await verifyAccessToken(server, first.tokens.access_token, MCP)).claims.sub);
  });

  it('asks again when more scope is requested than was consented to', async () => {
    const browser = new Browser(server.issuer);
    await webFlow(browser, USERS.alice, { scope: 'watchlist:read' });
    const wider = await webFlow(browser, USERS.alice, { scope: 'watchlist:read watchlist:write' });
    expect(wider.sawConsent).toBe(true);
  });

  it('prompt=consent forces the consent page even when consent is remembered', async () => {
    const browser = new Browser(server.issuer);
    await webFlow(browser, USERS.alice, { scope: 'sentiment:read' });
    const forced = await webFlow(browser, USERS.alice, { scope: 'sentiment:read', prompt: 'consent' });
    expect(forced.sawLogin).toBe(false);
    expect(forced.sawConsent).toBe(true);
  });

  it('remembers consent per client: another client in the same session is asked', async () => {
    const browser = new Browser(server.issuer);
    await webFlow(browser, USERS.alice, { scope: 'sentiment:read' });
    const other = await registerPublicClient(server, { client_name: 'Another web client', redirect_uris: [WEB_REDIRECT], application_type: 'web' });
    const flow = await webFlow(browser, USERS.alice, { scope: 'sentiment:read' }, other);
    expect(flow.sawLogin).toBe(false);
    expect(flow.sawConsent).toBe(true);
  });

  it('prompt=login asks for the password again despite a session', async () => {
    const browser = new Browser(server.issuer);
    await webFlow(browser, USERS.alice, { scope: 'sentiment:read' });
    const again = await webFlow(browser, USERS.alice, { scope: 'sentiment:read', prompt: 'login' });
    expect(again.sawLogin).toBe(true);
  });

  it('prompt=none: a code when session and consent exist, consent_required when consent is missing', async () => {
    const browser = new Browser(server.issuer);
    await webFlow(browser, USERS.alice, { scope: 'watchlist:read' });
    const silent = await webFlow(browser, USERS.alice, { scope: 'watchlist:read', prompt: 'none' });
    expect(silent.sawLogin || silent.sawConsent).toBe(false);

    const wider = await authorizationUrl(server, {
      client: web,
      redirectUri: WEB_REDIRECT,
      scope: 'watchlist:read watchlist:write sentiment:analyze',
      prompt: 'none',
    });
    const nav = await browser.navigate(wider.url);
    const callback = expectRedirect(nav);
    expect(callback.searchParams.get('error')).toBe('consent_required');
    expect(callback.searchParams.get('state')).toBe(wider.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
  });

  it('a consent form submitted twice yields one code: the second post is refused', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read', prompt: 'consent' });
    const login = expectPage(await browser.navigate(prepared.url));
    const consent = expectPage(await browser.submit(login, USERS.alice));
    expect(isConsentPage(consent)).toBe(true);
    const first = expectRedirect(await browser.submit(consent, { decision: 'approve' }));
    expect(first.searchParams.get('code')).toBeTruthy();
    const second = await browser.submit(consent, { decision: 'approve' });
    expect(second.kind).toBe('page');
    expect(expectPage(second).status).toBe(400);
  });

  it('canonicalises the resource (RFC 8707 §2): an upper-case scheme and host name the same audience', async () => {
    const flow = await codeFlow(server, new Browser(server.issuer), client, USERS.alice, { scope: 'sentiment:read', resource: 'HTTP://LOCALHOST:3000/mcp' });
    expect((await verifyAccessToken(server, flow.tokens.access_token, MCP)).claims.aud).toBe(MCP);
  });

  it('falls back to the default resource (the MCP server) when the request names none', async () => {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read', resource: null });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, USERS.alice);
    const res = await exchangeCode(server, client, callback, prepared, {});
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, res);
    expect((await verifyAccessToken(server, tokens.access_token, MCP)).claims.aud).toBe(MCP);
  });

  it('works for a native app with a private-use URI scheme redirect (RFC 8252 §7.1)', async () => {
    const native = await registerPublicClient(server, { redirect_uris: ['com.example.portcullis:/oauth/callback'] });
    const flow = await codeFlow(server, new Browser(server.issuer), native, USERS.alice, {
      scope: 'sentiment:read',
      redirectUri: 'com.example.portcullis:/oauth/callback',
    });
    expect(flow.tokens.access_token).toBeTruthy();
  });

  it('deny returns access_denied to the client with state and iss', async () => {
    const prepared = await authorizationUrl(server, { client, prompt: 'consent' });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, USERS.alice, 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(prepared.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(() => oauth.validateAuthResponse(server.as, client, callback, prepared.state)).toThrow(oauth.AuthorizationResponseError);
  });

  it('matches a loopback redirect registered without a port on any port (RFC 8252 §7.3)', async () => {
    const loopback = await registerPublicClient(server, { redirect_uris: ['http://127.0.0.1/cb'] });
    const redirectUri = 'http://127.0.0.1:53127/cb';
    const flow = await codeFlow(server, new Browser(server.issuer), loopback, USERS.alice, { redirectUri, scope: 'sentiment:read' });
    expect(flow.tokens.access_token).toBeTruthy();
  });

  it('a differing resource at the token endpoint is invalid_target', async () => {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, USERS.alice);
    const res = await exchangeCode(server, client, callback, prepared, { resource: 'http://localhost:3100/audit' });
    const err = await oauthError(res);
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_target');
  });

  it('carries the resource from the authorization request when the token request names none', async () => {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, USERS.alice);
    const res = await exchangeCode(server, client, callback, prepared, {});
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, res);
    const { claims } = await verifyAccessToken(server, tokens.access_token, MCP);
    expect(claims.aud).toBe(MCP);
  });
});
