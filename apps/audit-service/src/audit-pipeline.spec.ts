import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { CLOUDEVENTS_CONTENT_TYPE, createEvent, EVENTS_EXCHANGE, EventType } from '@portcullis/contracts';
import { createTestDatabase, freePort, type TestDatabase, TestIssuer } from '@portcullis/testing';
import { createAuditApp } from './bootstrap';
import { deadLetterNameFor } from './ingest/audit-topology';
import { auditConfig, deleteTestQueue, producer, TEST_BROKER_URL, testQueueName, toolCalled, waitUntil } from './testing/audit-test-support';

jest.setTimeout(60_000);

/** The audit service in-process on PostgreSQL and the real RabbitMQ, fed by a real producer. */
describe('audit pipeline (PostgreSQL + RabbitMQ)', () => {
  const queue = testQueueName();
  const resource = 'http://localhost:3100/audit';
  let auditDb: TestDatabase;
  let producerDb: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  let issuer: TestIssuer;
  let pg: Client;
  let token: string;
  const source = `/test/pipeline-${randomUUID()}`;
  const produced: string[] = [];

  const get = (path: string, bearer = token) => fetch(`${base}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const storedIds = async (src = source) => (await pg.query('SELECT id FROM audit_events WHERE source = $1', [src])).rows.map((r) => r.id as string);

  beforeAll(async () => {
    [auditDb, producerDb, issuer] = await Promise.all([createTestDatabase('portcullis_audit'), createTestDatabase('portcullis_producer'), new TestIssuer('http://localhost:3100/audit').start()]);
    app = await createAuditApp(auditConfig({ DATABASE_URL: auditDb.url, BROKER_URL: TEST_BROKER_URL, AUDIT_QUEUE: queue, ISSUER_URL: issuer.issuer, RESOURCE_URL: resource }));
    await app.startAllMicroservices();
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    pg = new Client({ connectionString: auditDb.url });
    await pg.connect();
    token = await issuer.mint({ claims: { aud: resource, scope: 'audit:read' } });

    // 250 events through the outbox and the broker, spaced over time so ranges can be queried.
    const p = await producer({ url: producerDb.url, source, brokerUrl: TEST_BROKER_URL });
    for (let i = 0; i < 250; i++) {
      const type = i % 5 === 0 ? EventType.McpRequestDenied : EventType.McpToolCalled;
      const event =
        type === EventType.McpRequestDenied
          ? p.events.create(type, { status: 403, reason: 'insufficient_scope', client_id: `client-${i % 3}`, subject: `user-${i % 5}` }, `user-${i % 5}`)
          : p.events.create(type, toolCalled(i), `user-${i % 5}`);
      await p.events.record({ ...event, time: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString() });
      produced.push(event.id);
    }
    await p.events.relay.flush();
    await p.close();
    await waitUntil('250 stored events', async () => (await storedIds()).length >= 250);
  });

  afterAll(async () => {
    await app?.close();
    await pg?.end();
    await deleteTestQueue(queue).catch(() => undefined);
    await Promise.all([auditDb?.drop(), producerDb?.drop(), issuer?.stop()]);
  });

  it('stores every produced event exactly once, in batches', async () => {
    const ids = await storedIds();
    expect(ids.sort()).toEqual([...produced].sort());
    const { rows } = await pg.query('SELECT COUNT(DISTINCT stored_ms)::int AS writes FROM audit_events WHERE source = $1', [source]);
    expect(rows[0].writes).toBeLessThan(250);
  });

  it('stores a redelivered event (same id) once', async () => {
    const connection = await amqp.connect(TEST_BROKER_URL);
    const channel = await connection.createConfirmChannel();
    const event = createEvent(EventType.LoginFailed, { username: 'mallory', reason: 'bad_password' }, { source });
    for (let i = 0; i < 3; i++) channel.publish(EVENTS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: event.id });
    await channel.waitForConfirms();
    await connection.close();
    await waitUntil('the login event', async () => (await storedIds()).includes(event.id));
    await new Promise((r) => setTimeout(r, 300));
    expect((await storedIds()).filter((id) => id === event.id)).toHaveLength(1);
  });

  it('dead-letters malformed messages and keeps consuming', async () => {
    const connection = await amqp.connect(TEST_BROKER_URL);
    const channel = await connection.createConfirmChannel();
    const marker = randomUUID();
    const bad = createEvent(EventType.LoginFailed, { username: 'x', reason: 'bad_password' }, { source });
    const poison = [
      Buffer.from(`{"broken json ${marker}`),
      Buffer.from(JSON.stringify({ ...bad, id: randomUUID(), data: { username: marker, reason: 'not-a-reason' } })),
      Buffer.from(JSON.stringify({ ...bad, id: randomUUID(), type: 'auth.token.exploded', data: { note: marker } })),
      // A valid event encoded twice is a JSON string, not an event.
      Buffer.from(JSON.stringify(JSON.stringify({ ...bad, id: randomUUID(), data: { username: marker, reason: 'bad_password' } }))),
    ];
    for (const body of poison) channel.publish(EVENTS_EXCHANGE, 'auth.login.failed', body, { persistent: true });
    const after = createEvent(EventType.LoginSucceeded, { subject: 'alice', username: 'alice' }, { source });
    channel.publish(EVENTS_EXCHANGE, after.type, Buffer.from(JSON.stringify(after)), { persistent: true });
    await channel.waitForConfirms();
    await waitUntil('the event after the poison', async () => (await storedIds()).includes(after.id));

    const dead: string[] = [];
    await waitUntil('four dead letters', async () => {
      for (;;) {
        const msg = await channel.get(deadLetterNameFor(queue), { noAck: true });
        if (!msg) break;
        const text = msg.content.toString();
        if (text.includes(marker)) dead.push(text);
      }
      return dead.length >= 4;
    }, 10_000);
    expect(dead).toHaveLength(4);
    await connection.close();
  });

  it('refuses callers without a token, with a token for another resource, or without audit:read', async () => {
    const none = await get('/audit/events', '');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await get('/audit/events', await issuer.mint({ claims: { aud: 'http://localhost:3000/mcp', scope: 'audit:read' } }))).status).toBe(401);
    const noScope = await get('/audit/events', await issuer.mint({ claims: { aud: resource, scope: 'sentiment:read' } }));
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    expect((await get('/audit/events/export?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z', await issuer.mint({ claims: { aud: resource, scope: 'watchlist:read' } }))).status).toBe(403);
  });

  it('filters by type, type prefix, subject, client and time range', async () => {
    const range = 'from=2030-01-01T00:00:00Z&to=2030-01-01T01:00:00Z';
    const list = async (q: string) => {
      const res = await get(`/audit/events?${range}&limit=1000&${q}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { events: { type: string; subject: string; data: { client_id?: string }; time: string }[] }).events;
    };
    expect(await list('')).toHaveLength(250);
    expect(await list('type=mcp.request.denied')).toHaveLength(50);
    expect(await list('type=mcp.*')).toHaveLength(250);
    expect(await list('type_prefix=mcp.tool.')).toHaveLength(200);
    expect(await list('type=auth.*')).toHaveLength(0);
    const alice = await list('subject=user-1');
    expect(alice).toHaveLength(50);
    expect(alice.every((e) => e.subject === 'user-1')).toBe(true);
    const client = await list('client_id=client-2');
    expect(client.length).toBeGreaterThan(0);
    expect(client.every((e) => e.data.client_id === 'client-2')).toBe(true);
    const early = await get('/audit/events?from=2030-01-01T00:00:10Z&to=2030-01-01T00:00:20Z');
    expect(((await early.json()) as { events: unknown[] }).events).toHaveLength(10);
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/audit/events?type=mcp.*&limit=40${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await res.json()) as { events: { id: string; time: string }[]; next_cursor: string | null };
      seen.push(...body.events.map((e) => e.id));
      const times = body.events.map((e) => Date.parse(e.time));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(7);
    expect(seen).toEqual([...produced].reverse());
  });

  it('answers bad query parameters with invalid_request', async () => {
    for (const q of ['limit=0', 'limit=abc', 'from=yesterday', 'cursor=zzz', 'type=DROP%20TABLE', 'unknown=1', 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z']) {
      const res = await get(`/audit/events?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    }
    expect((await get('/audit/events/export?from=2030-01-01T00:00:00Z')).status).toBe(400);
  });

  it('exports a time range as NDJSON, oldest first', async () => {
    const res = await get('/audit/events/export?from=2030-01-01T00:00:00Z&to=2030-01-01T00:01:40Z&type=mcp.*');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.id)).toEqual(produced.slice(0, 100));
  });

  it('reports ready with database and broker up', async () => {
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up' } }, error: {} });
  });
});
