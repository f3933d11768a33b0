import { freePort, type RunningService } from '@portcullis/testing';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type GatewayStack, startGatewayStack } from '../testing/gateway-stack';

/*
 * The limits of the gateway file, on the built gateway: two replicas counting in the real Redis
 * (a key prefix of this run's own), a third counting alone in memory, the silent upstream held
 * open against a concurrency cap, and an SSE stream that never ends.
 */

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ACCEPT = 'application/json, text/event-stream';
const initialize = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'limits', version: '1' } } });

function post(url: string, token: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal,
  });
}

const on = (replica: RunningService, resource: string) => {
  const url = new URL(resource);
  url.port = String(replica.port);
  return url.toString();
};

/** An upstream whose every answer is an SSE stream that sends one event and never ends. */
async function startEndlessStream(): Promise<{ url: string; open: Set<ServerResponse>; stop(): Promise<void> }> {
  const open = new Set<ServerResponse>();
  const http: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}\n\n');
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    open,
    stop: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('mcp-gateway limits', () => {
  let stack: GatewayStack;
  let stream: Awaited<ReturnType<typeof startEndlessStream>>;
  const prefix = `test:${randomUUID()}:`;
  const machine = async (scope: string, resource: string) => {
    const client = await stack.as.registerTrusted(scope);
    return (await stack.as.clientCredentials(client, resource, scope)).access_token;
  };

  beforeAll(async () => {
    stream = await startEndlessStream();
    stack = await startGatewayStack({
      env: { REDIS_URL, RATE_LIMIT_KEY_PREFIX: prefix, AUDIT_REJECTION_WINDOW_SECONDS: '3' },
      upstreams: ({ silent, plain }) => [
        {
          name: 'limited',
          url: plain,
          auth: { type: 'header', header: 'x-upstream-key', valueFromEnv: 'PLAIN_UPSTREAM_KEY' },
          scopes: [{ name: 'limited:use', description: 'Use a rate-limited server' }],
          connectScopes: ['limited:use'],
          uncoveredTools: 'allow',
          limits: { perSubject: { requests: 3, perSeconds: 30 } },
        },
        {
          name: 'held',
          url: silent,
          scopes: [{ name: 'held:use', description: 'Use a server that never answers, two at a time' }],
          connectScopes: ['held:use'],
          timeoutMs: 1500,
          limits: { maxConcurrent: 2 },
        },
        {
          name: 'streaming',
          url: stream.url,
          scopes: [{ name: 'streaming:use', description: 'Use a server whose streams never end' }],
          connectScopes: ['streaming:use'],
          limits: { maxConcurrent: 1 },
        },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stream?.stop();
  }, 30_000);

  it('holds a per-subject rate limit across two replicas sharing Redis: 429, Retry-After, a JSON-RPC error naming the limit', async () => {
    const resource = stack.resource('limited');
    const token = await machine('limited:use', resource);
    const [a, b] = stack.gateways;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(on(i % 2 ? b : a, resource), token, initialize(i))).status);
    expect(statuses).toEqual([200, 200, 200]);
    for (const replica of [a, b]) {
      const refused = await post(on(replica, resource), token, initialize('over'));
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(25);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(await refused.json()).toEqual({
        jsonrpc: '2.0',
        id: 'over',
        error: { code: -32014, message: 'Too Many Requests: rate limit of upstream limited reached: 3 requests per 30 s per subject' },
      });
    }
    // Another caller has a window of its own.
    expect((await post(on(b, resource), await machine('limited:use', resource), initialize(9))).status).toBe(200);
  });

  it('counts in memory without REDIS_URL: a replica of its own does not see the shared counters', async () => {
    const alone = await stack.startReplica({ REDIS_URL: undefined });
    const resource = stack.resource('limited');
    const token = await machine('limited:use', resource);
    for (let i = 0; i < 3; i++) expect((await post(on(alone, resource), token, initialize(i))).status).toBe(200);
    const refused = await post(on(alone, resource), token, initialize(4));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(25);
    // The Redis replicas have not counted this caller yet.
    expect((await post(on(stack.gateways[0], resource), token, initialize(5))).status).toBe(200);
  });

  it('serves without rate limits while Redis is unreachable, and says so in one log line', async () => {
    const deadPort = await freePort();
    // Not NODE_ENV=test, which logs errors only: the warning is what an operator would see.
    const cut = await stack.startReplica({ REDIS_URL: `redis://127.0.0.1:${deadPort}`, NODE_ENV: 'development' });
    const resource = stack.resource('limited');
    const token = await machine('limited:use', resource);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(on(cut, resource), token, initialize(i))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(cut.output()).toMatch(/rate limits not applied: the rate store failed/);
    // At start, the failed connection; then one line for the six requests, not one each.
    expect(cut.output()).toMatch(/rate limits: cannot reach Redis yet/);
    expect(cut.output().match(/rate limits not applied: the rate store failed/g)).toHaveLength(1);
    expect(cut.output()).not.toMatch(/"statusCode":500|Internal Server Error/);
  });

  it('audits refusals as mcp.request.denied rate_limited: the first at once, the repeats as one event with count', async () => {
    const resource = stack.resource('limited');
    const token = await machine('limited:use', resource);
    const replica = stack.gateways[1];
    for (let i = 0; i < 3; i++) await post(on(replica, resource), token, initialize(i));
    for (let i = 0; i < 5; i++) expect((await post(on(replica, resource), token, { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'whoami', arguments: { name: 'x' } } })).status).toBe(429);
    const subject = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())['sub'];
    const mine = (events: readonly { type: string; data: Record<string, unknown> }[]) =>
      events.filter((e) => e.type === 'mcp.request.denied' && e.data['reason'] === 'rate_limited' && e.data['subject'] === subject);
    await stack.sink.waitUntil((events) => mine(events).reduce((n, e) => n + ((e.data['count'] as number | undefined) ?? 1), 0) === 5, 10_000);
    const events = mine(stack.sink.events);
    expect(events[0].data).toMatchObject({ status: 429, reason: 'rate_limited', upstream: 'limited', method: 'tools/call', tool: 'whoami' });
    expect(events[0].data['count']).toBeUndefined();
    // The windows are fixed intervals: the five refusals (a fraction of a second) usually fall in
    // one window — one event at once, one with count 4 — and at most straddle one boundary.
    expect(events.length).toBeLessThanOrEqual(3);
    expect(events.slice(1).some((e) => (e.data['count'] as number) >= 2)).toBe(true);
  });

  it('caps concurrent requests to the silent upstream with 503 + Retry-After, and frees a slot when a client aborts', async () => {
    const resource = stack.resource('held');
    const token = await machine('held:use', resource);
    const url = on(stack.gateways[0], resource);
    const first = new AbortController();
    const held = [post(url, token, initialize(1), first.signal).catch((err: Error) => err), post(url, token, initialize(2))];
    await new Promise((r) => setTimeout(r, 300));
    const refused = await post(url, token, initialize(3));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ id: 3, error: { code: -32015 } });
    // The other replica has slots of its own (the cap is per gateway process).
    const elsewhere = post(on(stack.gateways[1], resource), token, initialize(4));
    first.abort();
    await held[0];
    await new Promise((r) => setTimeout(r, 100));
    // Admitted now: it waits for the silent upstream until the timeout, like the others.
    const admitted = await post(url, token, initialize(5));
    expect(admitted.status).toBe(504);
    expect((await (held[1] as Promise<Response>)).status).toBe(504);
    expect((await elsewhere).status).toBe(504);
    // Every slot is free again.
    expect((await Promise.all([post(url, token, initialize(6)), post(url, token, initialize(7))])).map((r) => r.status)).toEqual([504, 504]);
  }, 20_000);

  it('counts an open SSE stream until its client goes away', async () => {
    const resource = stack.resource('streaming');
    const token = await machine('streaming:use', resource);
    const url = on(stack.gateways[0], resource);
    const abort = new AbortController();
    const open = await post(url, token, initialize(1), abort.signal);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toContain('text/event-stream');
    const reader = open.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('notifications/message');
    const refused = await post(url, token, initialize(2));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    await refused.text();
    abort.abort();
    // The upstream's stream is closed with the client's, and the slot is free.
    await until(() => stream.open.size === 0);
    const next = new AbortController();
    let status = 0;
    await until(async () => {
      const res = await post(url, token, initialize(3), next.signal);
      status = res.status;
      if (status !== 200) await res.text();
      return status === 200;
    });
    expect(status).toBe(200);
    next.abort();
  });
});
