import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { McpServerConfig } from '../config/mcp-server.config';
import { HeadlineEntity } from '../sentiment/headline.entity';
import { WatchlistEntryEntity } from '../watchlist/watchlist-entry.entity';

export const ENTITIES = [HeadlineEntity, WatchlistEntryEntity];

/**
 * The service's own store: PostgreSQL when DATABASE_URL is set, else a SQLite file. The schema
 * is two small tables owned by this service alone, so TypeORM keeps it in sync at start-up.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: Pick<McpServerConfig, 'databaseUrl' | 'sqlitePath'>): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => {
            if (config.databaseUrl) {
              return { type: 'postgres' as const, url: config.databaseUrl, entities: ENTITIES, synchronize: true };
            }
            if (config.sqlitePath !== ':memory:') mkdirSync(dirname(config.sqlitePath), { recursive: true });
            return { type: 'better-sqlite3' as const, database: config.sqlitePath, entities: ENTITIES, synchronize: true };
          },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      exports: [TypeOrmModule],
    };
  }
}
