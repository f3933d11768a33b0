import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { expiredRows } from './purge-task';
import { PurgeSchedule } from './purge-schedule';
import { Purger } from './purger';

/** The schedule and the batched task on a real SQLite file (the auth-server's spec covers PostgreSQL). */
describe('PurgeSchedule', () => {
  let dir: string;
  let db: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'purge-schedule-'));
    db = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'db.sqlite') }).initialize();
    await db.query('CREATE TABLE "things" ("id" varchar PRIMARY KEY, "expires_at" bigint NOT NULL)');
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fill(expired: number, live: number): Promise<void> {
    await db.query('DELETE FROM "things"');
    for (let i = 0; i < expired; i++) await db.query('INSERT INTO "things" VALUES (?, ?)', [`old-${i}`, Date.now() - 1000]);
    for (let i = 0; i < live; i++) await db.query('INSERT INTO "things" VALUES (?, ?)', [`live-${i}`, Date.now() + 3_600_000]);
  }

  /** Schedules started by a test, stopped after it. */
  const afterTimers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of afterTimers.splice(0)) await stop();
  });

  const remaining = async () => ((await db.query('SELECT COUNT(*) AS n FROM "things"')) as [{ n: number }])[0].n;

  it('deletes in batches until nothing expired is left, and counts what went', async () => {
    await fill(7, 2);
    expect(await new Purger(db, [expiredRows('things', 'id')], { batchSize: 3 }).purge()).toEqual({ things: 7 });
    expect(await remaining()).toBe(2);
  });

  it('runs a round every interval and logs its counts', async () => {
    await fill(4, 1);
    const lines: string[] = [];
    const logged = new Promise<void>((resolve) => {
      const schedule = new PurgeSchedule(new Purger(db, [expiredRows('things', 'id')]), {
        intervalSeconds: 0.05,
        log: { log: (m) => (lines.push(m), resolve()), warn: (m) => lines.push(`warn ${m}`) },
      });
      schedule.start();
      afterTimers.push(() => schedule.stop());
    });
    await logged;
    expect(lines).toEqual(['purged 4 things']);
    expect(await remaining()).toBe(1);
  });

  it('never runs with an interval of 0', async () => {
    await fill(3, 0);
    const purger = new Purger(db, [expiredRows('things', 'id')]);
    const purge = jest.spyOn(purger, 'purge');
    const schedule = new PurgeSchedule(purger, { intervalSeconds: 0, log: { log: () => undefined, warn: () => undefined } });
    schedule.start();
    await schedule.stop();
    expect(purge).not.toHaveBeenCalled();
  });

  it('logs a failed round as one warning and goes on', async () => {
    const failing = new Purger(db, [expiredRows('no_such_table', 'id')]);
    const warned = new Promise<string>((resolve) => {
      const schedule = new PurgeSchedule(failing, { intervalSeconds: 0.05, log: { log: () => undefined, warn: resolve } });
      schedule.start();
      afterTimers.push(() => schedule.stop());
    });
    expect(await warned).toMatch(/^purge failed, next round in 0.05 s: .*no_such_table/);
  });
});
