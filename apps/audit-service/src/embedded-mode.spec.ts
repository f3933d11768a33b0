import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventType } from '@portcullis/contracts';
import { freePort, TestIssuer } from '@portcullis/testing';
import { createAuditApp } from './bootstrap';
import { AuditEventStore } from './events/audit-event.store';
import { auditConfig, producer, toolCalled, waitUntil } from './testing/audit-test-support';

jest.setTimeout(60_000);

/** No BROKER_URL, no DATABASE_URL: SQLite on both sides and the relay POSTs to /internal/events. */
describe('embedded default (SQLite, no broker)', () => {
  const secret = 'ingest-secret-for-tests';
  const source = `/test/embedded-${randomUUID()}`;
  const resource = 'http://localhost:3100/audit';
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;
  let issuer: TestIssuer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
    issuer = await new TestIssuer('http://localhost:3100/audit').start();
    app = await createAuditApp(auditConfig({ SQLITE_PATH: join(dir, 'audit.sqlite'), AUDIT_INGEST_PRODUCERS: `${source}=${secret}`, ISSUER_URL: issuer.issuer, RESOURCE_URL: resource }));
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('events recorded by a producer reach the audit store exactly once and can be queried', async () => {
    const p = await producer({ sqlite: join(dir, 'producer.sqlite'), source, auditIngestUrl: `${base}/internal/events`, auditIngestSecret: secret });
    const produced: string[] = [];
    for (let i = 0; i < 300; i++) produced.push(await p.events.emit(EventType.McpToolCalled, toolCalled(i), { subject: `user-${i % 5}` }));
    await p.events.relay.flush(30_000);
    await p.close();
    const store = app.get(AuditEventStore);
    await waitUntil('300 stored', async () => (await store.count()) >= 300);
    expect(await store.count()).toBe(300);

    const token = await issuer.mint({ claims: { aud: resource, scope: 'audit:read' } });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${base}/audit/events?type=mcp.tool.called&limit=128${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { events: { id: string }[]; next_cursor: string | null };
      ids.push(...body.events.map((e) => e.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(new Set(ids)).toEqual(new Set(produced));
    expect(ids).toHaveLength(300);
  });

  it('the ingest endpoint refuses a wrong credential and reports invalid events without storing them', async () => {
    const post = (body: unknown, auth?: string) =>
      fetch(`${base}/internal/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
    expect((await post([], 'Bearer wrong-secret-value')).status).toBe(401);
    expect((await post([])).status).toBe(401);
    const res = await post([{ specversion: '1.0', id: 'nope' }], `Bearer ${secret}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 0, rejected: [{ index: 0 }] });
  });

  it('reports ready without a broker', async () => {
    // Without a broker, readiness is the database's alone (terminus' report of libs/http).
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } }, error: {} });
  });
});
