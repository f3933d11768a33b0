import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  freePort,
  ingestCredentials,
  type RealAuthServer,
  REDIRECT,
  registerPublicClient,
  type RunningService,
  startRealAuthServer,
  startService,
  type TestDatabase,
} from '@portcullis/testing';
import { deleteTestQueue, testQueueName, waitUntil } from '../testing/audit-test-support';

/*
 * Issue 14, logs: the built auth-server and audit-service as processes. A refused token request
 * is one JSON request line naming `invalid_grant` and the caller's X-Request-Id; a token issued
 * under a given X-Request-Id makes an event carrying it (`requestid`), stored with it, and
 * GET /audit/events?request_id= finds it. Over RabbitMQ into PostgreSQL, and on the embedded
 * default (no broker: HTTP ingest into SQLite).
 */

const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

interface IssuedEvent {
  type: string;
  requestid?: string;
  data: { client_id?: string };
}

describe.each([
  { mode: 'RabbitMQ and PostgreSQL', broker: true },
  { mode: 'embedded default (no broker, SQLite)', broker: false },
])('request ids in logs and events — $mode', ({ broker }) => {
  let as: RealAuthServer;
  let audit: RunningService;
  let database: TestDatabase | undefined;
  let dir: string;
  let resource: string;
  const queue = testQueueName();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-request-id-'));
    const creds = ingestCredentials();
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/audit`;
    if (broker) database = await createTestDatabase('portcullis_reqid');
    as = await startRealAuthServer(broker ? 'postgres' : 'sqlite', {
      AUDIT_RESOURCE_URL: resource,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...(broker ? { BROKER_URL } : { BROKER_URL: undefined, AUDIT_INGEST_URL: `http://127.0.0.1:${port}/internal/events`, AUDIT_INGEST_SECRET: creds.secret.authServer }),
    });
    audit = await startService('audit-service', port, {
      ISSUER_URL: as.issuer,
      RESOURCE_URL: resource,
      ...(broker
        ? { DATABASE_URL: database?.url, BROKER_URL, AUDIT_QUEUE: queue }
        : { DATABASE_URL: undefined, SQLITE_PATH: join(dir, 'audit.sqlite'), BROKER_URL: undefined, AUDIT_INGEST_PRODUCERS: creds.producers }),
    });
  }, 120_000);
  afterAll(async () => {
    await audit?.stop();
    await as?.stop();
    if (broker) await deleteTestQueue(queue).catch(() => undefined);
    await database?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A token request with an X-Request-Id: client_secret_basic when a secret is given, else a public client. */
  async function tokenRequest(requestId: string, params: Record<string, string>, basic?: { id: string; secret: string }): Promise<Response> {
    return fetch(`${as.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-request-id': requestId,
        ...(basic ? { authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}` } : {}),
      },
      body: new URLSearchParams(params),
    });
  }

  it('logs a refused token request as one JSON line with invalid_grant and the request id, without the code', async () => {
    const client = await registerPublicClient(as.server);
    const requestId = `bad-grant-${randomBytes(6).toString('hex')}`;
    const bogusCode = `bogus-code-${randomBytes(8).toString('hex')}`;
    const res = await tokenRequest(requestId, { grant_type: 'authorization_code', client_id: client.client_id, code: bogusCode, redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    expect(res.headers.get('x-request-id')).toBe(requestId);
    // The request line is written once the answer is sent: after the refusal's own warn line.
    await waitUntil('the request line', async () => as.server.service.output().split('\n').some((l) => l.includes(requestId) && l.includes('"msg":"request"')));
    const lines = as.server.service
      .output()
      .split('\n')
      .filter((l) => l.includes(requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', level: 'info', requestId, method: 'POST', path: '/token', status: 400, reason: 'invalid_grant' }));
    expect(as.server.service.output()).not.toContain(bogusCode);
  }, 60_000);

  it('puts the X-Request-Id of a token request into its event and the stored audit row', async () => {
    const client = await as.registerTrusted('audit:read');
    const requestId = `issue-${randomBytes(6).toString('hex')}`;
    const res = await tokenRequest(requestId, { grant_type: 'client_credentials', resource, scope: 'audit:read' }, { id: client.client_id, secret: client.client_secret ?? '' });
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    let events: IssuedEvent[] = [];
    await waitUntil('the event stored', async () => {
      const found = await fetch(`${audit.url}/audit/events?request_id=${requestId}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await found.text();
      if (found.status !== 200) throw new Error(`GET /audit/events answered ${found.status}: ${body}\n${audit.output().slice(-3000)}`);
      events = (JSON.parse(body) as { events: IssuedEvent[] }).events;
      return events.length > 0;
    });
    expect(events).toEqual([expect.objectContaining({ type: 'auth.token.issued', requestid: requestId, data: expect.objectContaining({ client_id: client.client_id }) })]);
    // The filter is exact: another request's id finds nothing.
    const none = await fetch(`${audit.url}/audit/events?request_id=${requestId}x`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await none.json()) as { events: unknown[] }).events).toEqual([]);
  }, 60_000);
});
