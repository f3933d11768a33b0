import { createTestDatabase, type TestDatabase } from '@portcullis/testing';
import { callTool, type McpTestApp, startMcpTestApp } from '../testing/mcp-test-app';

type ToolResponse = { result: { structuredContent?: Record<string, unknown>; isError?: boolean } };

describe('mcp-server on PostgreSQL (DATABASE_URL)', () => {
  let db: TestDatabase;
  let t: McpTestApp;
  beforeAll(async () => {
    db = await createTestDatabase('mcp_server_test');
    t = await startMcpTestApp({ DATABASE_URL: db.url });
  }, 30_000);
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  const call = async (name: string, args: Record<string, unknown>, token: string) =>
    ((await t.rpc(callTool(name, args), token)).json() as ToolResponse).result.structuredContent;

  it('seeds the headline store and aggregates a ticker', async () => {
    const token = await t.token('sentiment:read');
    expect(await call('ticker_sentiment', { ticker: 'GLBX', days: 7 }, token)).toMatchObject({ ticker: 'GLBX', label: 'negative', headlineCount: 4 });
    expect(await call('ticker_sentiment', { ticker: 'GLBX', days: 90 }, token)).toMatchObject({ headlineCount: 7 });
  });

  it('keeps watchlists per subject, idempotently, across concurrent adds', async () => {
    const alice = await t.token('watchlist:write', 'alice');
    const bob = await t.token('watchlist:write', 'bob');
    await Promise.all([call('watchlist_add', { ticker: 'ACME' }, alice), call('watchlist_add', { ticker: 'ACME' }, alice)]);
    await call('watchlist_add', { ticker: 'INIT' }, bob);
    expect(await call('watchlist_list', {}, alice)).toEqual({ tickers: ['ACME'] });
    expect(await call('watchlist_list', {}, bob)).toEqual({ tickers: ['INIT'] });
  });

  it('reports ready when the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
  });
});
