import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where screenshots go (gitignored): the workspace's test-artifacts/e2e/. */
export const ARTIFACTS = join(__dirname, '../../../test-artifacts/e2e');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Decision = 'approve' | 'deny';

/** What the person's browser did on the authorization server's pages. */
export interface Visit {
  /** The pages shown, in order: 'login' and/or 'consent', and the upstream IdP's own between them. */
  pages: ('login' | 'consent' | 'idp-login' | 'idp-consent')[];
  /** The URL the browser finally landed on (the client's redirect URI with its parameters). */
  landedOn: URL;
}

/**
 * A person with a real browser (Debian's Chromium driven by Playwright): opens the
 * authorization URL a client sends them to, signs in on the login page if asked, answers the
 * consent page, and follows the redirect back to the client. One browser context, so the
 * authorization server's session cookie carries over between visits, like a real browser.
 */
export class Person {
  private browser?: Browser;
  private context?: BrowserContext;
  private readonly screenshotted = new Set<string>();

  constructor(
    private readonly credentials: { username: string; password: string },
    private readonly redirectPrefix: string,
    /**
     * Sign in with "Continue with <provider>" instead of the password form, as `login` at the
     * upstream IdP (the test IdP of libs/testing: its own login and consent pages).
     */
    private readonly upstream?: { provider: string; login: string },
    /** Where this person's screenshots go: ARTIFACTS, or a folder of its own below it. */
    private readonly artifacts = ARTIFACTS,
  ) {}

  async open(): Promise<void> {
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    this.context = await this.browser.newContext({ viewport: { width: 900, height: 820 } });
    // Only this run's screenshots, never a stale one from an earlier run; the folders below
    // are other test files' (the account page's), which clear their own.
    mkdirSync(this.artifacts, { recursive: true });
    for (const entry of readdirSync(this.artifacts, { withFileTypes: true })) {
      if (entry.isFile()) rmSync(join(this.artifacts, entry.name), { force: true });
    }
  }

  /** A new tab in this person's browser (same cookies: a session from signing in carries over). */
  async newPage(): Promise<Page> {
    if (!this.context) throw new Error('Person.open() first');
    return this.context.newPage();
  }

  async close(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    await this.browser?.close().catch(() => undefined);
  }

  /**
   * Visits `url`, signs in and decides. `shotPrefix` names the screenshots of the pages seen
   * (`<prefix>-login.png`, `<prefix>-consent.png`), each taken once per name.
   */
  async authorize(url: URL, decision: Decision, shotPrefix: string): Promise<Visit> {
    if (!this.context) throw new Error('Person.open() first');
    const page = await this.context.newPage();
    const pages: Visit['pages'] = [];
    // What the browser itself complained about (a CSP violation, a blocked redirect), for errors.
    const complaints: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') complaints.push(m.text());
    });
    try {
      await page.goto(url.href, { waitUntil: 'load' });
      for (let step = 0; step < 6 && !page.url().startsWith(this.redirectPrefix); step++) {
        const provider = this.upstream ? page.locator(`a.provider:has-text("Continue with ${this.upstream.provider}")`) : undefined;
        if (this.upstream && provider && (await provider.count()) > 0) {
          pages.push('login');
          await this.shoot(page, `${shotPrefix}-login`);
          await this.submit(page, provider, complaints);
        } else if (this.upstream && (await page.locator('input[name="login"]').count()) > 0) {
          pages.push('idp-login');
          await page.fill('input[name="login"]', this.upstream.login);
          await page.fill('input[name="password"]', 'the IdP checks its own');
          await this.submit(page, page.locator('form button[type="submit"]'), complaints);
        } else if (this.upstream && (await page.locator('input[name="prompt"][value="consent"]').count()) > 0) {
          pages.push('idp-consent');
          await this.submit(page, page.locator('form button[type="submit"]'), complaints);
        } else if ((await page.locator('input[name="username"]').count()) > 0) {
          pages.push('login');
          await this.shoot(page, `${shotPrefix}-login`);
          await page.fill('input[name="username"]', this.credentials.username);
          await page.fill('input[name="password"]', this.credentials.password);
          await this.submit(page, page.locator('form button[type="submit"]'), complaints);
        } else if ((await page.locator('button[name="decision"]').count()) > 0) {
          pages.push('consent');
          await this.shoot(page, `${shotPrefix}-consent`);
          await this.submit(page, page.locator(`button[name="decision"][value="${decision}"]`), complaints);
        } else {
          const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 500);
          throw new Error(`unexpected page at ${page.url()}: ${text}`);
        }
      }
      if (!page.url().startsWith(this.redirectPrefix)) {
        throw new Error(`the browser never came back to the client (still at ${page.url()}); browser console: ${complaints.join(' | ') || 'nothing'}`);
      }
      return { pages, landedOn: new URL(page.url()) };
    } finally {
      await page.close();
    }
  }

  /** Clicks a submit button (or link) and waits until the page it leads to (after redirects) has loaded. */
  private async submit(page: Page, button: ReturnType<Page['locator']>, complaints: string[]): Promise<void> {
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 10_000 });
    await button.click();
    try {
      await navigated;
    } catch {
      throw new Error(`submitting the form at ${page.url()} led nowhere; browser console: ${complaints.join(' | ') || 'nothing'}`);
    }
    await page.waitForLoadState('load');
  }

  private async shoot(page: Page, name: string): Promise<void> {
    if (this.screenshotted.has(name)) return;
    this.screenshotted.add(name);
    await page.screenshot({ path: join(this.artifacts, `${name}.png`), fullPage: true });
  }
}
