import Database from 'better-sqlite3';
import { Client } from 'pg';
import { AuthServer, Browser, readForm, unescapeHtml } from '@portcullis/testing';

/** The "Continue with <name>" link of a login page. */
export function providerLink(html: string, name: string): string {
  const m = new RegExp(`<a class="provider" href="([^"]*)">Continue with ${name}</a>`).exec(html);
  if (!m) throw new Error(`no "Continue with ${name}" on the page:\n${html.slice(0, 2000)}`);
  return unescapeHtml(m[1]);
}

/**
 * Walks the test IdP's own pages (oidc-idp.mjs: devInteractions) from its authorization URL:
 * signs in as `login`, consents, and returns the redirect back to us without following it
 * (the test decides). `cancel` follows the IdP's "[ Cancel ]" link instead of signing in.
 */
export async function throughIdp(browser: Browser, authorizeUrl: URL, login: string, cancel = false): Promise<URL> {
  const idp = authorizeUrl.origin;
  let res = await browser.request(authorizeUrl);
  let url = authorizeUrl.href;
  for (let step = 0; step < 12; step++) {
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location') ?? '', url);
      await res.arrayBuffer();
      if (location.origin !== idp) return location;
      url = location.href;
      res = await browser.request(url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`the IdP answered ${res.status} at ${url}:\n${html.slice(0, 1500)}`);
    const form = readForm(html);
    const action = new URL(form.action, url).href;
    if (cancel) {
      const abort = /href="([^"]*\/abort)"/.exec(html);
      if (!abort) throw new Error(`no cancel link at ${url}`);
      url = new URL(unescapeHtml(abort[1]), url).href;
      res = await browser.request(url);
    } else if (form.hidden['prompt'] === 'login') {
      res = await browser.postForm(action, { ...form.hidden, login, password: 'any password' });
      url = action;
    } else {
      res = await browser.postForm(action, form.hidden);
      url = action;
    }
  }
  throw new Error('the IdP never sent the browser back');
}

/** Rows in one of the auth-server's tables, read from its storage directly (SQLite or PostgreSQL). */
export async function rowCount(server: AuthServer, table: 'users' | 'federated_identities' | 'federated_login_attempts'): Promise<number> {
  if (server.storage.SQLITE_PATH) {
    const db = new Database(server.storage.SQLITE_PATH, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: server.storage.DATABASE_URL });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}
