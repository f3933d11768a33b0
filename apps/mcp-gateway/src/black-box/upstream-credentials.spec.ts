import { EventSink, freePort, type RealAuthServer, type RunningService, startRealAuthServer, startService } from '@portcullis/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GuardedUpstream, startGuardedUpstream, startStallingUpstream } from '../testing/guarded-upstreams';
import type { TestUpstream } from '../testing/upstreams';

/*
 * The gateway as a client of an upstream's own authorization server (RFC 6749 §4.4): the built
 * authorization server plays that role for an MCP SDK server that accepts only tokens it issued
 * for it (jose, against its key set). The same authorization server also issues the callers'
 * tokens for the gateway, whose audience is the gateway's resource, not the upstream's: the
 * upstream must see the gateway's own token, never the caller's. Also an upstream that sends
 * one event of its answer and stalls.
 */

const ACCEPT = 'application/json, text/event-stream';
const WRONG_SECRET = 'not-the-gateway-client-secret-7a1e';

function post(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

const call = (name: string, id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

/** The text of a JSON-RPC answer, in a JSON body or an SSE stream. */
async function answerText(res: Response): Promise<string> {
  const text = await res.text();
  const data = res.headers.get('content-type')?.startsWith('text/event-stream') ? text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) : text;
  return JSON.parse(data ?? 'null')?.result?.content?.[0]?.text;
}

describe('the gateway authenticates to an upstream with client_credentials at its own authorization server', () => {
  let dir: string;
  let as: RealAuthServer;
  let guarded: GuardedUpstream;
  let stalling: TestUpstream;
  let sink: EventSink;
  let gateway: RunningService;
  let gatewayClientId: string;
  let callerToken: string;
  let stallingToken: string;
  const resource = (name: string) => `${gateway.url}/${name}/mcp`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-cc-'));
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    guarded = await startGuardedUpstream(
      () => as.issuer,
      () => as.server.as.jwks_uri as string,
    );
    stalling = await startStallingUpstream();
    sink = await new EventSink().start();
    const file = join(dir, 'gateway.json');
    const upstreams = (clientId: string, tokenEndpoint: string) => [
      {
        name: 'guarded',
        url: guarded.url,
        auth: { type: 'client_credentials', issuer: '', clientId, clientSecretFromEnv: 'GUARDED_CLIENT_SECRET', scope: ['sentiment:read'], resource: guarded.url },
        scopes: [{ name: 'guarded:use', description: 'Use the guarded server' }],
        connectScopes: ['guarded:use'],
        uncoveredTools: 'allow',
      },
      {
        name: 'wrong',
        url: guarded.url,
        auth: { type: 'client_credentials', tokenEndpoint, clientId, clientSecretFromEnv: 'WRONG_CLIENT_SECRET', tokenEndpointAuthMethod: 'client_secret_post' },
        scopes: [{ name: 'wrong:use', description: 'Use the guarded server with a wrong secret' }],
        connectScopes: ['wrong:use'],
        uncoveredTools: 'allow',
      },
      {
        name: 'stalling',
        url: stalling.url,
        scopes: [{ name: 'stalling:use', description: 'Use a server that stalls' }],
        connectScopes: ['stalling:use'],
        uncoveredTools: 'allow',
        idleTimeoutMs: 600,
      },
    ];
    const write = (clientId: string, issuer: string, tokenEndpoint: string) => {
      const list = upstreams(clientId, tokenEndpoint);
      (list[0].auth as { issuer: string }).issuer = issuer;
      writeFileSync(file, JSON.stringify({ publicUrl, upstreams: list }));
    };
    // The authorization server reads the file for the gateway's resources and scopes; the
    // gateway's client there is registered once it runs, and the file then names it.
    write('pending', 'http://127.0.0.1:1', 'http://127.0.0.1:1/token');
    as = await startRealAuthServer('sqlite', { GATEWAY_CONFIG_FILE: file, MCP_RESOURCE_URL: guarded.url });
    const gatewayClient = await as.registerTrusted('sentiment:read');
    gatewayClientId = gatewayClient.client_id;
    write(gatewayClientId, as.issuer, as.server.as.token_endpoint as string);
    gateway = await startService('mcp-gateway', port, {
      GATEWAY_CONFIG_FILE: file,
      ISSUER_URL: as.issuer,
      AUDIT_INGEST_URL: sink.url,
      GUARDED_CLIENT_SECRET: gatewayClient.client_secret,
      WRONG_CLIENT_SECRET: WRONG_SECRET,
      SQLITE_PATH: join(dir, 'gateway.sqlite'),
      DATABASE_URL: undefined,
    });
    const caller = await as.registerTrusted('guarded:use stalling:use wrong:use');
    callerToken = (await as.clientCredentials(caller, resource('guarded'), 'guarded:use')).access_token;
    stallingToken = (await as.clientCredentials(caller, resource('stalling'), 'stalling:use')).access_token;
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([as?.stop(), guarded?.stop(), stalling?.stop(), sink?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("sends the gateway's own token for the upstream (found by RFC 8414 discovery), never the caller's, and reuses it", async () => {
    const first = await post(resource('guarded'), callerToken, call('whoami', 1));
    expect(first.status).toBe(200);
    // The upstream's tool names the subject of the token it verified: the gateway's client.
    expect(await answerText(first)).toBe(gatewayClientId);
    expect(await answerText(await post(resource('guarded'), callerToken, call('whoami', 2)))).toBe(gatewayClientId);
    expect(guarded.accepted).toHaveLength(2);
    const [a, b] = guarded.accepted;
    expect(a.token).not.toBe(callerToken);
    expect(a.claims).toMatchObject({ iss: as.issuer, aud: guarded.url, sub: gatewayClientId, client_id: gatewayClientId });
    expect(String(a.claims['scope']).split(' ')).toContain('sentiment:read');
    // Cached: one token serves both requests.
    expect(b.token).toBe(a.token);
  }, 30_000);

  it('gets a new token once when the upstream refuses the cached one with 401, and the call succeeds', async () => {
    const cached = guarded.accepted[guarded.accepted.length - 1].token;
    guarded.refuse(cached);
    const refusedBefore = guarded.refusedCount;
    const res = await post(resource('guarded'), callerToken, call('whoami', 3));
    expect(res.status).toBe(200);
    expect(await answerText(res)).toBe(gatewayClientId);
    expect(guarded.refusedCount).toBe(refusedBefore + 1);
    const renewed = guarded.accepted[guarded.accepted.length - 1].token;
    expect(renewed).not.toBe(cached);
  }, 30_000);

  it("answers 502 with a clear JSON-RPC error when the upstream's authorization server refuses the gateway, and logs no secret", async () => {
    const wrongToken = (await as.clientCredentials(await as.registerTrusted('wrong:use'), resource('wrong'), 'wrong:use')).access_token;
    const res = await post(resource('wrong'), wrongToken, call('whoami', 4));
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string } };
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 4, error: { code: -32013 } });
    expect(body.error.message).toContain('invalid_client');
    expect(JSON.stringify(body)).not.toContain(WRONG_SECRET);
    // The log line travels on the child's stdout pipe, which may arrive after the HTTP answer.
    const logged = 'upstream wrong: token request at its authorization server failed: invalid_client';
    for (let waited = 0; waited < 5000 && !gateway.output().includes(logged); waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(gateway.output()).toContain(logged);
    expect(gateway.output()).not.toContain(WRONG_SECRET);
    const audited = await sink.waitFor((e) => e.type === 'mcp.tool.called' && e.data['upstream'] === 'wrong');
    expect(audited.data['error']).toBe('upstream_credentials');
  }, 30_000);

  it('ends an SSE answer that falls silent with a timeout error for the unanswered request, and audits it', async () => {
    const started = Date.now();
    const res = await post(resource('stalling'), stallingToken, call('anything', 5));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events).toEqual([
      expect.objectContaining({ method: 'notifications/progress' }),
      { jsonrpc: '2.0', id: 5, error: { code: -32011, message: 'upstream stalling sent nothing for 600 ms' } },
    ]);
    const audited = await sink.waitFor((e) => e.type === 'mcp.tool.called' && e.data['upstream'] === 'stalling');
    expect(audited.data).toMatchObject({ tool: 'anything', outcome: 'error', error: 'upstream_timeout' });
  }, 30_000);

  it('leaves a quiet GET stream (server-initiated messages) open well past the idle timeout', async () => {
    const abort = new AbortController();
    const res = await fetch(resource('stalling'), { headers: { accept: 'text/event-stream', authorization: `Bearer ${stallingToken}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('notifications/progress');
    // Three idle timeouts of silence later, the stream is neither ended nor cut.
    const next = reader.read().then(
      (r) => (r.done ? 'ended' : 'data'),
      () => 'cut',
    );
    expect(await Promise.race([next, new Promise((r) => setTimeout(() => r('open'), 1_800))])).toBe('open');
    abort.abort();
  }, 30_000);
});
