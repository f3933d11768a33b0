import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ingestCredentials, type RealAuthServer, type RunningService, startRealAuthServer, startService, USERS } from '@portcullis/testing';
import { deleteTestQueue, testQueueName } from '../testing/audit-test-support';

/*
 * Issue 9, "The audit API ignores revocation": the built audit-service with the REAL built
 * auth-server. A token revoked at the authorization server (RFC 7009), or one of a client
 * deleted through RFC 7592, stops reading /audit/events within seconds: pushed over RabbitMQ
 * to the audit-service's own queue, or, without a broker, picked up by polling /revocations.
 */

const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function read(audit: RunningService, token: string): Promise<Response> {
  return fetch(`${audit.url}/audit/events?limit=1`, { headers: { authorization: `Bearer ${token}` } });
}

/** Waits until /audit/events refuses `token` as revoked; fails if it still reads after timeoutMs. */
async function untilRefused(audit: RunningService, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await read(audit, token);
    await res.arrayBuffer();
    if (res.status === 401) {
      expect(res.headers.get('www-authenticate')).toContain('revoked');
      return;
    }
    expect(res.status).toBe(200);
    if (Date.now() > deadline) throw new Error(`/audit/events still accepts the revoked token after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each([
  { mode: 'RabbitMQ', broker: true, timeoutMs: 5_000 },
  { mode: 'no broker (polling /revocations every 1 s)', broker: false, timeoutMs: 10_000 },
])('the audit API applies revocations — $mode', ({ broker, timeoutMs }) => {
  let as: RealAuthServer;
  let audit: RunningService;
  let dir: string;
  let resource: string;
  const queue = testQueueName();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-revocation-'));
    const creds = ingestCredentials();
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/audit`;
    as = await startRealAuthServer('sqlite', {
      AUDIT_RESOURCE_URL: resource,
      ...(broker ? { BROKER_URL } : { BROKER_URL: undefined, AUDIT_INGEST_URL: `http://127.0.0.1:${port}/internal/events`, AUDIT_INGEST_SECRET: creds.secret.authServer }),
    });
    audit = await startService('audit-service', port, {
      ISSUER_URL: as.issuer,
      RESOURCE_URL: resource,
      DATABASE_URL: undefined,
      SQLITE_PATH: join(dir, 'audit.sqlite'),
      ...(broker ? { BROKER_URL, AUDIT_QUEUE: queue } : { BROKER_URL: undefined, AUDIT_INGEST_PRODUCERS: creds.producers, REVOCATIONS_POLL_MS: '1000' }),
    });
  }, 90_000);
  afterAll(async () => {
    await audit?.stop();
    await as?.stop();
    if (broker) await deleteTestQueue(queue).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a revoked audit:read token within seconds', async () => {
    const client = await as.registerTrusted('audit:read');
    const { access_token: token } = await as.clientCredentials(client, resource, 'audit:read');
    expect((await read(audit, token)).status).toBe(200); // verified, and cached by the verifier
    expect((await as.revoke(client, token)).status).toBe(200);
    await untilRefused(audit, token, timeoutMs);
    expect(audit.output()).not.toContain(token);
  }, 60_000);

  it("refuses a person's token of a client deleted through RFC 7592 within seconds", async () => {
    // An operator: a person holds audit:read only with the admin role.
    const { client, access_token: token } = await as.codeFlow(resource, 'audit:read', { trusted: true, person: USERS.root });
    expect((await read(audit, token)).status).toBe(200);
    expect((await as.deleteClient(client)).status).toBe(204);
    await untilRefused(audit, token, timeoutMs);
  }, 60_000);
});
