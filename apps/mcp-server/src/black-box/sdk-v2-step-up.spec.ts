import { BrowserOAuthProvider, connectWithOAuth, EventSink, freePort, type RealAuthServer, type RunningService, scopesOf, startRealAuthServer, startService, withAuthorization } from '@portcullis/testing';
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
    const { client, transport } = await connectWithOAuth(resource, provider);
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
