import {
  AuthServer,
  BACKENDS,
  Browser,
  codeFlow,
  expectPage,
  introspect,
  isConsentPage,
  isLoginPage,
  MCP,
  oauthError,
  openLoginPage,
  Page,
  Person,
  readForm,
  refresh,
  RegisteredClient,
  registerPublicClient,
  resourceServerClient,
  authorizationUrl,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

const XSS_NAME = '<img src=x onerror=alert(1)>Notes';

/**
 * The account page as a browser meets it: sign-in required (and back to /account, nowhere
 * else), the person's applications and nobody else's, forms that need the session's token,
 * and a revocation that really ends the application's tokens.
 */
describe.each(BACKENDS)('auth-server black box on %s: the account page', (backend) => {
  let server: AuthServer;
  let notes: RegisteredClient;
  let other: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    notes = await registerPublicClient(server, { client_name: XSS_NAME });
    other = await registerPublicClient(server, { client_name: "Bob's calendar" });
  }, 60_000);
  afterAll(async () => server?.stop());

  const accountUrl = () => `${server.issuer}/account`;

  /** A browser signed in on the account page as `person`, and that page. */
  async function signedIn(person: Person): Promise<{ browser: Browser; page: Page }> {
    const browser = new Browser(server.issuer);
    const login = expectPage(await browser.navigate(accountUrl()));
    expect(isLoginPage(login)).toBe(true);
    const page = expectPage(await browser.submit(login, { username: person.username, password: person.password }));
    expect(page.url).toBe(accountUrl());
    return { browser, page };
  }

  /** `person` connects `client` (login, consent, code exchange): its tokens and grant id. */
  async function connect(person: Person, client: RegisteredClient) {
    const { tokens } = await codeFlow(server, new Browser(server.issuer), client, person, { scope: 'sentiment:read offline_access', prompt: 'consent' });
    return tokens;
  }

  /** The revoke form of the first (newest) row naming `clientId`, as the page has it. */
  function revokeForm(page: Page, clientId: string) {
    const row = page.html.split('<tr role="row">').find((r) => r.includes(`<code class="id">${clientId}</code>`));
    if (!row) throw new Error(`no row for ${clientId}`);
    const form = readForm(row);
    return { ...form, action: new URL(form.action, page.url).href, grantId: /\/grants\/([^/]+)\/revoke$/.exec(form.action)?.[1] ?? '' };
  }

  function expectStrictHtml(page: Page | Response) {
    const headers = 'headers' in page ? page.headers : (page as Page).headers;
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers.get('cache-control')).toBe('no-store');
  }

  it('not signed in: /account leads to the sign-in page, and signing in there comes back to /account', async () => {
    const browser = new Browser(server.issuer);
    const first = await browser.request(accountUrl());
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`${accountUrl()}/login`);
    await first.arrayBuffer();
    const login = expectPage(await browser.navigate(`${accountUrl()}/login`));
    expectStrictHtml(login);
    expect(isLoginPage(login)).toBe(true);
    expect(login.html).not.toMatch(/<script/i);
    // A return address in the query is not a thing here: the sign-in still ends at /account.
    const form = readForm(login.html);
    const res = await browser.postForm(new URL(form.action, login.url), { ...form.hidden, ...USERS.alice, return_to: 'https://evil.example/' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(accountUrl());
    await res.arrayBuffer();
    const page = expectPage(await browser.navigate(accountUrl()));
    expect(page.status).toBe(200);
    expect(page.html).toContain('Signed in as <strong>alice</strong>');
  });

  it('a session from signing in to an application opens the account page too, and the consent page links to it', async () => {
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client: other, scope: 'sentiment:read', prompt: 'consent' });
    const login = await openLoginPage(browser, prepared.url);
    const consent = expectPage(await browser.submit(login, USERS.bob));
    expect(isConsentPage(consent)).toBe(true);
    expect(consent.html).toContain(`href="${accountUrl()}" id="account-link"`);
    const page = expectPage(await browser.navigate(accountUrl()));
    expect(page.html).toContain('Signed in as <strong>bob</strong>');
  });

  it('a wrong password on the account sign-in page: 401, the page again, no session', async () => {
    const browser = new Browser(server.issuer);
    const login = expectPage(await browser.navigate(`${accountUrl()}/login`));
    const nav = await browser.submit(login, { username: 'bob', password: 'not-the-password' });
    const page = expectPage(nav);
    expect(page.status).toBe(401);
    expect(isLoginPage(page)).toBe(true);
    expect(browser.cookie('pc_session')).toBeUndefined();
  });

  it('the sign-in form needs its token: without one, or from another browser, 403', async () => {
    const browser = new Browser(server.issuer);
    const login = expectPage(await browser.navigate(`${accountUrl()}/login`));
    const form = readForm(login.html);
    const noToken = await browser.postForm(new URL(form.action, login.url), USERS.alice);
    expect(noToken.status).toBe(403);
    const elsewhere = await new Browser(server.issuer).postForm(new URL(form.action, login.url), { ...form.hidden, ...USERS.alice });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.getSetCookie().some((c) => c.startsWith('pc_session='))).toBe(false);
  });

  it("lists the person's applications, escaped, with scopes described, the resource and dates, and nobody else's", async () => {
    await connect(USERS.alice, notes);
    await connect(USERS.bob, other);
    const { page } = await signedIn(USERS.alice);
    expectStrictHtml(page);
    expect(page.html).not.toMatch(/<script|<img/i);
    expect(page.html).toContain('&#60;img src&#61;x onerror&#61;alert(1)&#62;Notes');
    expect(page.html).toContain('Read aggregated news sentiment for stock tickers');
    expect(page.html).toContain(`<code class="id">sentiment:read</code>`);
    expect(page.html).toContain(MCP);
    expect(page.html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
    expect(page.html).toMatch(/<th scope="col" role="columnheader">Last used<\/th>/);
    expect(page.html).not.toContain(other.client_id);
    expect(revokeForm(page, notes.client_id).grantId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an empty account says so', async () => {
    const { page } = await signedIn(USERS.carol);
    expect(page.html).toContain('id="no-applications"');
    expect(page.html).not.toContain('<table');
  });

  it('revoking needs the CSRF token bound to this session: none, a wrong one or another session\'s is 403 and nothing is revoked', async () => {
    const tokens = await connect(USERS.alice, notes);
    const alice = await signedIn(USERS.alice);
    const form = revokeForm(alice.page, notes.client_id);
    const other = await signedIn(USERS.alice);
    const otherToken = revokeForm(other.page, notes.client_id).hidden.csrf_token;
    expect(otherToken).not.toBe(form.hidden.csrf_token);
    for (const fields of [{ confirm: 'yes' }, { confirm: 'yes', csrf_token: 'A'.repeat(43) }, { confirm: 'yes', csrf_token: otherToken }] as Record<string, string>[]) {
      const res = await alice.browser.postForm(form.action, fields);
      expect(res.status).toBe(403);
      expectStrictHtml(res);
      await res.arrayBuffer();
    }
    expect((await refresh(server, notes, String(tokens.refresh_token))).status).toBe(200);
  });

  it("another person's grant, an unknown id or a malformed one: 404, and the owner's grant stays", async () => {
    const tokens = await connect(USERS.alice, notes);
    const alice = await signedIn(USERS.alice);
    const grantIds = alice.page.html.match(/\/grants\/[0-9a-f-]{36}\/revoke/g) ?? [];
    expect(grantIds.length).toBeGreaterThan(0);
    const bob = await signedIn(USERS.bob);
    const bobToken = readForm(bob.page.html).hidden.csrf_token;
    for (const path of [...grantIds, '/grants/00000000-0000-4000-8000-000000000000/revoke', "/grants/x'%20OR%201%3D1/revoke"]) {
      for (const fields of [{ csrf_token: bobToken }, { csrf_token: bobToken, confirm: 'yes' }] as Record<string, string>[]) {
        const res = await bob.browser.postForm(`${accountUrl()}${path}`, fields);
        expect(res.status).toBe(404);
        await res.arrayBuffer();
      }
    }
    expect((await refresh(server, notes, String(tokens.refresh_token))).status).toBe(200);
    expect(expectPage(await alice.browser.navigate(accountUrl())).html.match(/\/grants\/[0-9a-f-]{36}\/revoke/g)).toEqual(grantIds);
  });

  it('bad input: a repeated field or an unknown confirmation is 400; a revoke without a session is 401', async () => {
    await connect(USERS.alice, notes);
    const alice = await signedIn(USERS.alice);
    const form = revokeForm(alice.page, notes.client_id);
    const twice = await alice.browser.postForm(form.action, [
      ['csrf_token', form.hidden.csrf_token],
      ['csrf_token', form.hidden.csrf_token],
    ]);
    expect(twice.status).toBe(400);
    const maybe = await alice.browser.postForm(form.action, { ...form.hidden, confirm: 'maybe' });
    expect(maybe.status).toBe(400);
    const anonymous = await new Browser(server.issuer).postForm(form.action, { ...form.hidden, confirm: 'yes' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('location')).toBeNull();
    // Longer than any grant id: no such grant; far longer: the server's URL cap.
    const longer = await alice.browser.postForm(`${accountUrl()}/grants/${'a'.repeat(90)}/revoke`, form.hidden);
    expect(longer.status).toBe(404);
    const tooLong = await alice.browser.postForm(`${accountUrl()}/grants/${'a'.repeat(5000)}/revoke`, form.hidden);
    expect(tooLong.status).toBe(414);
  });

  it('revoke: a confirmation, then the application is gone, its refresh token gets invalid_grant and its access token is inactive', async () => {
    const tokens = await connect(USERS.alice, notes);
    const alice = await signedIn(USERS.alice);
    // The newest grant (this connection) is listed first.
    const form = revokeForm(alice.page, notes.client_id);
    const before = (alice.page.html.match(/\/grants\/[0-9a-f-]{36}\/revoke/g) ?? []).length;
    const confirm = expectPage(await alice.browser.settle(await alice.browser.postForm(form.action, form.hidden), form.action));
    expect(confirm.status).toBe(200);
    expectStrictHtml(confirm);
    expect(confirm.html).toContain('Revoke access');
    // Nothing changed yet: the confirmation is only a page.
    expect((await introspect(server, resourceServerClient('mcp'), tokens.access_token)).active).toBe(true);

    const done = await alice.browser.postForm(new URL(readForm(confirm.html).action, confirm.url), { ...readForm(confirm.html).hidden });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${accountUrl()}?revoked=1`);
    await done.arrayBuffer();
    const after = expectPage(await alice.browser.navigate(`${accountUrl()}?revoked=1`));
    expect(after.html).toContain('role="status"');
    expect((after.html.match(/\/grants\/[0-9a-f-]{36}\/revoke/g) ?? []).length).toBe(before - 1);
    expect(after.html).not.toContain(`/grants/${form.grantId}/revoke`);

    const refused = await oauthError(await refresh(server, notes, String(tokens.refresh_token)));
    expect(refused).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await introspect(server, resourceServerClient('mcp'), tokens.access_token)).active).toBe(false);
    // Posting the same revocation again: the grant is no longer there.
    const again = await alice.browser.postForm(form.action, { ...form.hidden, confirm: 'yes' });
    expect(again.status).toBe(404);
  });

  it('sign-out needs the token, then ends the session: /account asks to sign in again', async () => {
    const { browser, page } = await signedIn(USERS.bob);
    const signOut = readForm(page.html);
    expect(signOut.action).toBe(`${accountUrl()}/logout`);
    const forged = await browser.postForm(signOut.action, {});
    expect(forged.status).toBe(403);
    await forged.arrayBuffer();
    const out = expectPage(await browser.submit(page, {}));
    expect(out.status).toBe(200);
    expect(out.html).toContain('Signed out');
    const res = await browser.request(accountUrl());
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${accountUrl()}/login`);
  });
});
