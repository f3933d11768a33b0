import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, JWTPayload, jwtVerify, ProtectedHeaderParameters } from 'jose';
import { DEFAULT_RESOURCES } from '@portcullis/scopes';
import { AuthServer, INITIAL_ACCESS_TOKEN, insecure, RESOURCE_SERVERS } from './auth-server';
import { Browser, expectPage, expectRedirect, isConsentPage, isLoginPage, Navigation } from './browser';

/**
 * The client side of the black-box tests, written only against oauth4webapi and the
 * discovered metadata: no endpoint path is assumed.
 */
export const MCP = DEFAULT_RESOURCES.mcp;
export const AUDIT = DEFAULT_RESOURCES.audit;
export const REDIRECT = 'http://127.0.0.1/callback';

/** An endpoint URL from the discovered metadata; a missing one fails the test loudly. */
export function endpoint(server: AuthServer, name: keyof oauth.AuthorizationServer): string {
  const url = server.as[name];
  if (typeof url !== 'string') throw new Error(`the metadata has no ${String(name)}`);
  return url;
}

export type RegisteredClient = oauth.Client & { client_secret?: string; client_name?: string };

export async function registrationResponse(server: AuthServer, metadata: Record<string, unknown>, initialAccessToken?: string): Promise<Response> {
  return oauth.dynamicClientRegistrationRequest(server.as, metadata as Partial<oauth.Client>, { initialAccessToken, ...insecure });
}

/** RFC 7591 registration; with `trusted`, carrying the initial access token (§3). */
export async function register(server: AuthServer, metadata: Record<string, unknown>, trusted = false): Promise<RegisteredClient> {
  const res = await registrationResponse(server, metadata, trusted ? INITIAL_ACCESS_TOKEN : undefined);
  return (await oauth.processDynamicClientRegistrationResponse(res)) as RegisteredClient;
}

/** A public native client, as an MCP client registers itself. */
export function registerPublicClient(server: AuthServer, extra: Record<string, unknown> = {}): Promise<RegisteredClient> {
  return register(server, {
    client_name: 'Black-box MCP client',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    ...extra,
  });
}

/** A trusted confidential client (a resource server or a machine client). */
export function registerTrustedClient(server: AuthServer, extra: Record<string, unknown> = {}): Promise<RegisteredClient> {
  return register(
    server,
    {
      client_name: 'Black-box trusted service',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'sentiment:analyze sentiment:read watchlist:read watchlist:write audit:read',
      ...extra,
    },
    true,
  );
}

/** A resource server the harness pre-registered (CLIENTS_FILE): the clients that may introspect. */
export function resourceServerClient(kind: keyof typeof RESOURCE_SERVERS): RegisteredClient {
  const { client_id, client_secret, token_endpoint_auth_method } = RESOURCE_SERVERS[kind];
  return { client_id, client_secret, token_endpoint_auth_method };
}

/** RFC 7592 §2.3: deletes a registered client with its registration access token. */
export function deleteClient(client: RegisteredClient): Promise<Response> {
  return fetch(String(client.registration_client_uri ?? ''), {
    method: 'DELETE',
    headers: { authorization: `Bearer ${String(client.registration_access_token ?? '')}` },
  });
}

export function clientAuth(client: RegisteredClient): oauth.ClientAuth {
  if (!client.client_secret) return oauth.None();
  return client.token_endpoint_auth_method === 'client_secret_post' ? oauth.ClientSecretPost(client.client_secret) : oauth.ClientSecretBasic(client.client_secret);
}

export interface AuthorizationParams {
  client: RegisteredClient;
  redirectUri?: string;
  scope?: string;
  resource?: string | null;
  state?: string;
  prompt?: string;
  /** Overrides for negative tests; null removes a parameter. */
  extra?: Record<string, string | null>;
}

export interface PreparedAuthorization {
  url: URL;
  state: string;
  verifier: string;
  redirectUri: string;
}

export async function authorizationUrl(server: AuthServer, p: AuthorizationParams): Promise<PreparedAuthorization> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = p.state ?? oauth.generateRandomState();
  const redirectUri = p.redirectUri ?? REDIRECT;
  const url = new URL(endpoint(server, 'authorization_endpoint'));
  const params: Record<string, string | null | undefined> = {
    response_type: 'code',
    client_id: p.client.client_id,
    redirect_uri: redirectUri,
    scope: p.scope ?? 'sentiment:read watchlist:read offline_access',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    resource: p.resource === null ? null : (p.resource ?? MCP),
    prompt: p.prompt,
    ...p.extra,
  };
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') url.searchParams.set(k, v);
  return { url, state, verifier, redirectUri };
}

export interface Person {
  username: string;
  password: string;
}

/**
 * Drives the browser from the authorization URL to the redirect back to the client, logging
 * in and approving on the real pages as they appear. Returns the callback URL and which
 * pages were shown.
 */
export async function authorizeInBrowser(
  browser: Browser,
  url: URL,
  person: Person,
  decision: 'approve' | 'deny' = 'approve',
): Promise<{ callback: URL; sawLogin: boolean; sawConsent: boolean }> {
  let nav: Navigation = await browser.navigate(url);
  let sawLogin = false;
  let sawConsent = false;
  for (let steps = 0; nav.kind === 'page'; steps++) {
    const page = nav.page;
    if (steps > 4 || page.status !== 200) throw new Error(`unexpected ${page.status} page at ${page.url}:\n${page.html.slice(0, 1500)}`);
    if (isLoginPage(page)) {
      sawLogin = true;
      nav = await browser.submit(page, { username: person.username, password: person.password });
    } else if (isConsentPage(page)) {
      sawConsent = true;
      nav = await browser.submit(page, { decision });
    } else {
      throw new Error(`unknown page at ${page.url}:\n${page.html.slice(0, 1500)}`);
    }
  }
  return { callback: expectRedirect(nav), sawLogin, sawConsent };
}

/** `n` codes for `client`, issued one after another to `person` in one browser session. */
export async function issueCodes(
  server: AuthServer,
  client: RegisteredClient,
  person: Person,
  n: number,
  scope = 'sentiment:read offline_access',
): Promise<{ prepared: PreparedAuthorization; callback: URL }[]> {
  const browser = new Browser(server.issuer);
  const codes = [];
  for (let i = 0; i < n; i++) {
    const prepared = await authorizationUrl(server, { client, scope });
    codes.push({ prepared, callback: (await authorizeInBrowser(browser, prepared.url, person)).callback });
  }
  return codes;
}

/** A login page is expected first; returns it after checking. */
export async function openLoginPage(browser: Browser, url: URL) {
  const page = expectPage(await browser.navigate(url));
  if (!isLoginPage(page)) throw new Error(`expected the login page, got:\n${page.html.slice(0, 1500)}`);
  return page;
}

export async function exchangeCode(
  server: AuthServer,
  client: RegisteredClient,
  callback: URL,
  prepared: PreparedAuthorization,
  additionalParameters?: Record<string, string>,
): Promise<Response> {
  const params = oauth.validateAuthResponse(server.as, client, callback, prepared.state);
  return oauth.authorizationCodeGrantRequest(server.as, client, clientAuth(client), params, prepared.redirectUri, prepared.verifier, {
    additionalParameters: additionalParameters ?? { resource: MCP },
    ...insecure,
  });
}

export interface CodeFlowResult {
  tokens: oauth.TokenEndpointResponse;
  code: string;
  prepared: PreparedAuthorization;
  sawLogin: boolean;
  sawConsent: boolean;
}

/** The whole people's flow: authorize, log in, consent, validate the callback, exchange. */
export async function codeFlow(
  server: AuthServer,
  browser: Browser,
  client: RegisteredClient,
  person: Person,
  p: Omit<AuthorizationParams, 'client'> = {},
): Promise<CodeFlowResult> {
  const prepared = await authorizationUrl(server, { client, ...p });
  const { callback, sawLogin, sawConsent } = await authorizeInBrowser(browser, prepared.url, person);
  const res = await exchangeCode(server, client, callback, prepared, { resource: p.resource ?? MCP });
  const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, res);
  return { tokens, code: callback.searchParams.get('code') ?? '', prepared, sawLogin, sawConsent };
}

export async function refresh(server: AuthServer, client: RegisteredClient, refreshToken: string, additionalParameters?: Record<string, string>) {
  return oauth.refreshTokenGrantRequest(server.as, client, clientAuth(client), refreshToken, { additionalParameters, ...insecure });
}

export async function introspect(server: AuthServer, caller: RegisteredClient, token: string): Promise<oauth.IntrospectionResponse> {
  const res = await oauth.introspectionRequest(server.as, caller, clientAuth(caller), token, insecure);
  return oauth.processIntrospectionResponse(server.as, caller, res);
}

export async function revoke(server: AuthServer, client: RegisteredClient, token: string, hint?: string): Promise<Response> {
  return oauth.revocationRequest(server.as, client, clientAuth(client), token, {
    additionalParameters: hint ? { token_type_hint: hint } : undefined,
    ...insecure,
  });
}

export async function clientCredentials(server: AuthServer, client: RegisteredClient, params: Record<string, string>): Promise<Response> {
  return oauth.clientCredentialsGrantRequest(server.as, client, clientAuth(client), params, insecure);
}

/** A client-credentials grant that must succeed: its validated token response. */
export async function clientCredentialsTokens(server: AuthServer, client: RegisteredClient, params: Record<string, string>): Promise<oauth.TokenEndpointResponse> {
  return oauth.processClientCredentialsResponse(server.as, client, await clientCredentials(server, client, params));
}

/** Verifies an RFC 9068 access token against the discovered jwks_uri. */
export async function verifyAccessToken(
  server: AuthServer,
  token: string,
  audience: string,
): Promise<{ header: ProtectedHeaderParameters; claims: JWTPayload & Record<string, unknown> }> {
  const jwks = createRemoteJWKSet(new URL(endpoint(server, 'jwks_uri')));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: server.issuer, audience, typ: 'at+jwt' });
  return { header: protectedHeader, claims: payload as JWTPayload & Record<string, unknown> };
}

/** The RFC 6749 §5.2 error of a failed response, with its status. */
export async function oauthError(res: Response): Promise<{ status: number; error: string; description?: string; headers: Headers }> {
  const text = await res.text();
  let body: { error?: string; error_description?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`expected an OAuth error JSON body, got ${res.status}: ${text.slice(0, 500)}`);
  }
  return { status: res.status, error: body.error ?? '', description: body.error_description, headers: res.headers };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
