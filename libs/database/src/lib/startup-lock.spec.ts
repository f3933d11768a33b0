import { createTestDatabase, type TestDatabase } from '@portcullis/testing';
import { DataSource, type DataSourceOptions, type MigrationInterface, type QueryRunner } from 'typeorm';
import { holdsStartupLock, initializeUnderStartupLock, releaseStartupLock } from './startup-lock';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE things (id integer PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE things');
  }
}

const settled = (promise: Promise<unknown>) => Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))]);

describe('the start-up lock (PostgreSQL)', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];
  const options = (): DataSourceOptions => ({ type: 'postgres', url: db.url, migrations: [CreateThings1700000000000], migrationsRun: true });

  beforeAll(async () => {
    db = await createTestDatabase('startup_lock_unit');
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => (s.isInitialized ? s.destroy() : undefined)));
    await db.drop();
  });

  it('lets one process at a time through start-up: the second waits for the first to release', async () => {
    const first = await initializeUnderStartupLock(options());
    sources.push(first);
    expect(holdsStartupLock(first)).toBe(true);
    const messages: string[] = [];
    const second = initializeUnderStartupLock(options(), { log: (m) => messages.push(m) });
    expect(await settled(second)).toBe(false);
    expect(messages).toEqual(['another process of this service is starting (migrations, seeding): waiting for it']);

    await releaseStartupLock(first);
    expect(holdsStartupLock(first)).toBe(false);
    const later = await second;
    sources.push(later);
    // The migration ran once, by the first; the second found nothing pending.
    expect(await later.query('SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: 1 }]);
    await releaseStartupLock(later);
    await releaseStartupLock(later); // idempotent
  });

  it('is freed when its holder goes away without releasing it (a process that died mid-start)', async () => {
    const holder = await initializeUnderStartupLock(options());
    const waiting = initializeUnderStartupLock(options());
    expect(await settled(waiting)).toBe(false);
    await holder.destroy();
    sources.push(await waiting);
  });
});

describe('the start-up lock (SQLite)', () => {
  it('takes no lock (the file is one process’s) and runs the migrations', async () => {
    const sqlite = await initializeUnderStartupLock({ type: 'better-sqlite3', database: ':memory:', migrations: [CreateThings1700000000000], migrationsRun: true });
    expect(holdsStartupLock(sqlite)).toBe(false);
    expect(await sqlite.query('SELECT count(*) AS n FROM migrations')).toEqual([{ n: 1 }]);
    await sqlite.destroy();
  });
});
