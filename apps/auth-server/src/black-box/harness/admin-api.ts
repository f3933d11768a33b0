import * as oauth from 'oauth4webapi';
import { AuthServer, authorizationUrl, authorizeInBrowser, Browser, exchangeCode, Person, RegisteredClient } from '@portcullis/testing';

/** The console's own client, created by the server at start (admin/console-client). */
export const CONSOLE: RegisteredClient = { client_id: 'portcullis-console', token_endpoint_auth_method: 'none' };

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
