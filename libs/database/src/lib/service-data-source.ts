import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

type Entities = NonNullable<DataSourceOptions['entities']>;
type Migrations = NonNullable<DataSourceOptions['migrations']>;

export interface ServiceDataSource {
  /** `postgres://…`; unset → the SQLite file (the embedded default). */
  databaseUrl?: string;
  sqlitePath: string;
  entities: Entities;
  /** Per engine, in order; they run at start (migrationsRun). */
  migrations: { postgres: Migrations; sqlite: Migrations };
}

/**
 * PostgreSQL when DATABASE_URL is set, else an SQLite file, as every service but the
 * authorization server stores things. The schema is made by migrations run at start, never by
 * `synchronize`, so a replica never alters a table under another replica's feet.
 */
export function serviceDataSourceOptions(source: ServiceDataSource): DataSourceOptions {
  if (source.databaseUrl) {
    return {
      type: 'postgres',
      url: source.databaseUrl,
      entities: source.entities,
      migrations: source.migrations.postgres,
      migrationsRun: true,
      migrationsTransactionMode: 'each',
    };
  }
  if (source.sqlitePath !== ':memory:') mkdirSync(dirname(source.sqlitePath), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: source.sqlitePath,
    entities: source.entities,
    migrations: source.migrations.sqlite,
    migrationsRun: true,
    // WAL lets readers proceed during a write; the file is this process's alone. In WAL mode,
    // synchronous=NORMAL syncs at checkpoints instead of on every commit: a commit survives a
    // crash or kill of this process (what the outbox promises), and only an OS crash or power
    // loss could take the last commits. Per-commit fsyncs would cap every audited request.
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}
