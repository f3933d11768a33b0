/**
 * Just enough of a browser for the authorization server's login and consent pages: keeps
 * cookies, follows redirects within one origin, and submits a page's first form with its
 * hidden fields plus the person's password or an approval.
 */
export class CookieBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly origin: string) {}

  /** Follows the flow from `start`; returns the URL it finally redirects to outside the origin (the client's callback). */
  async authorize(start: URL, person: { username: string; password: string }): Promise<URL> {
    let url = start.href;
    let res = await this.request(url);
    for (let step = 0; step < 12; step++) {
      if (res.status >= 300 && res.status < 400) {
        const location = new URL(res.headers.get('location') ?? '', url);
        await res.arrayBuffer();
        if (location.origin !== this.origin) return location;
        url = location.href;
        res = await this.request(url);
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) throw new Error(`unexpected ${res.status} at ${url}: ${html.slice(0, 300)}`);
      const fields = hiddenInputs(html);
      if (/name="password"/.test(html)) Object.assign(fields, person);
      else if (/name="decision"/.test(html)) fields['decision'] = 'approve';
      else throw new Error(`neither a login nor a consent page at ${url}`);
      url = new URL(firstFormAction(html), url).href;
      res = await this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    }
    throw new Error('too many steps in the authorization flow');
  }

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
    return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match ? decodeEntities(match[1]) : undefined;
}

function firstFormAction(html: string): string {
  const form = /<form\b[^>]*>/i.exec(html);
  if (!form) throw new Error('the page has no form');
  return attribute(form[0], 'action') ?? '';
}

function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    const name = attribute(tag, 'name');
    if (name && attribute(tag, 'type')?.toLowerCase() === 'hidden') fields[name] = attribute(tag, 'value') ?? '';
  }
  return fields;
}
