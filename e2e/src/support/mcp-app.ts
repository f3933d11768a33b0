import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Decision, Person, Visit } from './person';

/**
 * The redirect URI's receiving end (RFC 8252 §7.3, loopback): what a desktop MCP client runs
 * while the person is in the browser. It records every authorization response it receives.
 */
export class CallbackServer {
  readonly received: URL[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.url);
      // Only the redirect URI's own path; the browser also asks for /favicon.ico.
      if (url.pathname !== new URL(this.url).pathname) {
        res.writeHead(404).end();
        return;
      }
      this.received.push(url);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Done</title><p>You can return to the application.</p>');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callback`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** An authorization response as the client received it (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 `iss`). */
export interface AuthorizationResponse {
  code?: string;
  error?: string;
  errorDescription?: string;
  state?: string;
  iss?: string;
}

/**
 * The MCP client application's `OAuthClientProvider`: keeps what the SDK asks it to keep, in
 * memory, and sends the person to the authorization page in their browser. The SDK does
 * discovery, registration (RFC 7591), PKCE and the token requests itself.
 */
export class BrowserClientProvider implements OAuthClientProvider {
  /** What the person answers on the consent page next time. */
  decision: Decision = 'approve';
  /** Screenshot names for the next visit. */
  shotPrefix = 'session';
  readonly visits: Visit[] = [];
  readonly authorizationUrls: URL[] = [];
  private expectedState?: string;
  private information?: OAuthClientInformationMixed;
  private stored?: OAuthTokens;
  private verifier?: string;
  private discovery?: OAuthDiscoveryState;

  constructor(
    private readonly person: Person,
    private readonly callback: CallbackServer,
    private readonly name: string,
  ) {}

  get redirectUrl(): string {
    return this.callback.url;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.callback.url],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.information = info;
  }
  tokens(): OAuthTokens | undefined {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.stored = tokens;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE verifier saved');
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'client') this.information = undefined;
    if (scope === 'all' || scope === 'tokens') this.stored = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url);
    this.visits.push(await this.person.authorize(url, this.decision, this.shotPrefix));
  }

  get clientId(): string {
    if (!this.information) throw new Error('not registered yet');
    return this.information.client_id;
  }

  /** The last authorization response, checked against the state this client sent. */
  lastResponse(): AuthorizationResponse {
    const landed = this.callback.received.at(-1);
    if (!landed) throw new Error('no authorization response received');
    const p = landed.searchParams;
    const response: AuthorizationResponse = {
      code: p.get('code') ?? undefined,
      error: p.get('error') ?? undefined,
      errorDescription: p.get('error_description') ?? undefined,
      state: p.get('state') ?? undefined,
      iss: p.get('iss') ?? undefined,
    };
    if (response.state !== this.expectedState) throw new Error(`state mismatch: sent ${this.expectedState}, got ${response.state}`);
    return response;
  }
}

export interface McpApp {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** `WWW-Authenticate` of every 401/403 this client received, oldest first. */
  challenges: { status: number; header: string }[];
}

/** A transport on the SDK's own fetch, recording the challenges the application may act on. */
function transportFor(mcpUrl: string, provider: OAuthClientProvider, challenges: McpApp['challenges']): StreamableHTTPClientTransport {
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 401 || res.status === 403) challenges.push({ status: res.status, header: res.headers.get('www-authenticate') ?? '' });
    return res;
  };
  return new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch });
}

/**
 * Connects the way an MCP application does: try; on `UnauthorizedError` the SDK has sent the
 * person to the browser (our provider waits for them), so exchange the code the redirect
 * brought back (`finishAuth`) and connect again.
 */
export async function connectWithAuthorization(mcpUrl: string, provider: BrowserClientProvider): Promise<McpApp> {
  const challenges: McpApp['challenges'] = [];
  const first = transportFor(mcpUrl, provider, challenges);
  const probe = new Client({ name: 'portcullis-e2e', version: '1.0.0' });
  try {
    await probe.connect(first);
    return { client: probe, transport: first, challenges };
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
  }
  const response = provider.lastResponse();
  if (!response.code) throw new AuthorizationDenied(response);
  await first.finishAuth(response.code);
  const transport = transportFor(mcpUrl, provider, challenges);
  const client = new Client({ name: 'portcullis-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, challenges };
}

/**
 * Step-up (MCP authorization, "Step-Up Authorization Flow"): re-authorize with the union of the
 * scopes held and the scopes the challenge names, then exchange the new code. No refresh here:
 * a refresh can never widen a grant (RFC 6749 §6).
 */
export async function stepUp(mcpUrl: string, provider: BrowserClientProvider, challengeScope: string): Promise<string> {
  const previous = provider.tokens();
  const held = (previous?.scope ?? '').split(' ').filter(Boolean);
  const union = [...new Set([...held, ...challengeScope.split(' ').filter(Boolean)])].join(' ');
  // Without tokens the SDK cannot take the refresh path; the old ones come back if this fails.
  provider.invalidateCredentials('tokens');
  try {
    const result = await auth(provider, { serverUrl: mcpUrl, scope: union });
    if (result !== 'REDIRECT') throw new Error(`expected a new authorization, got ${result}`);
    const response = provider.lastResponse();
    if (!response.code) throw new AuthorizationDenied(response);
    const exchanged = await auth(provider, { serverUrl: mcpUrl, scope: union, authorizationCode: response.code });
    if (exchanged !== 'AUTHORIZED') throw new Error(`code exchange ended in ${exchanged}`);
  } catch (err) {
    if (previous && !provider.tokens()) provider.saveTokens(previous);
    throw err;
  }
  return union;
}

export class AuthorizationDenied extends Error {
  constructor(readonly response: AuthorizationResponse) {
    super(`authorization ended in ${response.error}: ${response.errorDescription ?? ''}`);
  }
}

/** The `scope` parameter of a Bearer challenge (RFC 6750 §3). */
export function challengeScope(header: string): string | undefined {
  return /(?:^|[\s,])scope="([^"]*)"/.exec(header)?.[1];
}
