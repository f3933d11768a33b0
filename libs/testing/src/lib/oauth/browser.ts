/**
 * A minimal browser for the person's part of the code flow: it keeps cookies (pc_browser,
 * pc_session), never follows redirects on its own (the test decides), and submits the real
 * HTML forms by reading their `action` and hidden fields from the page.
 */
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  html: string;
}

export type Navigation = { kind: 'page'; page: Page } | { kind: 'redirect'; status: number; location: URL };

export interface HtmlForm {
  action: string;
  method: string;
  /** Hidden inputs, by name (e.g. csrf_token). */
  hidden: Record<string, string>;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undoes the HTML escaping of attribute values (named and numeric references). */
export function unescapeHtml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return ENTITY[ref.toLowerCase()] ?? whole;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? unescapeHtml(m[1]) : undefined;
}

/** The first <form> of a page: where it posts and its hidden fields. */
export function readForm(html: string): HtmlForm {
  const open = /<form\b[^>]*>/i.exec(html);
  if (!open) throw new Error(`the page has no form:\n${html.slice(0, 2000)}`);
  const end = html.indexOf('</form>', open.index);
  const body = html.slice(open.index, end === -1 ? undefined : end);
  const hidden: Record<string, string> = {};
  for (const m of body.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if ((attribute(tag, 'type') ?? '').toLowerCase() !== 'hidden') continue;
    const name = attribute(tag, 'name');
    if (name) hidden[name] = attribute(tag, 'value') ?? '';
  }
  return { action: attribute(open[0], 'action') ?? '', method: (attribute(open[0], 'method') ?? 'get').toLowerCase(), hidden };
}

export class Browser {
  private readonly jar = new Map<string, string>();

  /** `origin` is the authorization server's: redirects there are followed by navigate(). */
  constructor(private readonly origin: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  forget(name: string): void {
    this.jar.delete(name);
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.send(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** The network: fetch, unless a subclass sends differently (browser-at-address.ts). */
  protected send(url: string | URL, init: RequestInit): Promise<Response> {
    return fetch(url, init);
  }

  async postForm(url: string | URL, fields: Record<string, string> | [string, string][]): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * Reads a response as a browser would: a page, or a redirect. Redirects within the
   * authorization server are followed; a redirect elsewhere (to the client) is returned.
   */
  async settle(res: Response, url: string): Promise<Navigation> {
    for (let hops = 0; hops < 10; hops++) {
      if (res.status >= 300 && res.status < 400) {
        const location = new URL(res.headers.get('location') ?? '', url);
        await res.arrayBuffer();
        if (location.origin !== this.origin) return { kind: 'redirect', status: res.status, location };
        url = location.href;
        res = await this.request(url);
        continue;
      }
      return { kind: 'page', page: { url, status: res.status, headers: res.headers, html: await res.text() } };
    }
    throw new Error('too many redirects');
  }

  async navigate(url: string | URL): Promise<Navigation> {
    return this.settle(await this.request(url), String(url));
  }

  async submit(page: Page, fields: Record<string, string>): Promise<Navigation> {
    const form = readForm(page.html);
    const action = new URL(form.action, page.url).href;
    return this.settle(await this.postForm(action, { ...form.hidden, ...fields }), action);
  }
}

export function expectPage(nav: Navigation): Page {
  if (nav.kind !== 'page') throw new Error(`expected a page, got a redirect to ${nav.location.href}`);
  return nav.page;
}

export function expectRedirect(nav: Navigation): URL {
  if (nav.kind !== 'redirect') throw new Error(`expected a redirect, got a ${nav.page.status} page:\n${nav.page.html.slice(0, 1500)}`);
  return nav.location;
}

export function isLoginPage(page: Page): boolean {
  return /name="password"/.test(page.html);
}

export function isConsentPage(page: Page): boolean {
  return /name="decision"/.test(page.html);
}
