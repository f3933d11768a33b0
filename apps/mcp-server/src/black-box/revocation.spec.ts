import { EventSink, freePort, type RealAuthServer, type RunningService, startRealAuthServer, startService } from '@portcullis/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A token revoked at the real authorization server (RFC 7009, by its own client) stops working
 * on every mcp-server replica: pushed over RabbitMQ to each replica's own queue, or, without a
 * broker, picked up by polling the authorization server's /revocations list. The time from the
 * revoke response to each replica's first 401 is measured and printed.
 */

const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function call(url: string, token: string): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats' } } }),
  });
}

/** Milliseconds from `since` until `url` first refuses `token` with 401 revoked. */
async function untilRefused(url: string, token: string, since: number, timeoutMs: number): Promise<number> {
  for (;;) {
    const res = await call(url, token);
    const elapsed = performance.now() - since;
    if (res.status === 401) {
      expect(res.headers.get('www-authenticate')).toContain('the access token has been revoked');
      return elapsed;
    }
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    if (elapsed > timeoutMs) throw new Error(`${url} still accepts the revoked token after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe.each([
  { mode: 'RabbitMQ', broker: true, timeoutMs: 5_000 },
  { mode: 'embedded (no broker: polling /revocations every 1 s)', broker: false, timeoutMs: 10_000 },
])('revocation at the authorization server reaches every replica — $mode', ({ mode, broker, timeoutMs }) => {
  let as: RealAuthServer;
  let sink: EventSink;
  let dir: string;
  let resource: string;
  const replicas: RunningService[] = [];
  const brokerEnv = broker ? { BROKER_URL } : { BROKER_URL: undefined, REVOCATIONS_POLL_MS: '1000' };

  async function startReplica(i: number, port: number): Promise<RunningService> {
    return startService('mcp-server', port, {
      RESOURCE_URL: resource,
      ISSUER_URL: as.issuer,
      SQLITE_PATH: join(dir, `mcp-${i}.sqlite`),
      DATABASE_URL: undefined,
      AUDIT_INGEST_URL: sink.url,
      ...brokerEnv,
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-revocation-'));
    sink = await new EventSink().start();
    const ports = [await freePort(), await freePort()];
    resource = `http://127.0.0.1:${ports[0]}/mcp`;
    as = await startRealAuthServer('sqlite', { MCP_RESOURCE_URL: resource, ...(broker ? { BROKER_URL } : { AUDIT_INGEST_URL: sink.url }) });
    for (const [i, port] of ports.entries()) replicas.push(await startReplica(i, port));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await as?.stop();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('is refused by both running replicas, and by a replica started afterwards', async () => {
    const client = await as.registerTrusted('sentiment:analyze');
    const { access_token } = await as.clientCredentials(client, resource, 'sentiment:analyze');
    for (const replica of replicas) expect((await call(replica.url, access_token)).status).toBe(200); // verified and cached

    const revoked = await as.revoke(client, access_token);
    const since = performance.now();
    expect(revoked.status).toBe(200);
    const latencies = await Promise.all(replicas.map((r) => untilRefused(r.url, access_token, since, timeoutMs)));
    process.stdout.write(`revocation latency (${mode}): ${latencies.map((ms, i) => `replica ${i + 1} ${ms.toFixed(0)} ms`).join(', ')}\n`);

    // A replica that starts now learns the revocation from the list before it serves.
    const late = await startReplica(2, await freePort());
    replicas.push(late);
    const first = await call(late.url, access_token);
    expect(first.status).toBe(401);
    for (const replica of replicas) expect(replica.output()).not.toContain(access_token);
  }, 60_000);
});
