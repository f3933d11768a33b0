import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { initializeUnderStartupLock, StartupLockModule } from '@portcullis/database';
import type { DataSourceOptions } from 'typeorm';
import type { McpServerConfig } from '../config/mcp-server.config';
import { MCP_ENTITIES, mcpDataSourceOptions } from './data-source-options';

/**
 * The service's own store (see data-source-options.ts). Migrations and seeding run before the
 * app serves, under the start-up lock (libs/database), so replicas may start together.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: Pick<McpServerConfig, 'databaseUrl' | 'sqlitePath'>): DynamicModule {
    const logger = new Logger('database');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => mcpDataSourceOptions(config),
          dataSourceFactory: (options) => initializeUnderStartupLock(options as DataSourceOptions, { log: (m) => logger.log(m) }),
        }),
        TypeOrmModule.forFeature(MCP_ENTITIES),
        StartupLockModule,
      ],
      exports: [TypeOrmModule],
    };
  }
}
