import {
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { EventSink, freePort, type RealAuthServer, type RunningService, startRealAuthServer, startService } from '@portcullis/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Step-up authorization (MCP "Scope Challenge Handling", SEP-2350) with the MCP SDK v2 client
 * (@modelcontextprotocol/client) and its OAuthClientProvider, against the real built
 * authorization server and mcp-server: the client registers itself (RFC 7591), a person logs in
 * and consents, and when a tool needs a scope the token lacks, the server's 403
 * insufficient_scope makes the SDK authorize again for the union of the scopes — refresh cannot
 * widen a grant — after which the same call succeeds. (SDK 1.32's client answers that 403 by
 * refreshing and gives up.)
 */

const REDIRECT_URL = 'http://127.0.0.1/callback';

/**
 * An OAuthClientProvider as an app writes one, with an in-memory store; "opening the browser"
 * drives the real login and consent pages and keeps the callback URL for the app to finish.
 */
class BrowserOAuthProvider implements OAuthClientProvider {
  readonly authorizationRequests: URL[] = [];
  callback?: URL;
  private client?: StoredOAuthClientInformation;
  private stored?: StoredOAuthTokens;
  private verifier = '';
  private discovery?: OAuthDiscoveryState;

  constructor(private readonly as: RealAuthServer) {}

  get redirectUrl(): string {
    return REDIRECT_URL;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK v2 step-up test',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.stored = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationRequests.push(url);
    this.callback = await this.as.authorizeInBrowser(url);
  }
}

/** What an app does with UnauthorizedError: finish the authorization at its callback, then try again. */
async function withAuthorization<T>(transport: StreamableHTTPClientTransport, provider: BrowserOAuthProvider, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || !provider.callback) throw err;
    const callback = provider.callback;
    provider.callback = undefined;
    await transport.finishAuth(callback.searchParams);
    return attempt();
  }
}

/** The SDK's connect pattern: the first transport ends in UnauthorizedError; finish, then connect anew. */
async function connect(resource: string, provider: BrowserOAuthProvider): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const first = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  await expect(new Client({ name: 'sdk-v2-step-up', version: '1.0.0' }).connect(first)).rejects.toThrow(UnauthorizedError);
  const callback = provider.callback;
  if (!callback) throw new Error('the SDK did not send the person to the authorization server');
  provider.callback = undefined;
  await first.finishAuth(callback.searchParams);
  await first.close();
  const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  const client = new Client({ name: 'sdk-v2-step-up', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const scopesOf = (url: URL) => (url.searchParams.get('scope') ?? '').split(' ').filter(Boolean).sort();

describe('step-up with the MCP SDK v2 client and the real authorization server', () => {
  let as: RealAuthServer;
  let sink: EventSink;
  let mcp: RunningService;
  let dir: string;
  let resource: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-sdk-v2-'));
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    sink = await new EventSink().start();
    as = await startRealAuthServer('sqlite', { MCP_RESOURCE_URL: resource, AUDIT_INGEST_URL: sink.url });
    mcp = await startService('mcp-server', port, {
      RESOURCE_URL: resource,
      ISSUER_URL: as.issuer,
      SQLITE_PATH: join(dir, 'mcp.sqlite'),
      DATABASE_URL: undefined,
      BROKER_URL: undefined,
      AUDIT_INGEST_URL: sink.url,
    });
  }, 90_000);
  afterAll(async () => {
    await mcp?.stop();
    await as?.stop();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('a tool needing a scope the token lacks: 403 insufficient_scope, the client re-authorizes with the wider scope, the call succeeds', async () => {
    const provider = new BrowserOAuthProvider(as);
    // First contact: 401 → discovery, registration, the person logs in and consents.
    const { client, transport } = await connect(resource, provider);
    expect(provider.authorizationRequests).toHaveLength(1);
    const first = scopesOf(provider.authorizationRequests[0]);
    expect(first).not.toContain('watchlist:write');
    expect(provider.tokens()?.scope?.split(' ')).not.toContain('watchlist:write');
    expect((await client.callTool({ name: 'watchlist_list', arguments: {} })).structuredContent).toEqual({ tickers: [] });

    // watchlist_add needs watchlist:write: the server's 403 sends the client back for it.
    const added = await withAuthorization(transport, provider, () => client.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } }));
    expect(added.structuredContent).toMatchObject({ added: true });
    expect(provider.authorizationRequests).toHaveLength(2);
    // The new request asks for the union: what the token had, and what the challenge named.
    expect(scopesOf(provider.authorizationRequests[1])).toEqual(expect.arrayContaining([...first, 'watchlist:write']));
    expect(provider.tokens()?.scope?.split(' ')).toContain('watchlist:write');
    expect((await client.callTool({ name: 'watchlist_list', arguments: {} })).structuredContent).toEqual({ tickers: ['ACME'] });
    await client.close();
  }, 60_000);
});
