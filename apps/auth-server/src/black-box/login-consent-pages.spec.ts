import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  authorizeInBrowser,
  AuthServer,
  BACKENDS,
  Browser,
  expectPage,
  expectRedirect,
  isConsentPage,
  isLoginPage,
  openLoginPage,
  Page,
  readForm,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

const XSS_NAME = '<script>alert(1)</script>';

/** The pages a person sees: CSRF, browser binding, escaping, security headers, login throttling. */
describe.each(BACKENDS)('auth-server black box on %s: login and consent pages', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server, { client_name: XSS_NAME });
  }, 60_000);
  afterAll(async () => server?.stop());

  function expectSecurityHeaders(page: Page) {
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  }

  /** A browser sitting on the consent page, logged in as alice. */
  async function atConsent(prompt = 'consent'): Promise<{ browser: Browser; consent: Page; state: string }> {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read', prompt });
    const login = await openLoginPage(browser, prepared.url);
    const consent = expectPage(await browser.submit(login, USERS.alice));
    expect(isConsentPage(consent)).toBe(true);
    return { browser, consent, state: prepared.state };
  }

  async function postConsent(browser: Browser, consent: Page, fields: Record<string, string>) {
    const form = readForm(consent.html);
    return browser.postForm(new URL(form.action, consent.url), fields);
  }

  it("lets the page's forms end at the client: CSP form-action names 'self' and the redirect URI's origin, nothing else", async () => {
    // Browsers apply form-action to the redirect that follows Allow/Deny; without the
    // client's origin there, the person would be stuck on the consent page.
    const { consent } = await atConsent();
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const origin = new URL(prepared.redirectUri).origin;
    const csp = consent.headers.get('content-security-policy') ?? '';
    const formAction = /form-action ([^;]*)/.exec(csp)?.[1].trim().split(/\s+/);
    expect(formAction).toEqual(["'self'", origin]);
  });

  it('warns on the consent page when a self-registered application only returns to localhost', async () => {
    // MCP security considerations, "Localhost Redirect URI Risks".
    const { consent } = await atConsent();
    expect(consent.html).toMatch(/class="warning"[^>]*>[^<]*localhost/);
    const web = await registerPublicClient(server, { client_name: 'Web app', redirect_uris: ['https://app.example/cb'], application_type: 'web' });
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client: web, scope: 'sentiment:read', redirectUri: 'https://app.example/cb', prompt: 'consent' });
    const login = await openLoginPage(browser, prepared.url);
    const page = expectPage(await browser.submit(login, USERS.alice));
    expect(isConsentPage(page)).toBe(true);
    expect(page.html).not.toContain('class="warning"');
  });

  it('marks the scopes a step-up adds as new on the consent page', async () => {
    const stepper = await registerPublicClient(server, { client_name: 'Stepper' });
    const browser = new Browser(server.issuer);
    const first = await authorizationUrl(server, { client: stepper, scope: 'sentiment:read' });
    await authorizeInBrowser(browser, first.url, USERS.alice);
    const wider = await authorizationUrl(server, { client: stepper, scope: 'sentiment:read watchlist:read' });
    const page = expectPage(await browser.navigate(wider.url));
    expect(isConsentPage(page)).toBe(true);
    const items = page.html.split('<li class="scope">').slice(1);
    const marked = items.filter((item) => item.includes('class="new"')).map((item) => /<code>([^<]+)<\/code>/.exec(item)?.[1]);
    expect(marked).toEqual(['watchlist:read']);
  });

  it('escapes a hostile client_name on the login and consent pages, with CSP and no caching', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const login = await openLoginPage(browser, prepared.url);
    expectSecurityHeaders(login);
    expect(login.html).not.toContain(XSS_NAME);
    expect(login.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(login.html).not.toMatch(/<script/i);

    const consent = expectPage(await browser.submit(login, USERS.alice));
    expect(isConsentPage(consent)).toBe(true);
    expectSecurityHeaders(consent);
    expect(consent.html).not.toContain(XSS_NAME);
    expect(consent.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(consent.html).not.toMatch(/<script/i);
    // The consent page names the resource and describes the scope.
    expect(consent.html).toContain('http://localhost:3000/mcp');
    expect(consent.html).toContain('sentiment:read');
  });

  it('consent POST without a csrf_token: 403 and no code', async () => {
    const { browser, consent } = await atConsent();
    const res = await postConsent(browser, consent, { decision: 'approve' });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).not.toContain('code=');
  });

  it('consent POST with a wrong csrf_token: 403 and no code; the real form still works after', async () => {
    const { browser, consent, state } = await atConsent();
    const res = await postConsent(browser, consent, { decision: 'approve', csrf_token: 'A'.repeat(32) });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    await res.arrayBuffer();

    const callback = expectRedirect(await browser.submit(consent, { decision: 'approve' }));
    const params = oauth.validateAuthResponse(server.as, client, callback, state);
    expect(params.get('code')).toBeTruthy();
  });

  it('consent POST from a different browser (no pc_browser cookie) is refused', async () => {
    const { consent } = await atConsent();
    const form = readForm(consent.html);
    const res = await fetch(new URL(form.action, consent.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.hidden, decision: 'approve' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    await res.arrayBuffer();
  });

  it("consent POST from another person's browser (its own cookies, stolen csrf_token) is refused", async () => {
    const { consent } = await atConsent();
    const attacker = new Browser(server.issuer);
    // The attacker has a browser cookie and a session of their own.
    const own = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const login = await openLoginPage(attacker, own.url);
    await attacker.submit(login, USERS.bob);
    expect(attacker.cookie('pc_browser')).toBeTruthy();

    const nav = await attacker.submit(consent, { decision: 'approve' });
    const page = expectPage(nav);
    expect(page.status).toBe(400);
  });

  it('login POST without a csrf_token: 403', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const login = await openLoginPage(browser, prepared.url);
    const res = await browser.postForm(new URL(readForm(login.html).action, login.url), USERS.alice);
    expect(res.status).toBe(403);
    expect(browser.cookie('pc_session')).toBeUndefined();
    await res.arrayBuffer();
  });

  it('wrong password: 401 and the login form again, the username kept and escaped', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const login = await openLoginPage(browser, prepared.url);
    const again = expectPage(await browser.submit(login, { username: 'bob', password: 'not-bobs-password' }));
    expect(again.status).toBe(401);
    expect(isLoginPage(again)).toBe(true);
    expectSecurityHeaders(again);
    expect(again.html).not.toContain('not-bobs-password');
    expect(browser.cookie('pc_session')).toBeUndefined();

    const unknown = expectPage(await browser.submit(again, { username: '"><img src=x>', password: 'whatever' }));
    expect(unknown.status).toBe(401);
    expect(unknown.html).not.toContain('<img src=x>');

    // The right password still works from the same page.
    const consent = expectPage(await browser.submit(unknown, USERS.bob));
    expect(isConsentPage(consent)).toBe(true);
  });

  it('five wrong passwords slow the account down, never lock it: the fifth page says how long to wait', async () => {
    // Growing delays per account and address (login-throttle.spec.ts has the whole behaviour).
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    let page = await openLoginPage(browser, prepared.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      page = expectPage(await browser.submit(page, { username: USERS.carol.username, password: `wrong-${i}` }));
      statuses.push(page.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(isLoginPage(page)).toBe(true);
    expect(page.html).toMatch(/Wait 1 second before trying again/);
    expect(page.headers.get('retry-after')).toBe('1');
    expect(browser.cookie('pc_session')).toBeUndefined();
  });

  it('an unknown interaction id: a 400 page, never a 500', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    const login = await openLoginPage(browser, prepared.url);
    const bogus = new URL(login.url);
    bogus.pathname = bogus.pathname.replace(/[^/]+$/, 'A'.repeat(32));
    const page = expectPage(await browser.navigate(bogus));
    expect(page.status).toBe(400);
    const weird = expectPage(await browser.navigate(new URL(bogus.pathname.replace(/[^/]+$/, '%00%ff..'), server.issuer)));
    expect(weird.status).toBeGreaterThanOrEqual(400);
    expect(weird.status).toBeLessThan(500);
  });
});
