import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { initializeUnderStartupLock, PurgeModule, StartupLockModule } from '@portcullis/database';
import type { DataSourceOptions } from 'typeorm';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AUTH_PURGES } from './auth-purges';
import { authDataSourceOptions } from './data-source-options';

export interface DatabaseModuleOptions {
  /**
   * false: one connection attempt, its failure thrown at once (the CLI: an operator wants the
   * answer now). Default: TypeORM's retries, so a server started before its database waits.
   */
  retryDatabaseConnection?: boolean;
}

/**
 * Migrations and start-up seeding (signing keys, BOOTSTRAP_USERS, CLIENTS_FILE) run under the
 * start-up lock (libs/database), so replicas may start together on one database. The data
 * source sees every entity (auth-entities.ts); each feature module registers its own. Expired
 * rows are purged on a schedule (auth-purges.ts, PURGE_INTERVAL_SECONDS).
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AUTH_CONFIG],
          useFactory: (config: AuthConfig) => ({
            ...authDataSourceOptions(config),
            ...(options.retryDatabaseConnection === false ? { toRetry: () => false } : {}),
          }),
          dataSourceFactory: (dataSourceOptions) => initializeUnderStartupLock(dataSourceOptions as DataSourceOptions, { log: (m) => new Logger('database').log(m) }),
        }),
        StartupLockModule,
        PurgeModule.forRootAsync({ inject: [AUTH_CONFIG], useFactory: (config: AuthConfig) => ({ tasks: AUTH_PURGES, ...config }) }),
      ],
    };
  }
}
