import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { type Browser, chromium, type Page } from 'playwright-core';
import {
  authorizationUrl,
  AuthServer,
  EventSink,
  exchangeCode,
  freePort,
  MCP,
  Browser as HttpBrowser,
  expectPage,
  RegisteredClient,
  registerPublicClient,
  USERS,
  startAuthServer,
  startUpstreamIdp,
  UPSTREAM_CLIENT,
  upstreamClient,
  UpstreamIdp,
  writeConnectionsFile,
  verifyAccessToken,
} from '@portcullis/testing';
import { providerLink } from './harness/upstream-sign-in';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Issue 12 in a real browser: Debian's Chromium signs a person in through the upstream IdP
 * (oidc-provider, on `localhost`, another site than our 127.0.0.1 as a real IdP is) — our login
 * page, "Continue with …", the IdP's own login and consent, back, our consent, the code, the
 * token — once beside the password form and once with passwords switched off.
 */
describe.each([
  ['beside the password form', 'true'],
  ['with password sign-in switched off', 'false'],
])('auth-server black box in Chromium: sign-in through an upstream IdP, %s', (_label, passwordLogin) => {
  let sink: EventSink;
  let idp: UpstreamIdp;
  let server: AuthServer;
  let client: RegisteredClient;
  let browser: Browser;
  let app: Server;
  let appOrigin: string;

  beforeAll(async () => {
    sink = await new EventSink().start();
    const port = await freePort();
    idp = await startUpstreamIdp([upstreamClient(`http://127.0.0.1:${port}`, ['acme'])], 'localhost');
    const connections = writeConnectionsFile([{ id: 'acme', display_name: 'Acme SSO', issuer: idp.issuer, client_id: UPSTREAM_CLIENT.id, client_secret: { env: 'ACME_OIDC_SECRET' } }]);
    server = await startAuthServer(
      'sqlite',
      { AUDIT_INGEST_URL: sink.url, OIDC_CONNECTIONS_FILE: connections, OIDC_ALLOW_HTTP: 'true', ACME_OIDC_SECRET: UPSTREAM_CLIENT.secret, PASSWORD_LOGIN: passwordLogin },
      { port },
    );
    client = await registerPublicClient(server, { client_name: 'Chromium Desk' });
    // The client's loopback redirect URI (any port, RFC 8252 §7.3): a page that says "done".
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('done'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await new Promise((resolve) => app?.close(resolve));
    await server?.stop();
    await idp?.stop();
    await sink?.stop();
  });

  async function clickAndWait(page: Page, selector: string): Promise<void> {
    await Promise.all([page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 10_000 }), page.click(selector)]);
    await page.waitForLoadState('load');
  }

  it('goes from our login page through the IdP and back to our consent, then to a code and a token', async () => {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read', redirectUri: `${appOrigin}/callback` });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(prepared.url.href, { waitUntil: 'load' });
      expect(await page.locator('input[name="password"]').count()).toBe(passwordLogin === 'true' ? 1 : 0);
      await clickAndWait(page, 'a.provider:has-text("Continue with Acme SSO")');
      // The IdP's own login page (devInteractions), on its own site.
      expect(new URL(page.url()).origin).toBe(idp.issuer);
      await page.fill('input[name="login"]', 'dana@acme.test');
      await page.fill('input[name="password"]', 'whatever the IdP checks');
      await clickAndWait(page, 'button[type="submit"]');
      // The IdP's consent page, then back to us.
      await clickAndWait(page, 'button[type="submit"]');
      await page.waitForURL((url) => url.origin === server.issuer && url.pathname.startsWith('/interaction/'), { timeout: 10_000 });
      expect(await page.locator('body').innerText()).toContain('acme/dana@acme.test');
      await clickAndWait(page, 'button[name="decision"][value="approve"]');
      await page.waitForURL((url) => url.origin === appOrigin, { timeout: 10_000 });
      const callback = new URL(page.url());
      expect(callback.searchParams.get('iss')).toBe(server.issuer);
      const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, callback, prepared));
      const { claims } = await verifyAccessToken(server, tokens.access_token, MCP);
      const login = await sink.waitFor((e) => e.type === 'auth.login.succeeded' && e.data['connection_id'] === 'acme');
      expect(claims.sub).toBe(login.data['subject']);
      expect(login.data).toMatchObject({ username: 'acme/dana@acme.test', provisioned: true });
    } finally {
      await context.close();
    }
  });

  it(`answers a password posted by hand (as a script would) ${passwordLogin === 'true' ? 'as usual' : 'with 403: the switch is enforced, not only hidden'}`, async () => {
    const http = new HttpBrowser(server.issuer);
    const login = expectPage(await http.navigate((await authorizationUrl(server, { client, scope: 'sentiment:read' })).url));
    const start = new URL(providerLink(login.html, 'Acme SSO'));
    const action = `${server.issuer}/interaction/${start.searchParams.get('interaction')}/login`;
    const res = await http.postForm(action, { csrf_token: start.searchParams.get('csrf_token') ?? '', ...USERS.alice });
    expect(res.status).toBe(passwordLogin === 'true' ? 303 : 403);
  });
});
