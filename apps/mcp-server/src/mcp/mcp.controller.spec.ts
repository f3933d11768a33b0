import { Scope } from '@portcullis/scopes';
import { callTool, type McpTestApp, startMcpTestApp } from '../testing/mcp-test-app';
import { REQUIRED_SCOPES_META, TOOL_SCOPES } from './tool-scopes';

const ALL = 'sentiment:analyze sentiment:read watchlist:read watchlist:write';

describe('POST /mcp (SQLite, local issuer)', () => {
  let t: McpTestApp;
  beforeAll(async () => {
    t = await startMcpTestApp();
  });
  afterAll(() => t.close());

  const result = (res: { json(): unknown }) => (res.json() as { result: { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text: string }[] } }).result;

  it('initializes without a session id (stateless)', async () => {
    const res = await t.rpc(
      { jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
      await t.token('sentiment:read'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.json()).toMatchObject({ id: 'init', result: { protocolVersion: '2025-06-18', serverInfo: { name: 'portcullis-sentiment' } } });
  });

  it('answers a notification with 202 and no body', async () => {
    const res = await t.rpc({ jsonrpc: '2.0', method: 'notifications/initialized' }, await t.token('sentiment:read'));
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
  });

  it('lists every tool with its scope in the description and _meta', async () => {
    const res = await t.rpc({ jsonrpc: '2.0', id: 7, method: 'tools/list' }, await t.token('sentiment:read'));
    const tools = (res.json() as { result: { tools: { name: string; description: string; _meta: Record<string, string[]> }[] } }).result.tools;
    expect(tools.map((x) => x.name).sort()).toEqual(Object.keys(TOOL_SCOPES).sort());
    for (const tool of tools) {
      const scope = TOOL_SCOPES[tool.name as keyof typeof TOOL_SCOPES];
      expect(tool.description).toContain(scope);
      expect(tool._meta[REQUIRED_SCOPES_META]).toEqual([scope]);
    }
  });

  it('keeps each client id when concurrent requests use the same id', async () => {
    const token = await t.token(ALL);
    const texts = ['Acme beats estimates', 'Globex defaults on debt', 'Initech names new CFO'];
    const responses = await Promise.all(texts.map((text) => t.rpc(callTool('analyze_sentiment', { text }, 1), token)));
    expect(responses.map((r) => (r.json() as { id: number }).id)).toEqual([1, 1, 1]);
    expect(responses.map((r) => result(r).structuredContent?.['label'])).toEqual(['positive', 'negative', 'neutral']);
  });

  it('analyze_sentiment returns score, label and drivers', async () => {
    const res = await t.rpc(callTool('analyze_sentiment', { text: 'Globex raises guidance after record quarter' }), await t.token('sentiment:analyze'));
    expect(res.statusCode).toBe(200);
    expect(result(res).structuredContent).toMatchObject({ label: 'positive', drivers: expect.arrayContaining([{ term: 'raises guidance', weight: 3.5 }]) });
  });

  it('ticker_sentiment aggregates the seeded headlines within the window', async () => {
    const token = await t.token('sentiment:read');
    const week = result(await t.rpc(callTool('ticker_sentiment', { ticker: 'acme' }), token)).structuredContent!;
    expect(week).toMatchObject({ ticker: 'ACME', days: 7, label: 'positive' });
    const quarter = result(await t.rpc(callTool('ticker_sentiment', { ticker: 'ACME', days: 90 }), token)).structuredContent!;
    expect(quarter['headlineCount']).toBeGreaterThan(week['headlineCount'] as number);
    const initech = result(await t.rpc(callTool('ticker_sentiment', { ticker: 'INIT', days: 30 }), token)).structuredContent!;
    expect(initech['label']).toBe('negative');
    const unknown = result(await t.rpc(callTool('ticker_sentiment', { ticker: 'ZZZZ' }), token)).structuredContent!;
    expect(unknown).toMatchObject({ headlineCount: 0, label: 'neutral' });
  });

  it('keeps each subject to its own watchlist', async () => {
    const alice = await t.token('watchlist:write', 'alice');
    const bob = await t.token('watchlist:write', 'bob');
    await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), alice);
    await t.rpc(callTool('watchlist_add', { ticker: 'hool' }), alice);
    const again = result(await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), alice)).structuredContent!;
    expect(again).toMatchObject({ added: false, tickers: ['ACME', 'HOOL'] });
    await t.rpc(callTool('watchlist_add', { ticker: 'GLBX' }), bob);
    // watchlist:write implies watchlist:read.
    expect(result(await t.rpc(callTool('watchlist_list'), alice)).structuredContent).toEqual({ tickers: ['ACME', 'HOOL'] });
    expect(result(await t.rpc(callTool('watchlist_list'), bob)).structuredContent).toEqual({ tickers: ['GLBX'] });
    const removed = result(await t.rpc(callTool('watchlist_remove', { ticker: 'ACME' }), alice)).structuredContent!;
    expect(removed).toMatchObject({ removed: true, tickers: ['HOOL'] });
    const notMine = result(await t.rpc(callTool('watchlist_remove', { ticker: 'GLBX' }), alice)).structuredContent!;
    expect(notMine).toMatchObject({ removed: false });
    expect(result(await t.rpc(callTool('watchlist_list'), bob)).structuredContent).toEqual({ tickers: ['GLBX'] });
  });

  it.each([
    ['analyze_sentiment', 'no text', {}],
    ['analyze_sentiment', 'empty text', { text: '' }],
    ['analyze_sentiment', 'text too long', { text: 'x'.repeat(20_001) }],
    ['ticker_sentiment', 'a bad ticker', { ticker: 'not a ticker!' }],
    ['ticker_sentiment', 'days 0', { ticker: 'ACME', days: 0 }],
    ['ticker_sentiment', 'days not a number', { ticker: 'ACME', days: 'seven' }],
    ['watchlist_add', 'a numeric ticker', { ticker: 42 }],
  ])('%s with %s is a tool error result, not a failure', async (name, _what, args) => {
    const res = await t.rpc(callTool(name, args), await t.token(ALL));
    expect(res.statusCode).toBe(200);
    expect(result(res).isError).toBe(true);
    expect(result(res).content[0].text).toMatch(/Invalid arguments|must/);
  });

  it('answers an unknown tool with a tool error', async () => {
    const res = await t.rpc(callTool('drop_tables'), await t.token(ALL));
    expect(result(res)).toMatchObject({ isError: true });
  });

  it('refuses a call without the tool scope with 403 and the scope to step up to', async () => {
    const token = await t.token('sentiment:analyze watchlist:read');
    const res = await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), token);
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_scope", error_description="this operation needs the scope watchlist:write", scope="watchlist:write", resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    const stepped = await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), await t.token('sentiment:analyze watchlist:read watchlist:write'));
    expect(stepped.statusCode).toBe(200);
  });

  it('names every scope a batch needs in one challenge', async () => {
    const res = await t.rpc([callTool('ticker_sentiment', { ticker: 'ACME' }, 1), callTool('watchlist_add', { ticker: 'ACME' }, 2)], await t.token('sentiment:analyze'));
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toContain('scope="sentiment:read watchlist:write"');
  });

  it('answers a batch with a batch', async () => {
    const res = await t.rpc([callTool('analyze_sentiment', { text: 'beats' }, 'a'), { jsonrpc: '2.0', id: 'b', method: 'tools/list' }], await t.token(ALL));
    expect((res.json() as { id: string }[]).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('answers no token with 401 and the scopes of the call', async () => {
    const res = await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer scope="watchlist:write", resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('answers no token on initialize with the baseline scopes', async () => {
    const res = await t.rpc({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    expect(res.headers['www-authenticate']).toContain(`scope="${Scope.SentimentAnalyze} ${Scope.SentimentRead} ${Scope.WatchlistRead}"`);
  });

  it('rejects a token for another resource (no passthrough)', async () => {
    const token = await t.issuer.mint({ claims: { aud: 'http://127.0.0.1:3100/audit', scope: ALL } });
    const res = await t.rpc(callTool('watchlist_list'), token);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('rejects a token in the query string', async () => {
    const token = await t.token(ALL);
    const res = await t.app.inject({
      method: 'POST',
      url: `/mcp?access_token=${token}`,
      headers: { host: new URL(t.url).host, 'content-type': 'application/json' },
      payload: JSON.stringify(callTool('watchlist_list')),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const res = await t.rpc(callTool('watchlist_list'), await t.token(ALL), { host: 'evil.example:80' });
    expect(res.statusCode).toBe(403);
  });

  it('rejects a malformed Origin, accepts a well-formed one', async () => {
    const token = await t.token(ALL);
    expect((await t.rpc(callTool('watchlist_list'), token, { origin: 'not an origin' })).statusCode).toBe(403);
    expect((await t.rpc(callTool('watchlist_list'), token, { origin: 'https://inspector.example' })).statusCode).toBe(200);
  });

  it.each([
    [{ jsonrpc: '1.0', id: 1, method: 'tools/list' }],
    [[]],
    [{ hello: 'world' }],
    ['just a string'],
  ])('rejects the malformed JSON-RPC body %j with 400', async (body) => {
    const res = await t.rpc(body, await t.token(ALL));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
  });

  it('rejects an unsupported protocol version header', async () => {
    const res = await t.rpc(undefined, await t.token(ALL), { 'mcp-protocol-version': '1999-01-01' });
    expect(res.statusCode).toBe(400);
  });

  it('answers GET and DELETE /mcp with 405 once authenticated', async () => {
    const headers = { host: new URL(t.url).host, authorization: `Bearer ${await t.token(ALL)}` };
    expect((await t.app.inject({ method: 'GET', url: '/mcp', headers })).statusCode).toBe(405);
    expect((await t.app.inject({ method: 'DELETE', url: '/mcp', headers })).statusCode).toBe(405);
  });

  it.each(['GET', 'DELETE'] as const)('answers %s /mcp without a token with the 401 challenge first, not 405', async (method) => {
    const res = await t.app.inject({ method, url: '/mcp', headers: { host: new URL(t.url).host } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer scope="${Scope.SentimentAnalyze} ${Scope.SentimentRead} ${Scope.WatchlistRead}", resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(res.json()).not.toHaveProperty('error');
  });
});

describe('POST /mcp with Origin allow-list', () => {
  let t: McpTestApp;
  beforeAll(async () => {
    t = await startMcpTestApp({ ALLOWED_ORIGINS: 'https://app.example' });
  });
  afterAll(() => t.close());

  it('accepts only the configured origins', async () => {
    const token = await t.token(ALL);
    expect((await t.rpc(callTool('watchlist_list'), token, { origin: 'https://app.example' })).statusCode).toBe(200);
    expect((await t.rpc(callTool('watchlist_list'), token, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await t.rpc(callTool('watchlist_list'), token)).statusCode).toBe(200);
  });
});
