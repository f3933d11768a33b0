import { decodeJwt } from 'jose';
import { EventType, parseEvent } from '@portcullis/contracts';
import { callTool, type McpTestApp, startMcpTestApp } from '../testing/mcp-test-app';

describe('mcp-server audit events (embedded: outbox → HTTP ingest)', () => {
  let t: McpTestApp;
  beforeAll(async () => {
    t = await startMcpTestApp({ REVOCATIONS_POLL_MS: '200' });
  });
  afterAll(() => t.close());

  const ofJti = (jti: string, type: string) => (e: { type: string; data: Record<string, unknown> }) => e.type === type && e.data['jti'] === jti;

  it('records a tool call: tool, outcome, duration, client, subject, jti', async () => {
    const token = await t.token('sentiment:analyze', 'erin');
    const { jti } = decodeJwt(token);
    expect((await t.rpc(callTool('analyze_sentiment', { text: 'Acme beats estimates' }), token)).statusCode).toBe(200);
    const event = await t.sink.waitFor(ofJti(jti as string, EventType.McpToolCalled));
    expect(parseEvent(event)).toMatchObject({ source: '/portcullis/mcp-server', subject: jti });
    expect(event.data).toMatchObject({ tool: 'analyze_sentiment', outcome: 'success', client_id: 'client-1', subject: 'erin', jti });
    expect(event.data['duration_ms']).toEqual(expect.any(Number));
  });

  it('records each of many concurrent calls exactly once (group commit), with distinct ids', async () => {
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => t.token('sentiment:analyze', `burst-${i}`)));
    const responses = await Promise.all(tokens.map((token) => t.rpc(callTool('analyze_sentiment', { text: 'Acme beats' }), token)));
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const jtis = new Set(tokens.map((token) => decodeJwt(token).jti as string));
    await t.sink.waitFor(() => t.sink.events.filter((e) => jtis.has(e.data['jti'] as string)).length >= 40);
    const mine = t.sink.events.filter((e) => jtis.has(e.data['jti'] as string));
    expect(mine).toHaveLength(40);
    expect(new Set(mine.map((e) => e.id)).size).toBe(40);
    expect(new Set(mine.map((e) => e.data['jti'])).size).toBe(40);
  });

  it('records a failed call (bad input) with outcome error and a code, not the message', async () => {
    const token = await t.token('sentiment:analyze', 'erin');
    const { jti } = decodeJwt(token);
    await t.rpc(callTool('analyze_sentiment', { text: '' }), token);
    const event = await t.sink.waitFor(ofJti(jti as string, EventType.McpToolCalled));
    expect(event.data).toMatchObject({ outcome: 'error', error: 'tool_error' });
  });

  it('records a request without a token as denied (401 missing_token) with the method and tool', async () => {
    const before = t.sink.events.length;
    expect((await t.rpc(callTool('watchlist_list'))).statusCode).toBe(401);
    const event = await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && t.sink.events.indexOf(e) >= before);
    expect(event.data).toEqual({
      status: 401,
      reason: 'missing_token',
      error_description: 'an access token is required',
      method: 'tools/call',
      tool: 'watchlist_list',
      required_scopes: ['watchlist:read'],
    });
  });

  it('records insufficient scope (403) naming the verified token by jti, never by value', async () => {
    const token = await t.token('watchlist:read', 'frank');
    const { jti } = decodeJwt(token);
    expect((await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), token)).statusCode).toBe(403);
    const event = await t.sink.waitFor(ofJti(jti as string, EventType.McpRequestDenied));
    expect(event.data).toMatchObject({ status: 403, reason: 'insufficient_scope', subject: 'frank', client_id: 'client-1', required_scopes: ['watchlist:write'] });
    expect(t.sink.bodies.join('')).not.toContain(token);
  });

  it.each([
    ['wrong_audience', { aud: 'http://localhost:3100/audit' }],
    ['invalid_token', { iss: 'http://evil.example' }],
  ])('records a refused token as %s (401), without its unverified claims', async (reason, claims) => {
    const token = await t.issuer.mint({ claims: { ...claims, sub: `who-${reason}` } });
    expect((await t.rpc(callTool('analyze_sentiment', { text: 'x' }), token)).statusCode).toBe(401);
    const event = await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.data['reason'] === reason);
    expect(event.data).toMatchObject({ status: 401, reason });
    expect(event.data['subject']).toBeUndefined();
    expect(t.sink.bodies.join('')).not.toContain(token);
  });

  it('records an expired but genuine token (401) with whose it was: its signature was verified', async () => {
    const token = await t.issuer.mint({ claims: { sub: 'who-expired', iat: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 300 } });
    const { jti } = decodeJwt(token);
    expect((await t.rpc(callTool('analyze_sentiment', { text: 'x' }), token)).statusCode).toBe(401);
    const event = await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.data['reason'] === 'expired');
    expect(event.data).toMatchObject({ status: 401, reason: 'expired', subject: 'who-expired', jti });
    expect(t.sink.bodies.join('')).not.toContain(token);
  });

  it('refuses a token revoked at the issuer once the poll has caught it (embedded mode), and records it as revoked', async () => {
    const token = await t.token('sentiment:analyze', 'gina');
    const { jti, exp } = decodeJwt(token);
    expect((await t.rpc(callTool('analyze_sentiment', { text: 'Acme' }), token)).statusCode).toBe(200);
    t.issuer.revoked.push({ jti: jti as string, expires_at: exp as number });
    const deadline = Date.now() + 5000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await t.rpc(callTool('analyze_sentiment', { text: 'Acme' }), token)).statusCode;
    }
    expect(status).toBe(401);
    const event = await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.data['reason'] === 'revoked');
    expect(event.data).toMatchObject({ status: 401, reason: 'revoked', subject: 'gina', jti });
  });
});
