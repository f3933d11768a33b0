import * as oauth from 'oauth4webapi';
import { AuthServer, authorizationUrl, authorizeInBrowser, Backend, Browser, EventSink, exchangeCode, Person, RegisteredClient, startAuthServer, USERS } from '@portcullis/testing';

/** The console's own client, created by the server at start (admin/console-client). */
export const CONSOLE: RegisteredClient = { client_id: 'portcullis-console', token_endpoint_auth_method: 'none' };

/** The operator the admin specs act as: a person with the admin role. */
export const ROOT = { username: 'root', password: 'root-admin-pass-1' };

export const adminResource = (server: AuthServer) => `${server.issuer}/admin`;
export const consoleCallback = (server: AuthServer) => `${server.issuer}/console/callback`;

/**
 * A browser whose trip ends at the console's callback page, as it ends at any client's
 * redirect URI: that page is on the issuer's origin (the console is served there), so the
 * redirect is handed back here instead of being followed.
 */
export class ConsoleBrowser extends Browser {
  protected override async send(url: string | URL, init: RequestInit): Promise<Response> {
    const target = new URL(url);
    if (target.pathname !== '/console/callback') return super.send(url, init);
    return new Response(null, { status: 303, headers: { location: `http://console.invalid/callback${target.search}` } });
  }
}

/** The callback of an authorization request through the real login and consent pages. */
export async function consoleAuthorization(server: AuthServer, person: Person, scope: string, client: RegisteredClient = CONSOLE, redirectUri = consoleCallback(server)) {
  const prepared = await authorizationUrl(server, { client, scope, resource: adminResource(server), redirectUri });
  const { callback } = await authorizeInBrowser(new ConsoleBrowser(server.issuer), prepared.url, person);
  return { prepared, callback };
}

/** Tokens for the admin API through the console's client, as the console gets them. */
export async function adminTokens(server: AuthServer, person: Person, scope = 'admin:read admin:write offline_access'): Promise<oauth.TokenEndpointResponse> {
  const { prepared, callback } = await consoleAuthorization(server, person, scope);
  const res = await exchangeCode(server, CONSOLE, callback, prepared, { resource: adminResource(server) });
  return oauth.processAuthorizationCodeResponse(server.as, CONSOLE, res);
}

export interface AdminAnswer {
  status: number;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
  headers: Headers;
}

/** One admin API call with a bearer token (or none); the JSON body, if any. */
export async function admin(server: AuthServer, token: string | undefined, method: string, path: string, body?: unknown): Promise<AdminAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.issuer}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

/** The claims of a JWT access token, read without verifying it (the server under test issued it). */
export const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; jti: string; iat: number; exp: number };

export const jtiOf = (token: string) => claimsOf(token).jti;

/** The jti of every access token the server has announced as revoked to resource servers. */
export async function revokedJtis(server: AuthServer): Promise<string[]> {
  const listing = (await (await fetch(`${server.issuer}/revocations`)).json()) as { revocations: { jti: string }[] };
  return listing.revocations.map((r) => r.jti);
}

/** The actor an admin event names when ROOT made the change through the console's token. */
export const adminActor = (rootId: string) => ({ via: 'admin_api', subject: rootId, client_id: CONSOLE.client_id });

export interface AdminServer {
  server: AuthServer;
  /** ROOT's admin API access token (admin:read admin:write), got through the console's client. */
  token: string;
  /** ROOT's subject, the actor of every change made with `token`. */
  rootId: string;
}

/**
 * An auth server with alice and ROOT, delivering its events to `sink` (started here), and
 * ROOT's admin token. It logs at info: every line it writes is then there for the specs that
 * look for secrets in them, and the routes Nest registers are there for the OpenAPI check.
 */
export async function startAdminServer(backend: Backend, sink: EventSink): Promise<AdminServer> {
  const ingest = (await sink.start()).url;
  const server = await startAuthServer(backend, {
    BOOTSTRAP_USERS: `${USERS.alice.username}:${USERS.alice.password},${ROOT.username}:${ROOT.password}:admin`,
    AUDIT_INGEST_URL: ingest,
    AUDIT_INGEST_SECRET: 'bb-ingest-secret-7c1d0e9f42',
    LOG_LEVEL: 'info',
  });
  const token = (await adminTokens(server, ROOT)).access_token;
  return { server, token, rootId: claimsOf(token).sub };
}
