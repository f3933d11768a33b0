import {
  authorizationUrl,
  AuthServer,
  Browser,
  expectPage,
  isConsentPage,
  isLoginPage,
  openLoginPage,
  Page,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';
import { BrowserAtAddress } from './harness/browser-at-address';

/**
 * Login throttling (issue 9): growing delays per account and address instead of a hard lock.
 * An unknown username is answered and throttled exactly like a known one, nobody can lock a
 * person out from elsewhere, and the page says how long to wait. Each browser connects from its
 * own loopback address, so the server sees distinct clients.
 */
describe('auth-server black box on sqlite: login throttling', () => {
  const DELAY = 60;
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer('sqlite', { LOGIN_MAX_FAILURES: '3', LOGIN_DELAY_SECONDS: String(DELAY), LOGIN_LOCKOUT_SECONDS: '600' });
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  async function loginPageAt(address: string): Promise<{ browser: Browser; page: Page }> {
    const browser = new BrowserAtAddress(server.issuer, address);
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read' });
    return { browser, page: await openLoginPage(browser, prepared.url) };
  }

  /** What the person is told, with the number of seconds made comparable. */
  function alert(page: Page): string {
    return (/role="alert"[^>]*>([^<]*)</.exec(page.html)?.[1] ?? '').replace(/\d+ seconds?/, 'N seconds');
  }

  async function wrongPasswords(address: string, username: string, times: number) {
    const start = await loginPageAt(address);
    const browser = start.browser;
    let page = start.page;
    const seen: { status: number; alert: string; retryAfter: string | null }[] = [];
    for (let i = 0; i < times; i++) {
      page = expectPage(await browser.submit(page, { username, password: `wrong-guess-${i}` }));
      expect(isLoginPage(page)).toBe(true);
      seen.push({ status: page.status, alert: alert(page), retryAfter: page.headers.get('retry-after') && 'set' });
    }
    return { browser, page, seen };
  }

  it('answers an unknown username exactly like a known one, and throttles both', async () => {
    const known = await wrongPasswords('127.0.0.11', USERS.alice.username, 4);
    const unknown = await wrongPasswords('127.0.0.12', 'nobody-by-this-name', 4);
    expect(unknown.seen).toEqual(known.seen);
    expect(known.seen.map((s) => s.status)).toEqual([401, 401, 401, 429]);
  });

  it('says on the page how long to wait, and sends Retry-After', async () => {
    const { page } = await wrongPasswords('127.0.0.13', 'someone-else', 4);
    expect(page.status).toBe(429);
    const wait = Number(/Wait (\d+) seconds? and try again/.exec(page.html)?.[1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(DELAY);
    expect(Number(page.headers.get('retry-after'))).toBe(wait);
  });

  it("does not hold up the right password from another address after an attacker's failures on the same account", async () => {
    const attacker = await wrongPasswords('127.0.0.21', USERS.carol.username, 5);
    expect(attacker.seen.at(-1)?.status).toBe(429);
    // The attacker, even with the right password, waits out the delay.
    expect(expectPage(await attacker.browser.submit(attacker.page, USERS.carol)).status).toBe(429);

    const { browser, page } = await loginPageAt('127.0.0.22');
    const next = expectPage(await browser.submit(page, USERS.carol));
    expect(isConsentPage(next)).toBe(true);
  });

  it('refuses an over-long password or username with 400 before any work, and says the limit', async () => {
    const { browser, page } = await loginPageAt('127.0.0.31');
    const long = expectPage(await browser.submit(page, { username: USERS.alice.username, password: 'p'.repeat(1025) }));
    expect(long.status).toBe(400);
    expect(isLoginPage(long)).toBe(true);
    expect(long.html).toContain('at most 1024');
    const name = expectPage(await browser.submit(long, { username: 'u'.repeat(257), password: 'whatever' }));
    expect(name.status).toBe(400);
    expect(name.html).toContain('at most 256');
  });
});
