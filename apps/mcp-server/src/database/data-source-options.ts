import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EVENTS_ENTITIES, EVENTS_MIGRATIONS } from '@portcullis/events';
import type { DataSourceOptions } from 'typeorm';
import type { McpServerConfig } from '../config/mcp-server.config';
import { HeadlineEntity } from '../sentiment/headline.entity';
import { WatchlistEntryEntity } from '../watchlist/watchlist-entry.entity';
import { MCP_MIGRATIONS_POSTGRES, MCP_MIGRATIONS_SQLITE } from './migrations';

/** The service's own tables. */
export const MCP_ENTITIES = [HeadlineEntity, WatchlistEntryEntity];
/** Every table in its database: its own and the audit events' outbox (libs/events). */
const ALL_ENTITIES = [...MCP_ENTITIES, ...EVENTS_ENTITIES];

/**
 * PostgreSQL when DATABASE_URL is set, else an SQLite file (the embedded default). The schema
 * is made by migrations run at start, never by `synchronize`, so a replica never alters a
 * table under another replica's feet.
 */
export function mcpDataSourceOptions(config: Pick<McpServerConfig, 'databaseUrl' | 'sqlitePath'>): DataSourceOptions {
  if (config.databaseUrl) {
    return {
      type: 'postgres',
      url: config.databaseUrl,
      entities: ALL_ENTITIES,
      migrations: [...EVENTS_MIGRATIONS, ...MCP_MIGRATIONS_POSTGRES],
      migrationsRun: true,
      migrationsTransactionMode: 'each',
    };
  }
  if (config.sqlitePath !== ':memory:') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: config.sqlitePath,
    entities: ALL_ENTITIES,
    migrations: [...EVENTS_MIGRATIONS, ...MCP_MIGRATIONS_SQLITE],
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
