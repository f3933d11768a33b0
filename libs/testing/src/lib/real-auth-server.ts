import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieBrowser } from './cookie-browser';
import { type Backend, INITIAL_ACCESS_TOKEN } from './oauth/auth-server';
import { freePort } from './free-port';
import { type RunningService, startService } from './start-service';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * The built authorization server (dist/apps/auth-server/main.js) for resource servers' tests,
 * and a client of it written with fetch only: registration (RFC 7591), client credentials with
 * a resource (RFC 8707), the code flow with PKCE through the real login and consent pages,
 * revocation (RFC 7009) and client deletion (RFC 7592 §2.3). Endpoints come from the RFC 8414
 * metadata, never from assumed paths.
 */
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
  /** Absent for a public client. */
  client_secret?: string;
  registration_access_token?: string;
  registration_client_uri?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

/** The tokens a person's code flow ended with, and the client it registered for it. */
export interface PersonTokens extends TokenResponse {
  client: Client;
}

export interface RealAuthServer {
  issuer: string;
  service: RunningService;
  metadata: Metadata;
  /** A trusted confidential client registered with the initial access token. */
  registerTrusted(scope: string): Promise<Client>;
  clientCredentials(client: Client, resource: string, scope: string): Promise<TokenResponse>;
  /**
   * A person logs in and consents in a cookie-keeping browser; PKCE S256, `resource` bound. The
   * client is a public native one, or with `trusted` a confidential one registered with the
   * initial access token (only trusted clients may hold privileged scopes such as audit:read).
   */
  codeFlow(resource: string, scope: string, options?: { trusted?: boolean }): Promise<PersonTokens>;
  revoke(client: Client, token: string): Promise<Response>;
  /** RFC 7592 §2.3: deletes the client (and so revokes its grants and tokens). */
  deleteClient(client: Client): Promise<Response>;
  /**
   * The person (PERSON) in one cookie-keeping browser, for a client that builds its own
   * authorization request (an SDK's OAuth provider): logs in, approves, and returns the URL the
   * authorization server redirects to (the client's callback, with `code`, `state` and `iss`).
   */
  authorizeInBrowser(authorizationUrl: URL): Promise<URL>;
  stop(): Promise<void>;
}

export async function startRealAuthServer(backend: Backend, env: Record<string, string | undefined> = {}): Promise<RealAuthServer> {
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
      register({ client_name: 'resource server test service', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope }, true),
    clientCredentials: (client, resource, scope) => token({ grant_type: 'client_credentials', resource, scope }, client),
    async codeFlow(resource, scope, options = {}) {
      const client = await register(
        {
          client_name: 'resource server test web client',
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          ...(options.trusted ? { token_endpoint_auth_method: 'client_secret_basic', scope } : { token_endpoint_auth_method: 'none', application_type: 'native' }),
        },
        options.trusted ?? false,
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
      const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, resource };
      const tokens = await token(client.client_secret ? exchange : { ...exchange, client_id: client.client_id }, client);
      return { ...tokens, client };
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
    deleteClient: (client) =>
      fetch(client.registration_client_uri ?? '', { method: 'DELETE', headers: { authorization: `Bearer ${client.registration_access_token ?? ''}` } }),
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
