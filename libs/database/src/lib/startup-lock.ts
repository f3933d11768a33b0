import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';

/**
 * The PostgreSQL advisory lock every Portcullis process takes while it starts: from its first
 * migration until it serves (its seeding included). Replicas of one service share a database,
 * so the lock serializes their start-up writes: two replicas started at once never run the same
 * migration together (CREATE TABLE racing on `pg_type_typname_nsp_index`) nor seed the same rows
 * twice. `hashtextextended` turns the readable name into the 64-bit key advisory locks take.
 */
const STARTUP_LOCK = `hashtextextended('portcullis.startup', 0)`;

/** The connection holding each data source's start-up lock, until released. */
const held = new WeakMap<DataSource, QueryRunner>();

export interface StartupLockOptions {
  /** Told when another process holds the lock, so the wait shows in the log. */
  log?: (message: string) => void;
}

/**
 * A `dataSourceFactory` for @nestjs/typeorm: connects, takes the start-up lock (PostgreSQL
 * only: an SQLite file belongs to one process), then runs the pending migrations as
 * `migrationsRun` would have. The lock stays held until {@link releaseStartupLock}, which
 * StartupLockModule calls once the application listens: seeding done in lifecycle hooks runs
 * under it too.
 */
export async function initializeUnderStartupLock(options: DataSourceOptions, lockOptions: StartupLockOptions = {}): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    if (dataSource.options.type === 'postgres') await acquire(dataSource, lockOptions);
    if (options.migrationsRun) await dataSource.runMigrations({ transaction: options.migrationsTransactionMode ?? 'all' });
    return dataSource;
  } catch (err) {
    // Closing the connections also drops a session-level advisory lock.
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
}

/** Lets the next replica start. Idempotent; a no-op when no lock is held. */
export async function releaseStartupLock(dataSource: DataSource): Promise<void> {
  const runner = held.get(dataSource);
  if (!runner) return;
  held.delete(dataSource);
  // A connection already closed (the data source destroyed first) took its lock with it.
  if (!runner.isReleased) await runner.query(`SELECT pg_advisory_unlock(${STARTUP_LOCK})`).catch(() => undefined);
  await runner.release().catch(() => undefined);
}

/** Whether this data source still holds the start-up lock (for tests and logs). */
export function holdsStartupLock(dataSource: DataSource): boolean {
  return held.has(dataSource);
}

async function acquire(dataSource: DataSource, { log }: StartupLockOptions): Promise<void> {
  // A session-level lock lives as long as its connection: one dedicated connection holds it,
  // and a process that dies mid-start frees it with its connection.
  const runner = dataSource.createQueryRunner();
  try {
    const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(${STARTUP_LOCK}) AS locked`)) as [{ locked: boolean }];
    if (!locked) {
      log?.('another process of this service is starting (migrations, seeding): waiting for it');
      await runner.query(`SELECT pg_advisory_lock(${STARTUP_LOCK})`);
    }
  } catch (err) {
    await runner.release().catch(() => undefined);
    throw err;
  }
  held.set(dataSource, runner);
}
