import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CLOUDEVENTS_CONTENT_TYPE, EventType } from '@portcullis/contracts';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { AuditEvents } from '../audit-events';
import { CreateEventOutbox1767000000000 } from '../outbox/create-event-outbox.migration';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { probeQueue, TEST_BROKER_URL } from '../../testing/amqp-probe';

const tokenIssued = (n: number) => ({
  grant_type: 'client_credentials' as const,
  client_id: 'svc',
  subject: 'svc',
  scopes: ['audit:read'],
  resource: 'http://localhost:3100/audit',
  jti: `jti-${n}`,
  expires_at: 2_000_000_000,
});

async function dataSourceFor(options: { type: 'postgres'; url: string } | { type: 'better-sqlite3'; database: string }) {
  const ds = new DataSource({ ...options, entities: [OutboxEventEntity], migrations: [CreateEventOutbox1767000000000], migrationsRun: true, logging: false });
  await ds.initialize();
  await ds.query('CREATE TABLE IF NOT EXISTS widgets (name varchar(64) PRIMARY KEY)');
  return ds;
}

describe('outbox relay → RabbitMQ (PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('portcullis_events');
    ds = await dataSourceFor({ type: 'postgres', url: db.url });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('delivers every committed event once, in record order, with the AMQP properties of the contract', async () => {
    const source = `/test/relay-${randomUUID()}`;
    const probe = await probeQueue(source);
    const events = new AuditEvents(ds, { source, brokerUrl: TEST_BROKER_URL });
    events.start();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) {
        if (i % 3 === 0) {
          // The change and its event in one transaction.
          await ds.transaction(async (manager) => {
            await manager.query('INSERT INTO widgets (name) VALUES ($1)', [`w-${source}-${i}`]);
            ids.push(await events.emit(EventType.TokenIssued, tokenIssued(i), { manager, subject: `jti-${i}` }));
          });
        } else {
          ids.push(await events.emit(EventType.TokenIssued, tokenIssued(i)));
        }
      }
      // A rolled-back change leaves no event behind.
      await expect(
        ds.transaction(async (manager) => {
          await events.emit(EventType.TokenIssued, tokenIssued(-1), { manager });
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');

      const received = await probe.waitFor(300);
      await events.relay.flush();
      await new Promise((r) => setTimeout(r, 200));
      expect(received.map((m) => m.body.id)).toEqual(ids);
      const first = received[0];
      expect(first.routingKey).toBe('auth.token.issued');
      expect(first.properties).toMatchObject({ contentType: CLOUDEVENTS_CONTENT_TYPE, deliveryMode: 2, messageId: ids[0], type: 'auth.token.issued' });
      expect(first.body).toMatchObject({ specversion: '1.0', source, subject: 'jti-0', data: tokenIssued(0) });
      expect(await events.store.count()).toBe(0);
    } finally {
      await events.stop();
      await probe.close();
    }
  });

  it('stays quiet when idle: its own drain transactions do not wake it again', async () => {
    const source = `/test/idle-${randomUUID()}`;
    const events = new AuditEvents(ds, { source, brokerUrl: TEST_BROKER_URL, pollIntervalMs: 200 });
    let rounds = 0;
    const drain = events.store.drain.bind(events.store);
    events.store.drain = (limit, work) => {
      rounds++;
      return drain(limit, work);
    };
    events.start();
    try {
      await ds.transaction(async (manager) => {
        await events.emit(EventType.TokenIssued, tokenIssued(1), { manager });
      });
      await events.relay.flush();
      rounds = 0;
      await new Promise((r) => setTimeout(r, 1000));
      // One safety-net poll per 200 ms, give or take: not thousands of self-woken rounds.
      expect(rounds).toBeLessThanOrEqual(8);
    } finally {
      await events.stop();
    }
  });

  it('keeps events while the broker is unreachable and delivers them when it is', async () => {
    const source = `/test/unreachable-${randomUUID()}`;
    const probe = await probeQueue(source);
    // A port nothing listens on stands in for a broker that is down; the real outage
    // (rabbitmqctl stop_app) is exercised end to end in the audit-service tests.
    const down = new AuditEvents(ds, { source, brokerUrl: 'amqp://guest:guest@127.0.0.1:1', retryMs: 50 });
    down.start();
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await down.emit(EventType.TokenIssued, tokenIssued(i)));
    await new Promise((r) => setTimeout(r, 500));
    expect(await down.store.count()).toBe(20);
    expect(down.relay.stats().failures).toBeGreaterThan(0);
    await down.stop();

    // "Restart" the producer pointed at the real broker: the rows left behind go out.
    const up = new AuditEvents(ds, { source, brokerUrl: TEST_BROKER_URL });
    up.start();
    try {
      const received = await probe.waitFor(20);
      expect(received.map((m) => m.body.id)).toEqual(ids);
    } finally {
      await up.stop();
      await probe.close();
    }
  });
});

describe('outbox relay → audit ingest over HTTP (SQLite, no broker)', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const batches: { auth?: string; ids: string[] }[] = [];
  let failNext = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-events-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
          return;
        }
        batches.push({ auth: req.headers.authorization, ids: JSON.parse(body).map((e: { id: string }) => e.id) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/internal/events`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers what is pending when stopped gracefully', async () => {
    const ds = await dataSourceFor({ type: 'better-sqlite3', database: join(dir, 'graceful.sqlite') });
    // A long idle poll, so only the stop's own flush can deliver the last events in time.
    const events = new AuditEvents(ds, { source: '/test/graceful', auditIngestUrl: url, pollIntervalMs: 60_000 });
    events.start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await events.emit(EventType.TokenIssued, tokenIssued(1000 + i)));
    await events.stop();
    expect(await events.store.count()).toBe(0);
    expect(batches.flatMap((b) => b.ids)).toEqual(expect.arrayContaining(ids));
    batches.length = 0;
    await ds.destroy();
  });

  it('posts batches in order with the shared secret, retries on failure, and survives a restart', async () => {
    const database = join(dir, 'producer.sqlite');
    let ds = await dataSourceFor({ type: 'better-sqlite3', database });
    const source = '/test/sqlite';
    // First process: records with the relay switched off, then "crashes".
    let events = new AuditEvents(ds, { source, auditIngestUrl: url, auditIngestSecret: 'shared-secret-123', relay: false });
    events.start();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      await ds.transaction(async (manager) => {
        await manager.query('INSERT INTO widgets (name) VALUES (?)', [`w-${i}`]);
        ids.push(await events.emit(EventType.TokenIssued, tokenIssued(i), { manager }));
      });
    }
    await events.stop();
    await ds.destroy();

    // Second process on the same file: the ingest endpoint fails twice, then accepts.
    failNext = 2;
    ds = await dataSourceFor({ type: 'better-sqlite3', database });
    events = new AuditEvents(ds, { source, auditIngestUrl: url, auditIngestSecret: 'shared-secret-123', retryMs: 20, batchSize: 20 });
    events.start();
    try {
      await events.relay.flush();
      for (let i = 50; i < 60; i++) ids.push(await events.emit(EventType.TokenIssued, tokenIssued(i)));
      await events.relay.flush();
      expect(batches.flatMap((b) => b.ids)).toEqual(ids);
      expect(batches.every((b) => b.auth === 'Bearer shared-secret-123')).toBe(true);
      expect(Math.max(...batches.map((b) => b.ids.length))).toBeLessThanOrEqual(20);
    } finally {
      await events.stop();
      await ds.destroy();
    }
  });
});
