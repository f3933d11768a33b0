import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { initializeUnderStartupLock, StartupLockModule } from '@portcullis/database';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AuditConfig } from '../config/audit-config';
import { AuditEventEntity } from '../events/audit-event.entity';
import { CreateAuditEvents1767000000100 } from './migrations/1767000000100-create-audit-events.migration';
import { PartitionAuditEvents1795829000000 } from './migrations/1795829000000-partition-audit-events.migration';
import { AuditEventsTraceId1796400000000 } from './migrations/1796400000000-audit-events-trace-id.migration';
import { AddAuditRequestId1796500000000 } from './migrations/1796500000000-add-audit-request-id.migration';

export function dataSourceOptions(config: Pick<AuditConfig, 'databaseUrl' | 'sqlitePath'>): DataSourceOptions {
  const common = {
    entities: [AuditEventEntity],
    migrations: [CreateAuditEvents1767000000100, PartitionAuditEvents1795829000000, AuditEventsTraceId1796400000000, AddAuditRequestId1796500000000],
    migrationsRun: true,
    synchronize: false,
    logging: false,
  };
  if (config.databaseUrl) return { type: 'postgres', url: config.databaseUrl, extra: { max: 10 }, ...common };
  if (config.sqlitePath !== ':memory:') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  // WAL lets the query API read while the consumer writes.
  return { type: 'better-sqlite3', database: config.sqlitePath, prepareDatabase: (db: { pragma(s: string): unknown }) => void db.pragma('journal_mode = WAL'), ...common };
}

/**
 * PostgreSQL when DATABASE_URL is set, else a SQLite file; migrations run at start, under the
 * start-up lock (libs/database), so replicas may start together on one database.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: AuditConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config),
          dataSourceFactory: (options) => initializeUnderStartupLock(options as DataSourceOptions, { log: (m) => new Logger('database').log(m) }),
        }),
        StartupLockModule,
      ],
    };
  }
}
