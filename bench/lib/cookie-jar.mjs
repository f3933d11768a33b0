// A minimal cookie jar for driving browser flows (login, consent) with fetch.

/**
 * Remembers cookies by name from `Set-Cookie` response headers and sends them back. Ignores
 * Domain/Path scoping: a benchmark talks to one origin. A `Max-Age=0` or past `Expires`
 * deletes the cookie.
 */
export class CookieJar {
  #cookies = new Map();

  /** Stores every cookie set by a fetch Response. */
  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k, v = ''] = a.trim().split('=');
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  get(name) {
    return this.#cookies.get(name);
  }

  /** The `Cookie` request header value, or undefined when the jar is empty. */
  header() {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** fetch() that sends and stores cookies and never follows redirects. */
  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    const cookie = this.header();
    if (cookie) headers.set('cookie', cookie);
    return this.store(await fetch(url, { ...init, headers, redirect: 'manual' }));
  }
}
