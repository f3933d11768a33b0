import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, type RunningService, startService, type TestDatabase } from '@portcullis/testing';

/**
 * The built authorization server (dist/apps/auth-server/main.js) for the mcp-server's tests,
 * and a client of it written with fetch only: registration (RFC 7591), client credentials,
 * the code flow with PKCE through the real login and consent pages, and revocation (RFC 7009).
 * Endpoints come from the RFC 8414 metadata, never from assumed paths.
 */
export type Backend = 'sqlite' | 'postgres';

export const INITIAL_ACCESS_TOKEN = 'mcp-tests-initial-access-token-7d2e';
export const PERSON = { username: 'alice', password: 'alice-correct-horse-1' };
const REDIRECT_URI = 'http://127.0.0.1/callback';

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  registration_endpoint: string;
}

export interface Client {
  client_id: string;
  client_secret?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

export interface RealAuthServer {
  issuer: string;
  service: RunningService;
  metadata: Metadata;
  /** A trusted confidential client registered with the initial access token. */
  registerTrusted(scope: string): Promise<Client>;
  clientCredentials(client: Client, resource: string, scope: string): Promise<TokenResponse>;
  /** A person logs in and consents in a cookie-keeping browser; PKCE S256, `resource` bound. */
  codeFlow(resource: string, scope: string): Promise<TokenResponse>;
  revoke(client: Client, token: string): Promise<Response>;
  /**
   * The person (PERSON) in one cookie-keeping browser, for a client that builds its own
   * authorization request (an SDK's OAuth provider): logs in, approves, and returns the URL the
   * authorization server redirects to (the client's callback, with `code`, `state` and `iss`).
   */
  authorizeInBrowser(authorizationUrl: URL): Promise<URL>;
  stop(): Promise<void>;
}

export async function startRealAuthServer(backend: Backend, env: Record<string, string> = {}): Promise<RealAuthServer> {
  let database: TestDatabase | undefined;
  let dir: string | undefined;
  const storage: Record<string, string | undefined> = { DATABASE_URL: undefined };
  if (backend === 'postgres') {
    database = await createTestDatabase('mcp_real_as');
    storage['DATABASE_URL'] = database.url;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'mcp-real-as-'));
    storage['SQLITE_PATH'] = join(dir, 'auth.sqlite');
  }
  const cleanup = async () => {
    await database?.drop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  let service: RunningService | undefined;
  try {
    // Another session may be rebuilding dist/ right now: one retry covers a half-written bundle.
    for (let attempt = 0; !service; attempt++) {
      const port = await freePort();
      try {
        service = await startService('auth-server', port, {
          ISSUER_URL: `http://127.0.0.1:${port}`,
          BOOTSTRAP_USERS: `${PERSON.username}:${PERSON.password}`,
          REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
          ...storage,
          ...env,
        });
      } catch (err) {
        if (attempt >= 1) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  const running = service;
  const issuer = running.url;
  const metadata = (await json(await fetch(`${issuer}/.well-known/oauth-authorization-server`))) as Metadata;

  async function register(body: Record<string, unknown>, trusted: boolean): Promise<Client> {
    const res = await fetch(metadata.registration_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(trusted ? { authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as Client;
  }

  async function token(form: Record<string, string>, client?: Client): Promise<TokenResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (client?.client_secret) {
      const enc = (s: string) => encodeURIComponent(s);
      headers['authorization'] = `Basic ${Buffer.from(`${enc(client.client_id)}:${enc(client.client_secret)}`).toString('base64')}`;
    }
    const res = await fetch(metadata.token_endpoint, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as TokenResponse;
  }

  const browser = new CookieBrowser(issuer);
  return {
    issuer,
    service: running,
    metadata,
    authorizeInBrowser: (authorizationUrl) => browser.authorize(authorizationUrl, PERSON),
    registerTrusted: (scope) =>
      register({ client_name: 'mcp-server test service', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope }, true),
    clientCredentials: (client, resource, scope) => token({ grant_type: 'client_credentials', resource, scope }, client),
    async codeFlow(resource, scope) {
      const client = await register(
        {
          client_name: 'mcp-server test MCP client',
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          application_type: 'native',
        },
        false,
      );
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      const url = new URL(metadata.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        scope,
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        resource,
      }).toString();
      const callback = await new CookieBrowser(issuer).authorize(url, PERSON);
      if (callback.searchParams.get('state') !== state) throw new Error(`state mismatch in ${callback.href}`);
      if (callback.searchParams.get('iss') !== issuer) throw new Error(`iss missing or wrong in ${callback.href}`);
      const code = callback.searchParams.get('code');
      if (!code) throw new Error(`no code in ${callback.href}`);
      return token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: client.client_id, resource });
    },
    revoke(client, accessToken) {
      const enc = (s: string) => encodeURIComponent(s);
      return fetch(metadata.revocation_endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${enc(client.client_id)}:${enc(client.client_secret ?? '')}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }).toString(),
      });
    },
    async stop() {
      await running.stop();
      await cleanup();
    },
  };
}

async function json(res: Response): Promise<unknown> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Just enough of a browser for the login and consent pages: keeps cookies, follows redirects
 * within the authorization server, submits the first form of a page with its hidden fields.
 */
class CookieBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly origin: string) {}

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** Returns the URL the authorization server finally redirects to (the client's callback). */
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
      if (res.status !== 200) throw new Error(`unexpected ${res.status} at ${url}: ${html.slice(0, 500)}`);
      const fields = hiddenFields(html);
      if (/name="password"/.test(html)) Object.assign(fields, person);
      else if (/name="decision"/.test(html)) fields['decision'] = 'approve';
      else throw new Error(`unknown page at ${url}: ${html.slice(0, 500)}`);
      const action = new URL(formAction(html), url).href;
      url = action;
      res = await this.request(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    }
    throw new Error('too many steps in the authorization flow');
  }
}

const unescape = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[ref.toLowerCase()];
  });

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? unescape(m[1]) : undefined;
}

function formAction(html: string): string {
  const form = /<form\b[^>]*>/i.exec(html);
  if (!form) throw new Error('the page has no form');
  return attr(form[0], 'action') ?? '';
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    if (attr(tag, 'type')?.toLowerCase() !== 'hidden') continue;
    const name = attr(tag, 'name');
    if (name) fields[name] = attr(tag, 'value') ?? '';
  }
  return fields;
}
