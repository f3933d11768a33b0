import { freePort, type RealAuthServer, startRealAuthServer } from '@portcullis/testing';
import { BROKER_URL, callTool, McpReplicas, untilRevoked } from './harness/replicas';

/*
 * A token revoked at the real authorization server (RFC 7009, by its own client) stops working
 * on every mcp-server replica: pushed over RabbitMQ to each replica's own queue, or, without a
 * broker, picked up by polling the authorization server's /revocations list. The time from the
 * revoke response to each replica's first 401 is measured and printed.
 */

describe.each([
  { mode: 'RabbitMQ', broker: true, timeoutMs: 5_000 },
  { mode: 'embedded (no broker: polling /revocations every 1 s)', broker: false, timeoutMs: 10_000 },
])('revocation at the authorization server reaches every replica — $mode', ({ mode, broker, timeoutMs }) => {
  let as: RealAuthServer;
  let resource: string;
  const set = new McpReplicas();
  const replicas = set.running;
  const brokerEnv = broker ? { BROKER_URL } : { BROKER_URL: undefined, REVOCATIONS_POLL_MS: '1000' };
  const startReplica = (i: number, port: number) => set.start(i, port, resource, as.issuer, brokerEnv);

  beforeAll(async () => {
    await set.open('mcp-revocation');
    const ports = [await freePort(), await freePort()];
    resource = `http://127.0.0.1:${ports[0]}/mcp`;
    as = await startRealAuthServer('sqlite', { MCP_RESOURCE_URL: resource, ...(broker ? { BROKER_URL } : { AUDIT_INGEST_URL: set.sinkUrl }) });
    for (const [i, port] of ports.entries()) await startReplica(i, port);
  }, 90_000);
  afterAll(async () => {
    await set.stopReplicas();
    await as?.stop();
    await set.close();
  }, 30_000);

  it('is refused by both running replicas, and by a replica started afterwards', async () => {
    const client = await as.registerTrusted('sentiment:analyze');
    const { access_token } = await as.clientCredentials(client, resource, 'sentiment:analyze');
    for (const replica of replicas) expect((await callTool(replica.url, access_token)).status).toBe(200); // verified and cached

    const revoked = await as.revoke(client, access_token);
    const since = performance.now();
    expect(revoked.status).toBe(200);
    const latencies = await Promise.all(replicas.map((r) => untilRevoked(r.url, access_token, since, timeoutMs)));
    process.stdout.write(`revocation latency (${mode}): ${latencies.map((ms, i) => `replica ${i + 1} ${ms.toFixed(0)} ms`).join(', ')}\n`);

    // A replica that starts now learns the revocation from the list before it serves.
    const late = await startReplica(2, await freePort());
    const first = await callTool(late.url, access_token);
    expect(first.status).toBe(401);
    for (const replica of replicas) expect(replica.output()).not.toContain(access_token);
  }, 60_000);
});
