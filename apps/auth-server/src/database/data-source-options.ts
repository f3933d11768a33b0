import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AuthConfig } from '../config/auth-config';
import { AUTH_ENTITIES } from './auth-entities';
import { AUTH_MIGRATIONS_POSTGRES, AUTH_MIGRATIONS_SQLITE } from './migrations';

/**
 * PostgreSQL when DATABASE_URL is set, else an SQLite file (the embedded default). Schema
 * changes are migrations, run at start, never `synchronize`.
 */
export function authDataSourceOptions(config: Pick<AuthConfig, 'databaseUrl' | 'sqlitePath'>): DataSourceOptions {
  if (config.databaseUrl) {
    return {
      type: 'postgres',
      url: config.databaseUrl,
      entities: AUTH_ENTITIES,
      migrations: AUTH_MIGRATIONS_POSTGRES,
      migrationsRun: true,
      migrationsTransactionMode: 'each',
      extra: { max: 20 },
    };
  }
  if (config.sqlitePath !== ':memory:') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: config.sqlitePath,
    entities: AUTH_ENTITIES,
    migrations: AUTH_MIGRATIONS_SQLITE,
    migrationsRun: true,
    // WAL lets readers proceed during a write; the file is this process's alone.
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}
