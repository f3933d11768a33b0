import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { CreateEventOutbox1767000000000 } from './create-event-outbox.migration';
import { EventOutboxIdNotUnique1795690000000 } from './event-outbox-id-not-unique.migration';

type Engine = 'sqlite' | 'postgres';

describe.each<Engine>(['sqlite', 'postgres'])('EventOutboxIdNotUnique on %s', (engine) => {
  let db: TestDatabase | undefined;
  let dir: string;
  let ds: DataSource;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-migration-'));
    if (engine === 'postgres') db = await createTestDatabase('outbox_migration');
    const connection = engine === 'postgres' ? { type: 'postgres' as const, url: db!.url } : { type: 'better-sqlite3' as const, database: join(dir, 'o.sqlite') };
    // Only the first migration: the table as a database made before this change has it.
    ds = await new DataSource({ ...connection, migrations: [CreateEventOutbox1767000000000], migrationsRun: true, logging: false }).initialize();
  });
  afterEach(async () => {
    await ds.destroy();
    await db?.drop();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (seqless: { id: string; payload: string }) =>
    ds.query(`INSERT INTO "event_outbox" ("id", "type", "payload", "created_at") VALUES ('${seqless.id}', 't.e.v', '${seqless.payload}', 1)`);
  const rows = async () => (await ds.query('SELECT "seq", "id", "payload" FROM "event_outbox" ORDER BY "seq"')).map((r: Record<string, unknown>) => ({ ...r, seq: Number(r.seq) }));

  it('drops the uniqueness of id, keeps the waiting rows and their order, and goes back down', async () => {
    await insert({ id: 'a', payload: 'first' });
    await insert({ id: 'b', payload: 'second' });
    await expect(insert({ id: 'a', payload: 'again' })).rejects.toThrow();

    const runner = ds.createQueryRunner();
    await new EventOutboxIdNotUnique1795690000000().up(runner);
    expect(await rows()).toEqual([
      { seq: 1, id: 'a', payload: 'first' },
      { seq: 2, id: 'b', payload: 'second' },
    ]);
    await insert({ id: 'a', payload: 'again' });
    // seq keeps counting up after the rebuild: no waiting row is overtaken (PostgreSQL may
    // skip the number the refused insert drew).
    const after = await rows();
    expect(after.map((r: { id: string }) => r.id)).toEqual(['a', 'b', 'a']);
    expect(after[2].seq).toBeGreaterThan(2);

    await ds.query(`DELETE FROM "event_outbox" WHERE "payload" = 'again'`);
    await new EventOutboxIdNotUnique1795690000000().down(runner);
    await runner.release();
    await expect(insert({ id: 'a', payload: 'again' })).rejects.toThrow();
    expect((await rows()).map((r: { id: string }) => r.id)).toEqual(['a', 'b']);
  });
});
