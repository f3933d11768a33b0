import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { EventSink, freePort, type RunningService, startService, TestIssuer } from '@portcullis/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type McpTestApp, startMcpTestApp } from '../testing/mcp-test-app';

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'sdk-client-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  return client;
}

describe('the official MCP SDK client against the mcp-server', () => {
  let t: McpTestApp;
  beforeAll(async () => {
    t = await startMcpTestApp();
  });
  afterAll(() => t.close());

  it('lists the tools and calls each one', async () => {
    const client = await connect(t.url, await t.token('sentiment:analyze sentiment:read watchlist:write', 'carol'));
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(['analyze_sentiment', 'ticker_sentiment', 'watchlist_add', 'watchlist_list', 'watchlist_remove']);
    const analyzed = await client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Hooli downgraded to sell' } });
    expect(analyzed.structuredContent).toMatchObject({ label: 'negative' });
    const ticker = await client.callTool({ name: 'ticker_sentiment', arguments: { ticker: 'STRK', days: 30 } });
    expect(ticker.structuredContent).toMatchObject({ ticker: 'STRK', label: 'positive' });
    expect((await client.callTool({ name: 'watchlist_add', arguments: { ticker: 'STRK' } })).structuredContent).toMatchObject({ added: true });
    expect((await client.callTool({ name: 'watchlist_list', arguments: {} })).structuredContent).toEqual({ tickers: ['STRK'] });
    expect((await client.callTool({ name: 'watchlist_remove', arguments: { ticker: 'STRK' } })).structuredContent).toMatchObject({ removed: true });
    await client.close();
  });

  it('steps up: 403 insufficient_scope without watchlist:write, success with a new token that has it', async () => {
    const reader = await connect(t.url, await t.token('sentiment:analyze watchlist:read', 'dave'));
    await expect(reader.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } })).rejects.toThrow(/insufficient_scope/);
    await reader.close();
    const res = await t.rpc({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'watchlist_add', arguments: { ticker: 'ACME' } } }, await t.token('sentiment:analyze watchlist:read', 'dave'));
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope", error_description="this operation needs the scope watchlist:write", scope="watchlist:write"');
    const writer = await connect(t.url, await t.token('sentiment:analyze watchlist:read watchlist:write', 'dave'));
    expect((await writer.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } })).structuredContent).toMatchObject({ added: true, tickers: ['ACME'] });
    await writer.close();
  });
});

describe('two mcp-server processes (built dist) accept the same token', () => {
  let issuer: TestIssuer;
  let sink: EventSink;
  const servers: RunningService[] = [];
  const resource = 'http://localhost:3000/mcp';

  beforeAll(async () => {
    issuer = await new TestIssuer(resource).start();
    sink = await new EventSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'mcp-replicas-'));
    for (const name of ['a', 'b']) {
      const port = await freePort();
      servers.push(
        await startService('mcp-server', port, {
          RESOURCE_URL: resource,
          ISSUER_URL: issuer.issuer,
          SQLITE_PATH: join(dir, `${name}.sqlite`),
          ALLOWED_HOSTS: `127.0.0.1:${port}`,
          AUDIT_INGEST_URL: sink.url,
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await issuer.stop();
    await sink.stop();
  }, 30_000);

  it('serves the same token on both replicas without shared state', async () => {
    const token = await issuer.mint({ claims: { scope: 'sentiment:analyze' } });
    for (const server of servers) {
      const client = await connect(server.url, token);
      const result = await client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates' } });
      expect(result.structuredContent).toMatchObject({ label: 'positive' });
      await client.close();
    }
    for (const server of servers) expect(server.output()).not.toContain(token);
  });
});
