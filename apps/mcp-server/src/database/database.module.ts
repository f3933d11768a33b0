import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { McpServerConfig } from '../config/mcp-server.config';
import { MCP_ENTITIES, mcpDataSourceOptions } from './data-source-options';

/** The service's own store (see data-source-options.ts); migrations run before the app serves. */
@Module({})
export class DatabaseModule {
  static forRoot(config: Pick<McpServerConfig, 'databaseUrl' | 'sqlitePath'>): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRootAsync({ useFactory: () => mcpDataSourceOptions(config) }), TypeOrmModule.forFeature(MCP_ENTITIES)],
      exports: [TypeOrmModule],
    };
  }
}
