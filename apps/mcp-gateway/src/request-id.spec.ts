import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventType } from '@portcullis/contracts';
import { createLogger, currentRequestId } from '@portcullis/http';
import { asyncContextProbe, EventSink, freePort, memoryLog, TestIssuer } from '@portcullis/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayApp } from './bootstrap';
import { inProcessGatewayConfig } from './testing/in-process-gateway';
import { UpstreamProxy } from './proxy/upstream-proxy';
import { type RecordingUpstream, startStatelessUpstream } from './testing/upstreams';

/**
 * The request id's contract (README "Request id") through the gateway, which hands ids on
 * explicitly rather than through an AsyncLocalStorage: kept or made, answered, on every log line
 * of the request (its request line, refusal and error lines), sent to the upstream, and the
 * `requestid` of every event the request makes — with no async context ever entered.
 */
describe('request ids through the gateway (explicit: no AsyncLocalStorage)', () => {
  let dir: string;
  let upstream: RecordingUpstream;
  let issuer: TestIssuer;
  let sink: EventSink;
  let app: NestFastifyApplication;
  let host: string;
  const log = memoryLog();
  const resource = (name: string) => `http://${host}/${name}/mcp`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-request-id-'));
    upstream = await startStatelessUpstream();
    const port = await freePort();
    const closed = await freePort();
    host = `127.0.0.1:${port}`;
    issuer = await new TestIssuer(resource('plain')).start();
    sink = await new EventSink().start();
    const file = join(dir, 'gateway.json');
    process.env['REQUEST_ID_SPEC_SECRET'] = 'request-id-spec-secret';
    writeFileSync(
      file,
      JSON.stringify({
        publicUrl: `http://${host}`,
        upstreams: [
          {
            name: 'plain',
            url: upstream.url,
            scopes: [{ name: 'plain:use', description: 'Use it' }],
            connectScopes: ['plain:use'],
            tools: [
              { tool: 'internal-*', deny: true },
              { tool: '*', scopes: [] },
            ],
          },
          { name: 'down', url: `http://127.0.0.1:${closed}/mcp`, scopes: [{ name: 'down:use', description: 'Use it' }], connectScopes: ['down:use'], uncoveredTools: 'allow' },
          {
            name: 'creds',
            url: upstream.url,
            auth: { type: 'client_credentials', tokenEndpoint: `http://127.0.0.1:${closed}/token`, clientId: 'gateway', clientSecretFromEnv: 'REQUEST_ID_SPEC_SECRET' },
            scopes: [{ name: 'creds:use', description: 'Use it' }],
            connectScopes: ['creds:use'],
            uncoveredTools: 'allow',
          },
        ],
      }),
    );
    const config = inProcessGatewayConfig({ port, file, issuer, sink });
    app = await createGatewayApp(config, { requestLog: true, logger: createLogger({ logFormat: 'json', logLevel: 'info' }, log.stream) });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([upstream?.stop(), issuer?.stop(), sink?.stop()]);
    delete process.env['REQUEST_ID_SPEC_SECRET'];
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (name: string, token: string | undefined, body: object, requestId?: string) =>
    app.inject({
      method: 'POST',
      url: `/${name}/mcp`,
      headers: {
        host,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      payload: JSON.stringify(body),
    });
  const toolCall = (tool: string, args: object = {}) => ({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: tool, arguments: args } });
  const linesOf = (requestId: string) => log.lines.filter((l) => l['requestId'] === requestId);
  const requestLine = (requestId: string) => log.lines.find((l) => l['msg'] === 'request' && l['requestId'] === requestId);

  it('keeps the caller’s id: answered, on the request line, sent upstream, and the requestid of mcp.tool.called', async () => {
    const token = await issuer.mint({ claims: { scope: 'plain:use' } });
    const res = await call('plain', token, toolCall('whoami', { name: 'ann' }), 'rid-tool-call-1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('rid-tool-call-1');
    expect(upstream.requests.at(-1)?.['x-request-id']).toBe('rid-tool-call-1');
    expect(requestLine('rid-tool-call-1')).toMatchObject({ method: 'POST', path: '/plain/mcp', status: 200 });
    const event = await sink.waitFor((e) => e.type === EventType.McpToolCalled && e.requestid === 'rid-tool-call-1');
    expect(event.data).toMatchObject({ tool: 'whoami', outcome: 'success', upstream: 'plain' });
  });

  it('makes an id for a caller who sent none (or an invalid one), and uses it everywhere alike', async () => {
    const token = await issuer.mint({ claims: { scope: 'plain:use' } });
    const res = await call('plain', token, toolCall('whoami', { name: 'bob' }), 'not valid: spaces');
    const made = res.headers['x-request-id'] as string;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.requests.at(-1)?.['x-request-id']).toBe(made);
    expect(requestLine(made)).toMatchObject({ status: 200 });
    await sink.waitFor((e) => e.type === EventType.McpToolCalled && e.requestid === made);
  });

  it('names the id on a refusal’s log line and its mcp.request.denied event (no token, and denied by policy)', async () => {
    const missing = await call('plain', undefined, toolCall('whoami', { name: 'x' }), 'rid-no-token-1');
    expect(missing.statusCode).toBe(401);
    expect(linesOf('rid-no-token-1')).toEqual(
      expect.arrayContaining([expect.objectContaining({ msg: 'request', status: 401, reason: 'missing_token' }), expect.objectContaining({ event: 'oauth_error', status: 401, level: 'warn' })]),
    );
    await sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.requestid === 'rid-no-token-1');

    const token = await issuer.mint({ claims: { scope: 'plain:use' } });
    const denied = await call('plain', token, toolCall('internal-reset'), 'rid-policy-1');
    expect(denied.statusCode).toBe(403);
    expect(linesOf('rid-policy-1')).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'oauth_error', status: 403 })]));
    const event = await sink.waitFor((e) => e.type === EventType.McpRequestDenied && e.requestid === 'rid-policy-1');
    expect(event.data).toMatchObject({ reason: 'denied_by_policy', tool: 'internal-reset', upstream: 'plain' });
  });

  it('names the id on the error line of an upstream failure and on the failed call’s event', async () => {
    const down = await issuer.mint({ claims: { aud: resource('down'), scope: 'down:use' } });
    const unreachable = await call('down', down, toolCall('anything'), 'rid-down-1');
    expect(unreachable.statusCode).toBe(502);
    expect(requestLine('rid-down-1')).toMatchObject({ status: 502 });
    const failed = await sink.waitFor((e) => e.type === EventType.McpToolCalled && e.requestid === 'rid-down-1');
    expect(failed.data).toMatchObject({ outcome: 'error', error: 'upstream_unavailable', upstream: 'down' });

    // The gateway's own token for this upstream cannot be had: an error line, with the request's id.
    const creds = await issuer.mint({ claims: { aud: resource('creds'), scope: 'creds:use' } });
    expect((await call('creds', creds, toolCall('whoami', { name: 'c' }), 'rid-creds-1')).statusCode).toBe(502);
    expect(linesOf('rid-creds-1')).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'error', context: 'UpstreamProxy' })]));
  });

  it('enters no AsyncLocalStorage and enables no async hook while it handles requests', async () => {
    const token = await issuer.mint({ claims: { scope: 'plain:use' } });
    const probe = asyncContextProbe();
    // What a handler would read were a request context entered: nothing, here.
    const seen: (string | undefined)[] = [];
    const original = UpstreamProxy.prototype.forward;
    const forward = jest.spyOn(UpstreamProxy.prototype, 'forward').mockImplementation(function (this: UpstreamProxy, ...args) {
      seen.push(currentRequestId());
      return original.apply(this, args);
    });
    try {
      for (let i = 0; i < 3; i++) expect((await call('plain', token, toolCall('whoami', { name: `p${i}` }), `rid-probe-${i}`)).statusCode).toBe(200);
      expect((await call('plain', undefined, toolCall('whoami', { name: 'n' }), 'rid-probe-denied')).statusCode).toBe(401);
    } finally {
      probe.restore();
      forward.mockRestore();
    }
    expect(probe.calls()).toBe(0);
    expect(seen).toEqual([undefined, undefined, undefined]);
    // …and yet every event of those requests carries its id.
    await sink.waitUntil((events) => ['rid-probe-0', 'rid-probe-1', 'rid-probe-2', 'rid-probe-denied'].every((id) => events.some((e) => e.requestid === id)));
  });
});
