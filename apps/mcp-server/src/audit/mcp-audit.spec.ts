import { Logger } from '@nestjs/common';
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

  describe('a tool name shaped like a JWT (hostile input)', () => {
    const JWT_SHAPED = 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.x';

    it('gets the answer any unknown tool gets, and the call is recorded without the value', async () => {
      const token = await t.token('sentiment:analyze', 'hank');
      const { jti } = decodeJwt(token);
      const unknown = await t.rpc(callTool('no_such_tool'), await t.token('sentiment:analyze'));
      const shaped = await t.rpc(callTool(JWT_SHAPED), token);
      expect(shaped.statusCode).toBe(unknown.statusCode);
      expect(shaped.body.replaceAll(JWT_SHAPED, 'no_such_tool')).toBe(unknown.body);
      const event = await t.sink.waitFor(ofJti(jti as string, EventType.McpToolCalled));
      expect(event.data).toMatchObject({ outcome: 'error', subject: 'hank', jti });
      expect(event.data['tool']).toEqual(expect.any(String));
      expect(JSON.stringify(event)).not.toContain('eyJhbGciOiJub25lIn0');
    });

    it('without a token is denied with the plain 401 challenge, and recorded', async () => {
      const before = t.sink.events.length;
      const res = await t.rpc(callTool(JWT_SHAPED));
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).not.toContain('error=');
      const event = await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && t.sink.events.indexOf(e) >= before);
      expect(event.data).toMatchObject({ status: 401, reason: 'missing_token', method: 'tools/call' });
      expect(JSON.stringify(event)).not.toContain('eyJhbGciOiJub25lIn0');
    });
  });

  describe('the log line of a denied request', () => {
    let log: jest.SpyInstance;
    beforeEach(() => (log = jest.spyOn(Logger.prototype, 'log')));
    afterEach(() => log.mockRestore());
    const lines = () => log.mock.calls.map(([message]) => message as Record<string, unknown>).filter((m) => typeof m === 'object' && m?.['msg'] === 'mcp request denied');

    it('names the reason code, method and tool of a request without a token', async () => {
      await t.rpc(callTool('watchlist_list'));
      expect(lines()).toEqual([{ msg: 'mcp request denied', requestId: expect.any(String), status: 401, reason: 'missing_token', method: 'tools/call', tool: 'watchlist_list', required_scopes: ['watchlist:read'] }]);
    });

    it('names the precise reason and the verified client and subject, never the token', async () => {
      const token = await t.token('watchlist:read', 'ivy');
      expect((await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), token)).statusCode).toBe(403);
      const forged = `${token.slice(0, -4)}AAAA`;
      expect((await t.rpc(callTool('watchlist_list'), forged)).statusCode).toBe(401);
      expect(lines()).toEqual([
        { msg: 'mcp request denied', requestId: expect.any(String), status: 403, reason: 'insufficient_scope', method: 'tools/call', tool: 'watchlist_add', client_id: 'client-1', sub: 'ivy', required_scopes: ['watchlist:write'] },
        { msg: 'mcp request denied', requestId: expect.any(String), status: 401, reason: 'bad_signature', method: 'tools/call', tool: 'watchlist_list', required_scopes: ['watchlist:read'] },
      ]);
      expect(JSON.stringify(log.mock.calls)).not.toContain(token.split('.')[2]);
    });

    it('leaves out a tool name that is not one of this server’s tools (caller text)', async () => {
      await t.rpc(callTool('eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.x'));
      expect(lines()).toEqual([{ msg: 'mcp request denied', requestId: expect.any(String), status: 401, reason: 'missing_token', method: 'tools/call' }]);
    });
  });
});
