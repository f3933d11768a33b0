import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieBrowser } from './cookie-browser';
import { freePort } from './free-port';
import { type RunningService, startService } from './start-service';

/**
 * The built authorization server (dist/apps/auth-server/main.js) on SQLite, and a fetch-only
 * client of it for resource servers' revocation tests: registration with the initial access
 * token (RFC 7591), client credentials with a resource (RFC 8707), the code flow with PKCE
 * through the real login and consent pages, revocation (RFC 7009) and client deletion
 * (RFC 7592 §2.3). Endpoints come from the RFC 8414 metadata.
 */
export interface RegisteredClient {
  client_id: string;
  /** Absent for a public client. */
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
}

export interface AuthServerProcess {
  issuer: string;
  service: RunningService;
  registerClient(scope: string): Promise<RegisteredClient>;
  /** The access token of a client credentials grant for `resource`. */
  accessToken(client: RegisteredClient, resource: string, scope: string): Promise<string>;
  /**
   * A trusted confidential client, and the access token a person (AUTH_SERVER_PERSON) gets it
   * by logging in and consenting: PKCE S256, `resource` bound.
   */
  codeFlow(resource: string, scope: string): Promise<{ client: RegisteredClient; accessToken: string }>;
  revoke(client: RegisteredClient, accessToken: string): Promise<Response>;
  deleteClient(client: RegisteredClient): Promise<Response>;
  stop(): Promise<void>;
}

interface Metadata {
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  registration_endpoint: string;
}

const INITIAL_ACCESS_TOKEN = 'resource-server-tests-initial-access-token';
export const AUTH_SERVER_PERSON = { username: 'rita', password: 'rita-correct-horse-battery' };
const REDIRECT_URI = 'http://127.0.0.1/callback';

export async function startAuthServerProcess(env: Record<string, string | undefined> = {}): Promise<AuthServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-as-'));
  let service: RunningService | undefined;
  try {
    // Someone may be rebuilding dist/ right now: one retry covers a half-written bundle.
    for (let attempt = 0; !service; attempt++) {
      const port = await freePort();
      try {
        service = await startService('auth-server', port, {
          ISSUER_URL: `http://127.0.0.1:${port}`,
          SQLITE_PATH: join(dir, 'auth.sqlite'),
          DATABASE_URL: undefined,
          REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
          BOOTSTRAP_USERS: `${AUTH_SERVER_PERSON.username}:${AUTH_SERVER_PERSON.password}`,
          ...env,
        });
      } catch (err) {
        if (attempt >= 1) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = service;
  const issuer = running.url;
  const metadata = (await (await ok(await fetch(`${issuer}/.well-known/oauth-authorization-server`))).json()) as Metadata;
  const basic = (c: RegisteredClient) => `Basic ${Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret ?? '')}`).toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const register = async (metadataBody: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(metadata.registration_endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(metadataBody) });
    return (await (await ok(res, 201)).json()) as RegisteredClient;
  };
  const tokenRequest = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(metadata.token_endpoint, { method: 'POST', headers: { ...form, ...headers }, body: new URLSearchParams(params).toString() });
    return ((await (await ok(res)).json()) as { access_token: string }).access_token;
  };

  return {
    issuer,
    service: running,
    registerClient: (scope) =>
      register(
        { client_name: 'resource server test client', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope },
        { authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` },
      ),
    accessToken: (client, resource, scope) => tokenRequest({ grant_type: 'client_credentials', resource, scope }, { authorization: basic(client) }),
    async codeFlow(resource, scope) {
      // Trusted (initial access token): only trusted clients may hold scopes like audit:read.
      const client = await register(
        {
          client_name: 'resource server test web client',
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope,
        },
        { authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` },
      );
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      const start = new URL(metadata.authorization_endpoint);
      start.search = new URLSearchParams({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        scope,
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        resource,
      }).toString();
      const callback = await new CookieBrowser(issuer).authorize(start, AUTH_SERVER_PERSON);
      const code = callback.searchParams.get('code');
      if (!code || callback.searchParams.get('state') !== state) throw new Error(`no code for our state: ${callback.searchParams.get('error')} ${callback.searchParams.get('error_description')}`);
      const accessToken = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, resource }, { authorization: basic(client) });
      return { client, accessToken };
    },
    revoke: (client, accessToken) =>
      fetch(metadata.revocation_endpoint, {
        method: 'POST',
        headers: { ...form, authorization: basic(client) },
        body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }).toString(),
      }),
    deleteClient: (client) => fetch(client.registration_client_uri, { method: 'DELETE', headers: { authorization: `Bearer ${client.registration_access_token}` } }),
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ok(res: Response, status = 200): Promise<Response> {
  if (res.status !== status) throw new Error(`${res.url}: expected ${status}, got ${res.status}: ${await res.text().catch(() => '')}`);
  return res;
}
