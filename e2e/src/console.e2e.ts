import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  type AuthServer,
  authorizationUrl,
  clientCredentials,
  clientCredentialsTokens,
  exchangeCode,
  freePort,
  ingestCredentials,
  refresh,
  registerPublicClient,
  registerTrustedClient,
  type RunningService,
  startAuthServer,
  startService,
  USERS,
} from '@portcullis/testing';

const WORKSPACE = join(__dirname, '../..');
/** Screenshots of every screen, kept as test artifacts (gitignored). */
const SHOTS = join(WORKSPACE, 'test-artifacts/console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** An operator: audit:read and the admin scopes are for the admin role only. */
const PERSON = USERS.root;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * The console in Debian's Chromium against the real auth-server and audit-service processes
 * (dist/): a person opens /console/, signs in through the real login page, reaches the
 * dashboard (its numbers from GET /audit/stats, its own sign-in among them) and the audit
 * explorer, in light and dark mode and at phone width. Every screen is screenshotted and
 * checked by axe-core; the page's strict CSP must never be violated.
 */
describe('the console, end to end in Chromium', () => {
  let dir: string;
  let auth: AuthServer;
  let audit: RunningService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let issuer: string;
  let auditResource: string;
  const cspViolations: string[] = [];
  /** The redirect URI of the clients people authorize here: a loopback page that just answers. */
  let callbackServer: Server;
  let callbackUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const [authPort, auditPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${authPort}`;
    auditResource = `http://127.0.0.1:${auditPort}/audit`;
    const creds = ingestCredentials();
    auth = await startAuthServer(
      'sqlite',
      {
        CONSOLE_DIR: join(WORKSPACE, 'dist/apps/console'),
        AUDIT_RESOURCE_URL: auditResource,
        AUDIT_INGEST_URL: `http://127.0.0.1:${auditPort}/internal/events`,
        AUDIT_INGEST_SECRET: creds.secret.authServer,
      },
      { port: authPort },
    );
    audit = await startService('audit-service', auditPort, {
      ISSUER_URL: issuer,
      RESOURCE_URL: auditResource,
      SQLITE_PATH: join(dir, 'audit.sqlite'),
      AUDIT_INGEST_PRODUCERS: creds.producers,
      BROKER_URL: undefined,
      DATABASE_URL: undefined,
      // Without a broker it polls the auth-server's revocations: often, so a deleted client's
      // token is refused within the test's patience.
      REVOCATIONS_POLL_MS: '500',
    });
    callbackServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('back at the client'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    callbackServer?.close();
    await audit?.stop();
    await auth?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** axe-core in the page (evaluated through the debugger, so the page's CSP stays as it is). */
  async function seriousViolations(on: Page = page): Promise<string[]> {
    await on.evaluate(AXE_SOURCE);
    // A string, evaluated in the page: this file is compiled for Node, without the DOM's types.
    const violations = await on.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`);
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** A screen in a state worth keeping: screenshotted, and without a serious axe violation. */
  async function shootAndCheck(name: string, on: Page = page): Promise<void> {
    await on.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    expect(await seriousViolations(on)).toEqual([]);
  }

  /**
   * A person in a browser of their own (own cookies: the login page every time) through one
   * authorization on the real login and consent pages: where it landed, or the login page's refusal.
   */
  async function signInThrough(authorization: URL, person: { username: string; password: string }, shotIfRefused: string): Promise<{ landed?: URL; refusal?: string }> {
    const own = await browser.newContext({ viewport: { width: 900, height: 820 } });
    try {
      const visit = await own.newPage();
      await visit.goto(authorization.href);
      await visit.fill('input[name="username"]', person.username);
      await visit.fill('input[name="password"]', person.password);
      await Promise.all([visit.waitForNavigation(), visit.click('form button[type="submit"]')]);
      const approve = visit.locator('button[name="decision"][value="approve"]');
      if (!visit.url().startsWith(callbackUrl) && (await approve.count()) > 0) await Promise.all([visit.waitForURL(`${callbackUrl}?**`), approve.click()]);
      if (visit.url().startsWith(callbackUrl)) return { landed: new URL(visit.url()) };
      // Still on the login page: its alert says why.
      await shootAndCheck(shotIfRefused, visit);
      return { refusal: (await visit.getByRole('alert').textContent()) ?? '' };
    } finally {
      await own.close();
    }
  }

  /** The events of `type` the audit API holds, as an auditor client of its own reads them. */
  async function auditEvents<T>(type: string, until: (events: T[]) => boolean): Promise<T[]> {
    const auditor = await registerTrustedClient(auth, { client_name: `console e2e auditor for ${type}`, scope: 'audit:read' });
    const { access_token: token } = await clientCredentialsTokens(auth, auditor, { resource: auditResource, scope: 'audit:read' });
    let events: T[] = [];
    for (let i = 0; i < 60 && !until(events); i++) {
      if (i) await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`${auditResource}/events?type=${type}`, { headers: { authorization: `Bearer ${token}` } });
      events = ((await res.json()) as { events: T[] }).events;
    }
    return events;
  }

  it('shows the sign-in screen, then signs in through the real login page and lands on the dashboard', async () => {
    await page.goto(`${issuer}/console/`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shoot('01-sign-in');
    expect(await seriousViolations()).toEqual([]);

    await Promise.all([page.waitForURL(/\/interaction\//), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.fill('input[name="username"]', PERSON.username);
    await page.fill('input[name="password"]', PERSON.password);
    await Promise.all([page.waitForNavigation(), page.click('form button[type="submit"]')]);
    // One authorization per resource (the audit API, then the admin API): a consent page each,
    // the console's callback sending the browser on to the next authorization in between.
    const approve = page.locator('button[name="decision"][value="approve"]');
    for (let consent = 1; consent <= 3; consent++) {
      await page.locator('h1:text-is("Dashboard"), button[name="decision"][value="approve"]').first().waitFor();
      if ((await approve.count()) === 0) break;
      await shoot(`02-consent-${consent}`);
      await Promise.all([page.waitForNavigation(), approve.click()]);
    }
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(await page.getByText('Loading the Portcullis console').count()).toBe(0);
    // Tokens in memory only: nothing of the sign-in is left in the browser's storage.
    expect(await page.evaluate('({ local: localStorage.length, session: sessionStorage.length })')).toEqual({ local: 0, session: 0 });
  });

  it('draws the dashboard from /audit/stats, with its own sign-in among the tokens issued', async () => {
    // The sign-in's auth.token.issued reaches the audit service through the outbox relay.
    const tokens = page.getByRole('img', { name: 'Tokens issued, by grant type' });
    for (let attempt = 0; ; attempt++) {
      await tokens.waitFor();
      const description = await tokens.locator('desc').textContent();
      if (description && /authorization_code: [1-9]/.test(description)) break;
      if (attempt > 40) throw new Error(`no authorization_code token on the dashboard: ${description}`);
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    expect(await page.getByRole('figure').count()).toBe(4);
    await shoot('03-dashboard');
    expect(await seriousViolations()).toEqual([]);
  });

  it('opens the audit explorer from the navigation and finds the sign-in events by filter', async () => {
    await page.getByRole('link', { name: 'Audit explorer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit explorer' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/audit');
    await page.getByLabel('Type').fill('auth.token.issued');
    await page.getByLabel('Client ID').fill('portcullis-console');
    await page.getByRole('button', { name: 'Search' }).click();
    // The unfiltered page shown before the search holds auth.token.issued rows too: wait until
    // the filtered answer has replaced it (or the time is up, and the check below says why).
    const typeCells = page.locator('table.events tbody tr td:nth-child(2)');
    let types: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      types = await typeCells.allTextContents();
      if (types.length > 0 && types.every((t) => t === 'auth.token.issued')) break;
      await page.waitForTimeout(100);
    }
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['auth.token.issued']));
    await shoot('04-audit-explorer');
    expect(await seriousViolations()).toEqual([]);
  });

  it('tails the log live (a refused token request appears without a reload) and exports it as NDJSON', async () => {
    await page.getByLabel('Type').fill('');
    await page.getByLabel('Client ID').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: 'auth.token.issued' }).first().waitFor();
    await page.getByLabel('Live tail').check();
    // Something new happens at the authorization server: a token request it refuses.
    const refused = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=nope&client_id=portcullis-console' });
    expect(refused.status).toBe(400);
    await page.getByRole('cell', { name: 'auth.token.rejected' }).first().waitFor({ timeout: 30_000 });
    await page.getByLabel('Live tail').uncheck();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export NDJSON' }).click()]);
    const path = join(SHOTS, 'export.ndjson');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; specversion: string });
    expect(lines.every((e) => e.specversion === '1.0')).toBe(true);
    expect(lines.map((e) => e.type)).toEqual(expect.arrayContaining(['auth.login.succeeded', 'auth.token.issued', 'auth.token.rejected']));
  });

  it('is usable by keyboard: a skip link first, and the new screen\'s heading takes focus', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    // The skip link is the page's first stop: before the brand, the first thing Tab can reach.
    await page.getByText('Portcullis console', { exact: true }).click();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    expect(await page.evaluate(`document.querySelector('a[href], button, input, select, [tabindex]:not([tabindex="-1"])').textContent`)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await page.getByRole('link', { name: 'Audit explorer' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Audit explorer' }).waitFor();
    // Screen readers hear where they arrived: focus is on the screen's heading.
    await page.locator('h1:focus').waitFor(); // a selector, not a polled script: the CSP forbids eval
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Audit explorer');
    expect(await page.getByRole('link', { name: 'Audit explorer' }).getAttribute('aria-current')).toBe('page');
  });

  it('works at phone width and in dark mode, without a serious accessibility violation', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('img', { name: 'Tokens issued, by grant type' }).waitFor();
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(13, 17, 23)');
    await shoot('05-dashboard-dark');
    expect(await seriousViolations()).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Audit explorer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit explorer' }).waitFor();
    // Nothing wider than the phone's screen but the scrollable tables.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shoot('06-audit-explorer-phone-dark');
    expect(await seriousViolations()).toEqual([]);
  });

  it('runs the admin screens against the real admin API: clients, users and their applications, signing keys, resources', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });
    // The console confirms what cannot be undone (confirm) and asks a new password (prompt).
    const answerDialogs = (d: { type(): string; accept(text?: string): Promise<void> }) => void d.accept(d.type() === 'prompt' ? 'a-new-password-7' : undefined);
    page.on('dialog', answerDialogs);
    try {
      // Clients: the console's own client is listed; a trusted client is created with its secret shown once, then disabled.
      await page.getByRole('link', { name: 'Clients' }).click();
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      await page.getByText('portcullis-console', { exact: true }).first().waitFor();
      await page.getByText('Create a trusted client').click();
      await page.getByLabel('Name').fill('e2e reporting job');
      await page.getByLabel('Scopes (space separated)').fill('audit:read');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const secret = page.locator('.secret code');
      await secret.waitFor();
      expect((await secret.textContent())?.length).toBeGreaterThanOrEqual(32);
      await shoot('07-clients-secret-once');
      expect(await seriousViolations()).toEqual([]);
      await page.getByRole('button', { name: 'I have copied it' }).click();
      expect(await page.locator('.secret').count()).toBe(0);
      await page.getByRole('button', { name: 'Disable e2e reporting job' }).click();
      await page.getByRole('button', { name: 'Enable e2e reporting job' }).waitFor();

      // Users: a person is added; root's applications include the console's grant.
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      await page.getByText('Add a user').click();
      await page.getByRole('textbox', { name: 'Username', exact: true }).fill('dora');
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill('dora-e2e-password-5');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('rowheader', { name: 'dora' }).waitFor();
      await page.getByRole('button', { name: `Applications of ${PERSON.username}` }).click();
      await page.getByRole('heading', { name: `Applications ${PERSON.username} connected` }).waitFor();
      await page.getByText('portcullis-console', { exact: true }).first().waitFor();
      await shoot('08-users-applications');
      expect(await seriousViolations()).toEqual([]);

      // Signing keys: listed, and rotated one step.
      await page.getByRole('link', { name: 'Signing keys' }).click();
      await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
      await page.getByRole('button', { name: 'Rotate the signing key' }).click();
      await page.getByText('Signing key rotated.').waitFor();
      expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(2);
      await shoot('09-signing-keys');
      expect(await seriousViolations()).toEqual([]);

      // Resources: the admin API itself among them, with its scopes' descriptions.
      await page.getByRole('link', { name: 'Resources' }).click();
      await page.getByRole('heading', { level: 1, name: 'Resources and scopes' }).waitFor();
      await page.getByRole('heading', { level: 2, name: `${issuer}/admin` }).waitFor();
      expect(await page.getByText('admin:write', { exact: true }).count()).toBe(1);
      await shoot('10-resources');
      expect(await seriousViolations()).toEqual([]);
    } finally {
      page.off('dialog', answerDialogs);
    }

    // What the screens did, as the audit log recorded it (each change names the console's person).
    const auditor = await registerTrustedClient(auth, { client_name: 'console e2e admin auditor', scope: 'audit:read' });
    const { access_token: token } = await clientCredentialsTokens(auth, auditor, { resource: auditResource, scope: 'audit:read' });
    const wanted = ['auth.client.registered', 'auth.client.updated', 'auth.user.created', 'auth.signing_key.rotated'];
    type Recorded = { data: { actor?: { via: string; client_id?: string }; registration?: string } };
    const seen = new Map<string, Recorded[]>();
    for (let i = 0; i < 60 && seen.size < wanted.length; i++) {
      if (i) await new Promise((r) => setTimeout(r, 500));
      for (const type of wanted.filter((t) => !seen.has(t))) {
        const res = await fetch(`${auditResource}/events?type=${type}`, { headers: { authorization: `Bearer ${token}` } });
        const events = ((await res.json()) as { events: Recorded[] }).events;
        // auth.client.registered says `registration: admin` for a client made through the admin API.
        const byConsole = events.filter((e) => type === 'auth.signing_key.rotated' || e.data.registration === 'admin' || e.data.actor?.via === 'admin_api');
        if (byConsole.length > 0) seen.set(type, byConsole);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...wanted].sort());
    expect(seen.get('auth.user.created')?.map((e) => e.data.actor)).toEqual([expect.objectContaining({ via: 'admin_api', client_id: 'portcullis-console' })]);
  });

  it("opens a client's details from the list and rotates its secret, disables, enables and deletes it there", async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });
    const accept = (d: { accept(): Promise<void> }) => void d.accept();
    page.on('dialog', accept);
    try {
      await page.getByRole('link', { name: 'Clients', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      await page.getByText('Create a trusted client').click();
      await page.getByLabel('Name').fill('e2e rotation job');
      // It also acts for people (authorization_code): their tokens are what deletion revokes.
      await page.getByRole('checkbox', { name: 'authorization_code' }).check();
      await page.getByLabel('Scopes (space separated)').fill('audit:read');
      await page.getByLabel(/^Redirect URIs/).fill(callbackUrl);
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const shownSecret = page.locator('.secret code');
      const firstSecret = (await shownSecret.textContent()) ?? '';
      await page.getByRole('button', { name: 'I have copied it' }).click();

      // The details, by keyboard: the client's name in the list is a link.
      const link = page.getByRole('link', { name: 'e2e rotation job (details)' });
      await link.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'e2e rotation job' }).waitFor();
      await page.locator('h1:focus').waitFor(); // a selector, not a polled script: the CSP forbids eval
      // The navigation marks Clients as the section this sub-page belongs to, not as the page.
      expect(await page.getByRole('link', { name: 'Clients', exact: true }).getAttribute('aria-current')).toBe('true');
      const value = (term: string) => page.locator(`dl.details dt:text-is("${term}") + dd`);
      const clientId = (await value('Client ID').textContent()) ?? '';
      expect(new URL(page.url()).pathname).toBe(`/console/clients/${encodeURIComponent(clientId)}`);
      expect(await value('Registration').textContent()).toBe('Pre-registered by an operator');
      expect(await value('Authentication').textContent()).toBe('client_secret_basic');
      expect((await value('Grant types').textContent())?.split(', ').sort()).toEqual(['authorization_code', 'client_credentials']);
      expect(await value('Redirect URIs').textContent()).toBe(callbackUrl);
      expect(await value('Scopes').textContent()).toBe('audit:read');
      expect(await value('State').textContent()).toBe('Active');
      await shootAndCheck('11-client-details');

      const robot = (secret: string) => ({ client_id: clientId, client_secret: secret, token_endpoint_auth_method: 'client_secret_basic' });
      const tokenRequest = (secret: string) => clientCredentials(auth, robot(secret), { resource: auditResource, scope: 'audit:read' });
      expect((await tokenRequest(firstSecret)).status).toBe(200);

      // Rotate: the new secret is shown once; the token endpoint takes it and refuses the old one.
      await page.getByRole('button', { name: 'Rotate secret of e2e rotation job' }).click();
      await page.getByText('New secret for e2e rotation job.').waitFor();
      const secret = (await shownSecret.textContent()) ?? '';
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(secret).not.toBe(firstSecret);
      await shootAndCheck('12-client-secret-rotated');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      expect(await page.locator('.secret').count()).toBe(0);
      const old = await tokenRequest(firstSecret);
      expect([old.status, ((await old.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
      expect((await tokenRequest(secret)).status).toBe(200);

      // Disable: the client is unknown to the token endpoint until it is enabled again.
      await page.getByRole('button', { name: 'Disable e2e rotation job' }).click();
      await page.getByRole('button', { name: 'Enable e2e rotation job' }).waitFor();
      expect(await value('State').textContent()).toMatch(/^Disabled since /);
      expect((await tokenRequest(secret)).status).toBe(401);
      await shootAndCheck('13-client-disabled');
      await page.getByRole('button', { name: 'Enable e2e rotation job' }).click();
      await page.getByRole('button', { name: 'Disable e2e rotation job' }).waitFor();
      expect(await value('State').textContent()).toBe('Active');
      expect((await tokenRequest(secret)).status).toBe(200);

      // The operator authorizes the job on the real pages: a token of a grant, which deletion revokes.
      const job = { ...robot(secret), redirect_uris: [callbackUrl] };
      const prepared = await authorizationUrl(auth, { client: job, redirectUri: callbackUrl, scope: 'audit:read', resource: auditResource });
      const { landed } = await signInThrough(prepared.url, PERSON, 'job-login-refused');
      const live = (await (await exchangeCode(auth, job, landed as URL, prepared, { resource: auditResource })).json()) as { access_token: string };
      const auditWith = (token: string) => fetch(`${auditResource}/events?limit=1`, { headers: { authorization: `Bearer ${token}` } });
      expect((await auditWith(live.access_token)).status).toBe(200);

      // The same screen at phone width in dark mode: one column, nothing wider than the screen.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await shootAndCheck('14-client-details-phone-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1200, height: 900 });

      // Delete (after the confirmation the dialog handler gives): its secret and the person's token
      // are refused. (Its client_credentials tokens are not stored: they live out their minutes.)
      await page.getByRole('button', { name: 'Delete e2e rotation job' }).click();
      await page.getByText('This client no longer exists').waitFor();
      expect(await page.getByRole('status').textContent()).toBe('e2e rotation job deleted.');
      await shootAndCheck('15-client-deleted');
      expect((await tokenRequest(secret)).status).toBe(401);
      let refused = 0;
      // The audit service polls the revocations list (REVOCATIONS_POLL_MS above).
      for (let i = 0; i < 40 && refused !== 401; i++) {
        if (i) await new Promise((r) => setTimeout(r, 250));
        refused = (await auditWith(live.access_token)).status;
      }
      expect(refused).toBe(401);
      await page.getByRole('link', { name: 'All clients' }).click();
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      await page.getByRole('link', { name: 'e2e reporting job (details)' }).waitFor();
      expect(await page.getByRole('link', { name: 'e2e rotation job (details)' }).count()).toBe(0);
    } finally {
      page.off('dialog', accept);
    }
  });

  it("revokes an application a person connected, resets their password (checked on the real login page) and unlocks them", async () => {
    const bob = USERS.bob;
    const newPassword = 'bob-reset-by-operator-9';
    const app = await registerPublicClient(auth, { client_name: 'e2e desk app', redirect_uris: [callbackUrl] });
    const prepared = await authorizationUrl(auth, { client: app, redirectUri: callbackUrl });
    // Bob connects an application, which holds a refresh token of his grant.
    const { landed: callback } = await signInThrough(prepared.url, bob, 'bob-login-refused');
    expect(callback?.searchParams.get('code')).toBeTruthy();
    const { refresh_token: refreshToken } = (await (await exchangeCode(auth, app, callback as URL, prepared)).json()) as { refresh_token: string };
    expect(refreshToken).toBeTruthy();

    const answer = (d: { type(): string; accept(text?: string): Promise<void> }) => void d.accept(d.type() === 'prompt' ? newPassword : undefined);
    page.on('dialog', answer);
    try {
      // The operator revokes it from Bob's applications: the refresh token is refused at once.
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      await page.getByRole('button', { name: `Applications of ${bob.username}` }).click();
      await page.getByRole('heading', { name: `Applications ${bob.username} connected` }).waitFor();
      await page.getByText('e2e desk app', { exact: true }).waitFor();
      await shootAndCheck('16-users-application-to-revoke');
      await page.getByRole('button', { name: `Revoke e2e desk app for ${bob.username}` }).click();
      await page.getByText('e2e desk app revoked.').waitFor();
      await page.getByText('None.', { exact: true }).waitFor();
      await shootAndCheck('17-users-application-revoked');
      const refused = await refresh(auth, app, refreshToken);
      expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
      await page.getByRole('button', { name: 'Close' }).click();

      // A new password: the old one is refused on the real login page, the new one signs in.
      await page.getByRole('button', { name: `Reset password of ${bob.username}` }).click();
      await page.getByText(`New password set for ${bob.username}.`).waitFor();
      await shootAndCheck('18-users-password-reset');
      expect(await signInThrough(prepared.url, bob, '19-login-old-password-refused')).toEqual({ refusal: 'Wrong username or password.' });
      expect((await signInThrough(prepared.url, { ...bob, password: newPassword }, 'bob-login-refused')).landed?.searchParams.get('code')).toBeTruthy();

      // Unlock: harmless when no delay runs; the audit log records it.
      await page.getByRole('button', { name: `Unlock ${bob.username}` }).click();
      await page.getByText(`${bob.username} unlocked.`).waitFor();
      await shootAndCheck('20-users-unlocked');
    } finally {
      page.off('dialog', answer);
    }

    // Each change by the console's operator, as the audit log has it.
    type Change = { data: { change?: string; reason?: string; actor?: { via: string; client_id?: string } } };
    const byConsole = (e: Change) => e.data.actor?.via === 'admin_api' && e.data.actor.client_id === 'portcullis-console';
    const userChanges = await auditEvents<Change>('auth.user.updated', (es) => ['password_reset', 'unlocked'].every((c) => es.some((e) => byConsole(e) && e.data.change === c)));
    expect(userChanges.filter(byConsole).map((e) => e.data.change)).toEqual(expect.arrayContaining(['password_reset', 'unlocked']));
    const revokedGrants = await auditEvents<Change>('auth.grant.revoked', (es) => es.some(byConsole));
    expect(revokedGrants.some(byConsole)).toBe(true);
  });

  it('signs out: the refresh token is revoked (RFC 7009) and the sign-in screen is back', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The audit log, read by an auditor of its own, records the console's grant revoked at its request.
    const auditor = await registerTrustedClient(auth, { client_name: 'console e2e auditor', scope: 'audit:read' });
    const { access_token: token } = await clientCredentialsTokens(auth, auditor, { resource: auditResource, scope: 'audit:read' });
    let revoked: { data: { reason: string } }[] = [];
    for (let i = 0; i < 60 && revoked.length < 2; i++) {
      if (i) await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`${auditResource}/events?type=auth.token.revoked&client_id=portcullis-console`, { headers: { authorization: `Bearer ${token}` } });
      revoked = ((await res.json()) as { events: { data: { reason: string } }[] }).events;
    }
    // One refresh token per resource (the audit API and the admin API), each revoked.
    expect(revoked.map((e) => e.data.reason)).toEqual(['client_request', 'client_request']);
    expect(cspViolations).toEqual([]);
  });
});
