import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PortcullisEvent } from '@portcullis/contracts';
import { createTestDatabase, type TestDatabase } from '@portcullis/testing';
import { dataSourceOptions } from '../database/database.module';
import { CreateAuditEvents1767000000100 } from '../database/migrations/1767000000100-create-audit-events.migration';
import { AuditEventStore } from '../events/audit-event.store';
import { DAY_MS, dayStart, partitionName } from './audit-partitions';
import { AuditRetention } from './audit-retention';

jest.setTimeout(60_000);

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const TODAY = dayStart(NOW);

function event(timeMs: number, id = randomUUID()): PortcullisEvent {
  return {
    specversion: '1.0', id, source: '/test/retention', type: 'mcp.tool.called', time: new Date(timeMs).toISOString(), subject: 'user-1', datacontenttype: 'application/json',
    data: { tool: 'analyze_sentiment', outcome: 'success', duration_ms: 1, client_id: 'client-1', subject: 'user-1', jti: randomUUID() },
  } as PortcullisEvent;
}

async function open(options: DataSourceOptions): Promise<DataSource> {
  return new DataSource(options).initialize();
}

describe('audit partitions and retention on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;

  const partitions = async (): Promise<string[]> =>
    (await ds.query(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_events'::regclass ORDER BY 1`)).map((r: { name: string }) => r.name);
  const idsIn = async (table: string): Promise<string[]> => (await ds.query(`SELECT id FROM "${table}"`)).map((r: { id: string }) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase('portcullis_audit_retention');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db.drop();
  });

  it('the migration turns the existing table into daily partitions and keeps every row', async () => {
    // The table as the first migration made it, with rows of three days.
    const before = await open({ ...dataSourceOptions({ databaseUrl: db.url, sqlitePath: ':memory:' }), migrations: [CreateAuditEvents1767000000100] } as DataSourceOptions);
    const old = [event(TODAY - 40 * DAY_MS), event(TODAY - DAY_MS + 5), event(TODAY - DAY_MS + 6), event(NOW)];
    // Rows as that table takes them: the store of today writes columns later migrations add.
    for (const e of old) {
      await before.query(
        'INSERT INTO "audit_events" ("id", "type", "source", "subject", "client_id", "time_ms", "stored_ms", "event") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [e.id, e.type, e.source, e.subject ?? null, null, Date.parse(e.time), Date.now(), JSON.stringify(e)],
      );
    }
    const [{ max }] = await before.query('SELECT max(seq) AS max FROM audit_events');
    await before.destroy();

    ds = await open(dataSourceOptions({ databaseUrl: db.url, sqlitePath: ':memory:' }));
    const [{ relkind }] = await ds.query(`SELECT relkind FROM pg_class WHERE oid = 'audit_events'::regclass`);
    expect(relkind).toBe('p');
    expect(await partitions()).toEqual(
      expect.arrayContaining(['audit_events_default', partitionName(TODAY - 40 * DAY_MS), partitionName(TODAY - DAY_MS), partitionName(dayStart(Date.now()))]),
    );
    expect((await idsIn('audit_events')).sort()).toEqual(old.map((e) => e.id).sort());
    expect(await idsIn(partitionName(TODAY - DAY_MS))).toHaveLength(2);
    expect(await idsIn('audit_events_default')).toEqual([]);
    // The sequence carried over: new rows follow the old ones, so cursors keep their order.
    const later = event(NOW);
    await new AuditEventStore(ds).insertMany([later]);
    const [{ seq }] = await ds.query('SELECT seq FROM audit_events WHERE id = $1', [later.id]);
    expect(Number(seq)).toBeGreaterThan(Number(max));
    // Prefix filters still rely on the bytewise collation of `type`.
    const [{ collation }] = await ds.query(`SELECT collation_name AS collation FROM information_schema.columns WHERE table_name = 'audit_events' AND column_name = 'type'`);
    expect(collation).toBe('C');
  });

  it('creates today and the coming days ahead, and a second round changes nothing', async () => {
    const retention = new AuditRetention(ds, { aheadDays: 3 });
    const first = await retention.run(NOW);
    expect(first.created.length).toBeGreaterThan(0);
    for (let d = 0; d <= 3; d++) expect(await partitions()).toContain(partitionName(TODAY + d * DAY_MS));
    expect(await retention.run(NOW)).toEqual({ created: [], dropped: [], deleted: 0 });
  });

  it('stores a redelivered event once, in its partition or in the default one', async () => {
    const store = new AuditEventStore(ds);
    const inDay = event(TODAY + 2 * DAY_MS + 1000);
    const farFuture = event(TODAY + 400 * DAY_MS);
    const farPast = event(Date.UTC(2001, 0, 1));
    await store.insertMany([inDay, farFuture, farPast]);
    await store.insertMany([inDay, farFuture, farPast]);
    await store.insertMany([{ ...inDay }, { ...farFuture }]);
    expect(await idsIn(partitionName(TODAY + 2 * DAY_MS))).toEqual([inDay.id]);
    expect((await idsIn('audit_events_default')).sort()).toEqual([farFuture.id, farPast.id].sort());

    // When its day comes the far-future event moves into the new partition, still once.
    await new AuditRetention(ds, { aheadDays: 0 }).run(TODAY + 400 * DAY_MS);
    expect(await idsIn(partitionName(TODAY + 400 * DAY_MS))).toEqual([farFuture.id]);
    await store.insertMany([farFuture]);
    expect((await ds.query('SELECT count(*)::int AS n FROM audit_events WHERE id = $1', [farFuture.id]))[0].n).toBe(1);
    expect(await idsIn('audit_events_default')).toEqual([farPast.id]);
  });

  it('AUDIT_RETENTION_DAYS drops whole partitions past it and deletes old rows of the default partition', async () => {
    const store = new AuditEventStore(ds);
    const recent = event(NOW - 2 * DAY_MS);
    await ds.query(`DELETE FROM audit_events_default`);
    const oldInDefault = [event(Date.UTC(2001, 0, 1)), event(Date.UTC(2002, 0, 1)), event(Date.UTC(2003, 0, 1))];
    await store.insertMany([recent, ...oldInDefault]);
    const keptDefault = event(TODAY + 900 * DAY_MS);
    await store.insertMany([keptDefault]);

    const round = await new AuditRetention(ds, { retentionDays: 7, deleteBatch: 2 }).run(NOW);
    expect(round.dropped).toEqual([partitionName(TODAY - 40 * DAY_MS)]);
    expect(round.deleted).toBe(3);
    const left = await partitions();
    expect(left).not.toContain(partitionName(TODAY - 40 * DAY_MS));
    // The partition of the day 7 days ago still holds events younger than 7 days: kept.
    expect(left).toContain(partitionName(TODAY - DAY_MS));
    expect(await idsIn('audit_events')).toEqual(expect.arrayContaining([recent.id, keptDefault.id]));
    // Two days ago has no partition (none was made ahead of it): its event waits in the default.
    expect((await idsIn('audit_events_default')).sort()).toEqual([recent.id, keptDefault.id].sort());

    // A week on, yesterday's partition goes too.
    const later = await new AuditRetention(ds, { retentionDays: 7 }).run(NOW + 7 * DAY_MS);
    expect(later.dropped).toContain(partitionName(TODAY - DAY_MS));
    expect(await partitions()).not.toContain(partitionName(TODAY - DAY_MS));
  });
});

describe('audit retention on SQLite', () => {
  let dir: string;
  let ds: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-retention-'));
    ds = await open(dataSourceOptions({ databaseUrl: undefined, sqlitePath: join(dir, 'audit.sqlite') }));
  });
  afterAll(async () => {
    await ds?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps everything without a retention, and deletes rows older than it in batches', async () => {
    const store = new AuditEventStore(ds);
    const old = Array.from({ length: 7 }, (_, i) => event(NOW - (30 + i) * DAY_MS));
    const recent = [event(NOW - DAY_MS), event(NOW)];
    await store.insertMany([...old, ...recent]);
    await store.insertMany([recent[0]]);
    expect(await new AuditRetention(ds).run(NOW)).toEqual({ created: [], dropped: [], deleted: 0 });
    expect(await store.count()).toBe(9);

    const round = await new AuditRetention(ds, { retentionDays: 7, deleteBatch: 3 }).run(NOW);
    expect(round.deleted).toBe(7);
    const ids = (await ds.query('SELECT id FROM audit_events')).map((r: { id: string }) => r.id);
    expect(ids.sort()).toEqual(recent.map((e) => e.id).sort());
  });
});
