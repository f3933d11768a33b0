import { callTool, type McpTestApp, startMcpTestApp } from '../testing/mcp-test-app';

describe('a RESOURCE_URL with another path (/tools/v1/mcp)', () => {
  let t: McpTestApp;
  beforeAll(async () => {
    t = await startMcpTestApp({}, { path: '/tools/v1/mcp' });
  });
  afterAll(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { host: new URL(t.url).host } });

  it('serves the path-specific metadata naming that resource, and the root document naming the origin', async () => {
    const doc = await get('/.well-known/oauth-protected-resource/tools/v1/mcp');
    expect(doc.statusCode).toBe(200);
    expect(doc.json()).toMatchObject({ resource: t.resource, authorization_servers: [t.issuer.issuer] });
    expect((await get('/.well-known/oauth-protected-resource')).json()).toMatchObject({ resource: t.url });
    expect((await get('/.well-known/oauth-protected-resource/mcp')).statusCode).toBe(404);
  });

  it('serves MCP at that path and names its metadata in challenges', async () => {
    const refused = await t.rpc(callTool('analyze_sentiment', { text: 'Acme beats' }));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toContain(`resource_metadata="${t.url}/.well-known/oauth-protected-resource/tools/v1/mcp"`);
    const ok = await t.rpc(callTool('analyze_sentiment', { text: 'Acme beats estimates' }), await t.token('sentiment:analyze'));
    expect(ok.statusCode).toBe(200);
    const elsewhere = await t.app.inject({ method: 'POST', url: '/mcp', headers: { host: new URL(t.url).host, 'content-type': 'application/json' }, payload: '{}' });
    expect(elsewhere.statusCode).toBe(404);
  });
});
