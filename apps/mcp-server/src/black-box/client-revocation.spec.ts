import { freePort, type RealAuthServer, type RegisteredClient, startRealAuthServer, USERS } from '@portcullis/testing';
import { BROKER_URL, callTool, McpReplicas, untilRevoked } from './harness/replicas';

/*
 * Client_credentials tokens are never recorded one by one, so they cannot be revoked by `jti`.
 * When their client is disabled or deleted, the authorization server revokes every token of the
 * client issued until then (a client cutoff): pushed over RabbitMQ to every replica's own queue,
 * and in the /revocations catch-up list for a replica that starts afterwards. Other clients'
 * tokens keep working; a client enabled again gets tokens that work.
 */

async function status(url: string, token: string): Promise<number> {
  const res = await callTool(url, token);
  await res.arrayBuffer();
  return res.status;
}

/** Waits until `url` refuses `token` as revoked (401); fails after 5 s. */
const untilClientRevoked = (url: string, token: string) => untilRevoked(url, token, performance.now(), 5_000, 20);

describe('disabling or deleting a client revokes its client_credentials tokens at every mcp-server replica (RabbitMQ, PostgreSQL)', () => {
  let as: RealAuthServer;
  let resource: string;
  let adminToken: string;
  const set = new McpReplicas();
  const replicas = set.running;
  const startReplica = (i: number, port: number) => set.start(i, port, resource, as.issuer, { BROKER_URL });

  /** An operator's change through the admin API. */
  async function operator(method: string, path: string): Promise<number> {
    const res = await fetch(`${as.issuer}${path}`, { method, headers: { authorization: `Bearer ${adminToken}` } });
    await res.arrayBuffer();
    return res.status;
  }

  async function robot(): Promise<{ client: RegisteredClient; token: string }> {
    const client = await as.registerTrusted('sentiment:analyze');
    return { client, token: (await as.clientCredentials(client, resource, 'sentiment:analyze')).access_token };
  }

  beforeAll(async () => {
    await set.open('mcp-client-revocation');
    const ports = [await freePort(), await freePort()];
    resource = `http://127.0.0.1:${ports[0]}/mcp`;
    as = await startRealAuthServer('postgres', { MCP_RESOURCE_URL: resource, BROKER_URL });
    adminToken = (await as.codeFlow(`${as.issuer}/admin`, 'admin:write', { trusted: true, person: USERS.root })).access_token;
    for (const [i, port] of ports.entries()) await startReplica(i, port);
  }, 90_000);
  afterAll(async () => {
    await set.stopReplicas();
    await as?.stop();
    await set.close();
  }, 30_000);

  it('disabled: refused by both running replicas and by one started afterwards; others unaffected; enabled again, new tokens work', async () => {
    const disabled = await robot();
    const bystander = await robot();
    for (const replica of replicas) {
      expect(await status(replica.url, disabled.token)).toBe(200); // verified and cached
      expect(await status(replica.url, bystander.token)).toBe(200);
    }

    expect(await operator('POST', `/admin/clients/${encodeURIComponent(disabled.client.client_id)}/disable`)).toBe(200);
    await Promise.all(replicas.map((r) => untilClientRevoked(r.url, disabled.token)));
    for (const replica of replicas) expect(await status(replica.url, bystander.token)).toBe(200);

    // A replica that starts now learns the cutoff from /revocations before it serves.
    const late = await startReplica(2, await freePort());
    expect(await status(late.url, disabled.token)).toBe(401);
    expect(await status(late.url, bystander.token)).toBe(200);

    // Enabled again (the admin API waits out the cutoff's last second): a new token works everywhere.
    expect(await operator('POST', `/admin/clients/${encodeURIComponent(disabled.client.client_id)}/enable`)).toBe(200);
    const fresh = (await as.clientCredentials(disabled.client, resource, 'sentiment:analyze')).access_token;
    for (const replica of replicas) {
      expect(await status(replica.url, fresh)).toBe(200);
      expect(await status(replica.url, disabled.token)).toBe(401);
    }
  }, 60_000);

  it('deleted (RFC 7592 §2.3, with its registration access token): refused by every replica, pushed and caught up', async () => {
    const deleted = await robot();
    const bystander = await robot();
    for (const replica of replicas) expect(await status(replica.url, deleted.token)).toBe(200);

    expect((await as.deleteClient(deleted.client)).status).toBe(204);
    await Promise.all(replicas.map((r) => untilClientRevoked(r.url, deleted.token)));
    for (const replica of replicas) expect(await status(replica.url, bystander.token)).toBe(200);

    const late = await startReplica(3, await freePort());
    expect(await status(late.url, deleted.token)).toBe(401);
    expect(await status(late.url, bystander.token)).toBe(200);
    for (const replica of replicas) expect(replica.output()).not.toContain(deleted.token);
  }, 60_000);
});
