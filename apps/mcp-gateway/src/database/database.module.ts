import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { initializeUnderStartupLock, serviceDataSourceOptions, StartupLockModule } from '@portcullis/database';
import { EVENTS_ENTITIES, EVENTS_MIGRATIONS } from '@portcullis/events';
import type { DataSourceOptions } from 'typeorm';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * The gateway's only table: the audit events' outbox (libs/events), so a recorded call
 * survives a broker outage and a restart. Migrations run under the start-up lock, so replicas
 * may start together.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: Pick<GatewayConfig, 'databaseUrl' | 'sqlitePath'>): DynamicModule {
    const logger = new Logger('database');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () =>
            serviceDataSourceOptions({
              databaseUrl: config.databaseUrl,
              sqlitePath: config.sqlitePath,
              entities: EVENTS_ENTITIES,
              migrations: { postgres: EVENTS_MIGRATIONS, sqlite: EVENTS_MIGRATIONS },
            }),
          dataSourceFactory: (options) => initializeUnderStartupLock(options as DataSourceOptions, { log: (m) => logger.log(m) }),
        }),
        StartupLockModule,
      ],
      exports: [TypeOrmModule],
    };
  }
}
