import { writeFileSync } from 'node:fs';
import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  AuthServer,
  BACKENDS,
  Browser,
  EventSink,
  exchangeCode,
  expectPage,
  expectRedirect,
  freePort,
  isConsentPage,
  MCP,
  openLoginPage,
  PreparedAuthorization,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
  startUpstreamIdp,
  UPSTREAM_CLIENT,
  upstreamClient,
  UpstreamIdp,
  writeConnectionsFile,
  verifyAccessToken,
} from '@portcullis/testing';
import { providerLink, rowCount, throughIdp } from './harness/upstream-sign-in';
import { admin, adminTokens, ROOT } from './harness/admin-api';

/**
 * Issue 12: sign in with an upstream OpenID Provider. A real one (panva's oidc-provider, its
 * own keys and pages) plays the organisation's IdP; every path from "Continue with …" back to
 * our consent page, and every way that trip can go wrong, each with its page and its event.
 */
describe.each(BACKENDS)('auth-server black box on %s: sign-in with an upstream OpenID Provider', (backend) => {
  let sink: EventSink;
  let idp: UpstreamIdp;
  /** A second IdP, stopped halfway through a sign-in by one test. */
  let flaky: UpstreamIdp;
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    sink = await new EventSink().start();
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    idp = await startUpstreamIdp([upstreamClient(issuer, ['acme', 'acme-staff'])]);
    flaky = await startUpstreamIdp([upstreamClient(issuer, ['flaky'])]);
    const secretFile = writeConnectionsFile([]).replace(/connections\.json$/, 'secret');
    writeFileSync(secretFile, `${UPSTREAM_CLIENT.secret}\n`);
    const connections = writeConnectionsFile([
      { id: 'acme', display_name: 'Acme SSO', issuer: idp.issuer, client_id: UPSTREAM_CLIENT.id, client_secret: { env: 'ACME_OIDC_SECRET' } },
      {
        id: 'acme-staff',
        display_name: 'Acme Staff',
        issuer: idp.issuer,
        client_id: UPSTREAM_CLIENT.id,
        client_secret: { file: secretFile },
        allowed_email_domains: ['acme.test'],
      },
      { id: 'flaky', display_name: 'Flaky Inc', issuer: flaky.issuer, client_id: UPSTREAM_CLIENT.id, client_secret: { env: 'ACME_OIDC_SECRET' } },
      // Nothing listens there: the IdP is down (and was at start).
      { id: 'down', display_name: 'Down Corp', issuer: `http://127.0.0.1:${await freePort()}`, client_id: 'x', client_secret: { env: 'ACME_OIDC_SECRET' } },
    ]);
    server = await startAuthServer(
      backend,
      {
        AUDIT_INGEST_URL: sink.url,
        AUDIT_REJECTION_WINDOW_SECONDS: '1',
        OIDC_CONNECTIONS_FILE: connections,
        OIDC_ALLOW_HTTP: 'true',
        ACME_OIDC_SECRET: UPSTREAM_CLIENT.secret,
        BOOTSTRAP_USERS: `${ROOT.username}:${ROOT.password}:admin`,
      },
      { port },
    );
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await idp?.stop();
    await flaky?.stop();
    await sink?.stop();
  });

  afterEach(() => {
    // Events say which connection vouched, never what it sent: no ID token, no code.
    for (const body of sink.bodies) expect(body).not.toMatch(/eyJ[\w-]+\.eyJ|"code"|id_token/);
  });

  /** A fresh browser on our login page, then off to the IdP through `connection`; the IdP's authorization URL. */
  async function toIdp(name = 'Acme SSO', prompt?: string): Promise<{ browser: Browser; prepared: PreparedAuthorization; authorize: URL }> {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read', prompt });
    const login = await openLoginPage(browser, prepared.url);
    const authorize = expectRedirect(await browser.navigate(providerLink(login.html, name)));
    return { browser, prepared, authorize };
  }

  async function failure(reason: string, connection = 'acme') {
    return sink.waitFor((e) => e.type === 'auth.federated_login.failed' && e.data['reason'] === reason && e.data['connection_id'] === connection);
  }

  it('shows "Continue with …" for each connection beside the password form', async () => {
    const page = await openLoginPage(new Browser(server.issuer), (await authorizationUrl(server, { client })).url);
    expect(page.html).toContain('Continue with Acme SSO');
    expect(page.html).toContain('Continue with Acme Staff');
    expect(page.html).toContain('name="password"');
  });

  it('signs a person in through the IdP: PKCE, state, nonce and iss upstream, then our consent, a code and a token for a local user', async () => {
    const { browser, prepared, authorize } = await toIdp();
    expect(authorize.origin).toBe(idp.issuer);
    const sent = authorize.searchParams;
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('redirect_uri')).toBe(`${server.issuer}/federation/acme/callback`);
    expect(sent.get('scope')).toBe('openid email profile');
    for (const p of ['state', 'nonce', 'code_challenge']) expect(sent.get(p)?.length).toBeGreaterThanOrEqual(43);
    expect(sent.has('prompt')).toBe(false);
    const callback = await throughIdp(browser, authorize, 'alice@acme.test');
    // RFC 9207: the IdP names itself in its response; we check it.
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    const consent = expectPage(await browser.navigate(callback));
    expect(isConsentPage(consent)).toBe(true);
    expect(consent.html).toContain('acme/alice@acme.test');
    const back = expectRedirect(await browser.submit(consent, { decision: 'approve' }));
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, back, prepared));
    const { claims } = await verifyAccessToken(server, tokens.access_token, MCP);
    const login = await sink.waitFor((e) => e.type === 'auth.login.succeeded' && e.data['username'] === 'acme/alice@acme.test');
    expect(login.data).toMatchObject({ connection_id: 'acme', provisioned: true, client_id: client.client_id });
    expect(claims.sub).toBe(login.data['subject']);
    expect(await rowCount(server, 'federated_login_attempts')).toBe(0);
  });

  it('links the next sign-in to the same user by (issuer, subject), through either connection of that issuer', async () => {
    const before = await rowCount(server, 'users');
    for (const name of ['Acme SSO', 'Acme Staff']) {
      const { browser, authorize } = await toIdp(name);
      const consent = expectPage(await browser.navigate(await throughIdp(browser, authorize, 'alice@acme.test')));
      expect(isConsentPage(consent)).toBe(true);
      expect(consent.html).toContain('acme/alice@acme.test');
    }
    expect(await rowCount(server, 'users')).toBe(before);
    // The relay delivers events asynchronously: waited for, not read at once.
    const again = await sink.waitFor((e) => e.type === 'auth.login.succeeded' && e.data['username'] === 'acme/alice@acme.test' && e.data['connection_id'] === 'acme-staff');
    expect(again.data).toMatchObject({ provisioned: false });
  });

  it('passes prompt=login upstream: a client asking for a fresh login gets one at the IdP too', async () => {
    const { authorize } = await toIdp('Acme SSO', 'login');
    expect(authorize.searchParams.get('prompt')).toBe('login');
  });

  it('a federated user has no password: the password form refuses their name whatever is typed', async () => {
    const browser = new Browser(server.issuer);
    const login = await openLoginPage(browser, (await authorizationUrl(server, { client })).url);
    const page = expectPage(await browser.submit(login, { username: 'acme/alice@acme.test', password: '!federated' }));
    expect(page.status).toBe(401);
  });

  it('a replayed callback: a clear page, auth.federated_login.failed unknown_state, and no second session', async () => {
    const { browser, authorize } = await toIdp();
    const callback = await throughIdp(browser, authorize, 'bob@acme.test');
    expect(isConsentPage(expectPage(await browser.navigate(callback)))).toBe(true);
    const replay = expectPage(await new Browser(server.issuer).navigate(callback));
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('already used or expired');
    const again = expectPage(await browser.navigate(callback));
    expect(again.status).toBe(400);
    await failure('unknown_state');
  });

  it('a callback carried to another browser (login CSRF): refused, and the attempt is burnt for the first browser too', async () => {
    const { browser, authorize } = await toIdp();
    const callback = await throughIdp(browser, authorize, 'mallory@acme.test');
    const users = await rowCount(server, 'users');
    const stolen = expectPage(await new Browser(server.issuer).navigate(callback));
    expect(stolen.status).toBe(400);
    expect(stolen.html).toContain('started in another browser');
    await failure('browser_mismatch');
    expect(expectPage(await browser.navigate(callback)).status).toBe(400);
    expect(await rowCount(server, 'users')).toBe(users);
  });

  it('a denied sign-in at the IdP (access_denied): a page with the way back to our login page, and the event with the IdP error', async () => {
    const { browser, authorize } = await toIdp();
    const callback = await throughIdp(browser, authorize, '', true);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const page = expectPage(await browser.navigate(callback));
    expect(page.status).toBe(400);
    expect(page.html).toContain('could not sign you in');
    const event = await failure('idp_error');
    expect(event.data).toMatchObject({ error: 'access_denied' });
    const retry = /<a href="([^"]*)" id="retry">/.exec(page.html)?.[1] ?? '';
    expect(expectPage(await browser.navigate(retry)).html).toContain('Continue with Acme SSO');
  });

  it('a hostile error in the callback: never echoed on the page, capped in the event', async () => {
    const { browser, authorize } = await toIdp();
    const callback = await throughIdp(browser, authorize, 'hostile@acme.test');
    const hostile = `<script>alert(1)</script>${'x'.repeat(300)}`;
    const forged = new URL(callback.pathname, callback);
    forged.search = new URLSearchParams({ error: hostile, error_description: hostile, state: callback.searchParams.get('state') ?? '', iss: idp.issuer }).toString();
    const page = expectPage(await browser.navigate(forged));
    expect(page.status).toBe(400);
    expect(page.html).not.toContain('<script>alert');
    const event = await sink.waitFor((e) => e.type === 'auth.federated_login.failed' && String(e.data['error'] ?? '').startsWith('<script>'));
    expect(String(event.data['error'])).toHaveLength(64);
  });

  it('a response naming another issuer (RFC 9207 mix-up): refused before any code exchange, no user created', async () => {
    const { browser, authorize } = await toIdp();
    const callback = await throughIdp(browser, authorize, 'mixup@acme.test');
    callback.searchParams.set('iss', 'https://attacker.example');
    const users = await rowCount(server, 'users');
    expect(expectPage(await browser.navigate(callback)).status).toBe(400);
    await failure('invalid_response');
    expect(await rowCount(server, 'users')).toBe(users);
  });

  it('an ID token with another nonce: refused, no user and no identity created', async () => {
    const { browser, authorize } = await toIdp();
    authorize.searchParams.set('nonce', 'a-nonce-the-attacker-chose-0000000000000000');
    const callback = await throughIdp(browser, authorize, 'nonce@acme.test');
    const [users, identities] = [await rowCount(server, 'users'), await rowCount(server, 'federated_identities')];
    const page = expectPage(await browser.navigate(callback));
    expect(page.status).toBe(400);
    expect(page.html).toContain('did not pass our checks');
    await sink.waitUntil((events) => events.filter((e) => e.type === 'auth.federated_login.failed' && e.data['reason'] === 'invalid_response').length >= 2);
    expect([await rowCount(server, 'users'), await rowCount(server, 'federated_identities')]).toEqual([users, identities]);
  });

  it('a state nobody issued: refused as unknown', async () => {
    const res = await fetch(`${server.issuer}/federation/acme/callback?code=x&state=${'A'.repeat(43)}&iss=${encodeURIComponent(idp.issuer)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('already used or expired');
  });

  it('a flood of forged callbacks is counted in the audit trail, not stored one event each', async () => {
    const failures = () => sink.ofType('auth.federated_login.failed').filter((e) => e.data['reason'] === 'unknown_state');
    const weight = () => failures().reduce((n, e) => n + Number(e.data['count'] ?? 1), 0);
    await new Promise((r) => setTimeout(r, 1500)); // the earlier tests' window ends
    const [before, eventsBefore] = [weight(), failures().length];
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${server.issuer}/federation/acme/callback?code=x&state=forged-${i}`)).status).toBe(400);
    }
    await sink.waitUntil(() => weight() >= before + 20);
    expect(weight()).toBe(before + 20);
    expect(failures().length - eventsBefore).toBeLessThanOrEqual(3);
  });

  it('refuses a person an operator disabled: a clear page and account_disabled; their password reset is refused too', async () => {
    const first = await toIdp();
    expect(isConsentPage(expectPage(await first.browser.navigate(await throughIdp(first.browser, first.authorize, 'dan@acme.test'))))).toBe(true);
    const token = (await adminTokens(server, ROOT)).access_token;
    const dan = (await admin(server, token, 'GET', '/admin/users?q=dan@acme')).body.items?.[0] as { id: string; federated: boolean };
    expect(dan.federated).toBe(true);
    expect((await admin(server, token, 'POST', `/admin/users/${dan.id}/password`, { password: 'a-password-here' })).status).toBe(409);
    expect((await admin(server, token, 'POST', `/admin/users/${dan.id}/disable`)).status).toBe(200);
    const again = await toIdp();
    const page = expectPage(await again.browser.navigate(await throughIdp(again.browser, again.authorize, 'dan@acme.test')));
    expect(page.status).toBe(403);
    expect(page.html).toContain('This account is disabled');
    await failure('account_disabled');
  });

  it('allowed_email_domains: another domain is refused, an unverified email is refused, a verified one of the domain passes', async () => {
    for (const [login, reason, status] of [
      ['eve@evil.test', 'email_domain_not_allowed', 403],
      ['unverified@acme.test', 'email_not_verified', 403],
    ] as const) {
      const { browser, authorize } = await toIdp('Acme Staff');
      const page = expectPage(await browser.navigate(await throughIdp(browser, authorize, login)));
      expect(page.status).toBe(status);
      await failure(reason, 'acme-staff');
    }
    const { browser, authorize } = await toIdp('Acme Staff');
    expect(isConsentPage(expectPage(await browser.navigate(await throughIdp(browser, authorize, 'carol@acme.test'))))).toBe(true);
  });

  it('the IdP down: a clear 502 page and idp_unreachable, and the rest of the server unaffected', async () => {
    const browser = new Browser(server.issuer);
    const login = await openLoginPage(browser, (await authorizationUrl(server, { client })).url);
    const page = expectPage(await browser.navigate(providerLink(login.html, 'Down Corp')));
    expect(page.status).toBe(502);
    expect(page.html).toContain('could not be reached');
    await failure('idp_unreachable', 'down');
    expect((await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).status).toBe(200);
  });

  it('the IdP going down mid-sign-in (after its login, before our code exchange): 502, idp_unreachable, no user', async () => {
    const { browser, authorize } = await toIdp('Flaky Inc');
    const callback = await throughIdp(browser, authorize, 'gone@flaky.test');
    await flaky.stop();
    const users = await rowCount(server, 'users');
    const page = expectPage(await browser.navigate(callback));
    expect(page.status).toBe(502);
    expect(page.html).toContain('could not be reached');
    await failure('idp_unreachable', 'flaky');
    expect(await rowCount(server, 'users')).toBe(users);
  });

  it('refuses a start without the interaction CSRF token, and an unknown connection', async () => {
    const browser = new Browser(server.issuer);
    const login = await openLoginPage(browser, (await authorizationUrl(server, { client })).url);
    const link = new URL(providerLink(login.html, 'Acme SSO'));
    link.searchParams.set('csrf_token', 'forged');
    expect(expectPage(await browser.navigate(link)).status).toBe(403);
    expect((await fetch(`${server.issuer}/federation/nope/callback?state=x`)).status).toBe(404);
  });
});
