import { EventType } from '@portcullis/contracts';
import { createLogger, currentRequestId } from '@portcullis/http';
import { asyncContextProbe, memoryLog } from '@portcullis/testing';
import { callTool, type McpTestApp, startMcpTestApp } from '../testing/mcp-test-app';
import { McpServerHost } from './mcp-server.provider';

/**
 * The request id's contract (README "Request id") on the mcp-server, which hands ids on
 * explicitly rather than through an AsyncLocalStorage (bootstrap.ts): kept or made, answered,
 * on the request's log lines (its request line, its refusal line), and the `requestid` of every
 * event it makes — with no async context ever entered while requests are handled.
 */
describe('request ids through the mcp-server (explicit: no AsyncLocalStorage)', () => {
  const log = memoryLog();
  let t: McpTestApp;
  beforeAll(async () => {
    t = await startMcpTestApp({}, { logger: createLogger({ logFormat: 'json', logLevel: 'info' }, log.stream) });
  });
  afterAll(() => t?.close());

  const withId = (requestId: string) => ({ 'x-request-id': requestId });
  const linesOf = (requestId: string) => log.lines.filter((l) => l['requestId'] === requestId);

  it('keeps the caller’s id: answered, on the request line, and the requestid of mcp.tool.called', async () => {
    const res = await t.rpc(callTool('analyze_sentiment', { text: 'Acme beats estimates' }), await t.token('sentiment:analyze'), withId('rid-mcp-call-1'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('rid-mcp-call-1');
    expect(linesOf('rid-mcp-call-1')).toEqual([expect.objectContaining({ msg: 'request', method: 'POST', status: 200 })]);
    const event = await t.sink.waitFor((e) => e.type === EventType.McpToolCalled && e.requestid === 'rid-mcp-call-1');
    expect(event.data).toMatchObject({ tool: 'analyze_sentiment', outcome: 'success' });
  });

  it('makes an id for a caller who sent an invalid one, and uses it alike', async () => {
    const res = await t.rpc(callTool('analyze_sentiment', { text: 'Globex misses' }), await t.token('sentiment:analyze'), withId('not valid: spaces'));
    const made = res.headers['x-request-id'] as string;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(linesOf(made)).toEqual([expect.objectContaining({ msg: 'request', status: 200 })]);
    await t.sink.waitFor((e) => e.type === EventType.McpToolCalled && e.requestid === made);
  });

  it('names the id on a refusal’s lines and its mcp.request.denied event (no token, then too few scopes)', async () => {
    expect((await t.rpc(callTool('watchlist_list'), undefined, withId('rid-mcp-none-1'))).statusCode).toBe(401);
    expect(linesOf('rid-mcp-none-1')).toEqual(
      expect.arrayContaining([expect.objectContaining({ msg: 'mcp request denied', reason: 'missing_token' }), expect.objectContaining({ msg: 'request', status: 401 })]),
    );
    await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.requestid === 'rid-mcp-none-1');

    expect((await t.rpc(callTool('watchlist_add', { ticker: 'ACME' }), await t.token('watchlist:read'), withId('rid-mcp-scope-1'))).statusCode).toBe(403);
    expect(linesOf('rid-mcp-scope-1')).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'mcp request denied', reason: 'insufficient_scope' })]));
    const event = await t.sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.requestid === 'rid-mcp-scope-1');
    expect(event.data).toMatchObject({ status: 403, reason: 'insufficient_scope', tool: 'watchlist_add' });
  });

  it('enters no AsyncLocalStorage and enables no async hook while it handles requests', async () => {
    const token = await t.token('sentiment:analyze');
    const host = t.app.get(McpServerHost);
    const seen: (string | undefined)[] = [];
    const dispatch = host.dispatcher.dispatch.bind(host.dispatcher);
    const spy = jest.spyOn(host.dispatcher, 'dispatch').mockImplementation((...args: Parameters<typeof dispatch>) => {
      // What a handler would read were a request context entered: nothing, here.
      seen.push(currentRequestId());
      return dispatch(...args);
    });
    const probe = asyncContextProbe();
    try {
      for (let i = 0; i < 3; i++) expect((await t.rpc(callTool('analyze_sentiment', { text: `Acme ${i}` }), token, withId(`rid-mcp-probe-${i}`))).statusCode).toBe(200);
      expect((await t.rpc(callTool('analyze_sentiment', { text: 'x' }), undefined, withId('rid-mcp-probe-denied'))).statusCode).toBe(401);
    } finally {
      probe.restore();
      spy.mockRestore();
    }
    expect(probe.calls()).toBe(0);
    expect(seen).toEqual([undefined, undefined, undefined]);
    // …and yet every event of those requests carries its id.
    await t.sink.waitUntil((events) => ['rid-mcp-probe-0', 'rid-mcp-probe-1', 'rid-mcp-probe-2', 'rid-mcp-probe-denied'].every((id) => events.some((e) => e.requestid === id)));
  });
});
