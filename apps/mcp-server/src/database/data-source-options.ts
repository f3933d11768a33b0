import { serviceDataSourceOptions } from '@portcullis/database';
import { EVENTS_ENTITIES, EVENTS_MIGRATIONS } from '@portcullis/events';
import type { DataSourceOptions } from 'typeorm';
import type { McpServerConfig } from '../config/mcp-server.config';
import { HeadlineEntity } from '../sentiment/headline.entity';
import { WatchlistEntryEntity } from '../watchlist/watchlist-entry.entity';
import { MCP_MIGRATIONS_POSTGRES, MCP_MIGRATIONS_SQLITE } from './migrations';

/** The service's own tables. */
export const MCP_ENTITIES = [HeadlineEntity, WatchlistEntryEntity];

/** Its own tables and the audit events' outbox (libs/events), on PostgreSQL or SQLite (libs/database). */
export function mcpDataSourceOptions(config: Pick<McpServerConfig, 'databaseUrl' | 'sqlitePath'>): DataSourceOptions {
  return serviceDataSourceOptions({
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    entities: [...MCP_ENTITIES, ...EVENTS_ENTITIES],
    migrations: { postgres: [...EVENTS_MIGRATIONS, ...MCP_MIGRATIONS_POSTGRES], sqlite: [...EVENTS_MIGRATIONS, ...MCP_MIGRATIONS_SQLITE] },
  });
}
