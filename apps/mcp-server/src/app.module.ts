import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ResourceServerModule } from '@portcullis/resource-server';
import { Scope, scopesForResource } from '@portcullis/scopes';
import { MCP_SERVER_CONFIG, type McpServerConfig } from './config/mcp-server.config';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { McpAccessGuard } from './mcp/mcp-access.guard';
import { McpServerHost } from './mcp/mcp-server.provider';
import { mcpController } from './mcp/mcp.controller';
import { protectedResourceController } from './metadata/protected-resource.controller';
import { HeadlineStore } from './sentiment/headline-store.service';
import { WatchlistService } from './watchlist/watchlist.service';

/**
 * Scopes a 401 names when the request itself needs none (initialize, tools/list): what basic,
 * read-only use needs. Changing a watchlist is asked for by step-up when it happens.
 */
export const BASELINE_SCOPES = [Scope.SentimentAnalyze, Scope.SentimentRead, Scope.WatchlistRead];

@Module({})
export class AppModule {
  static register(config: McpServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(config),
        TerminusModule,
        ResourceServerModule.forRoot({
          issuer: config.issuer,
          resource: config.resource,
          jwksUri: config.jwksUri,
          resourceMetadataUrl: config.resourceMetadataUrl,
          baselineScopes: BASELINE_SCOPES.filter((s) => scopesForResource('mcp').includes(s)),
          cacheSize: config.tokenCacheSize,
        }),
      ],
      controllers: [mcpController(config.mcpPath), protectedResourceController(config.mcpPath), HealthController],
      providers: [{ provide: MCP_SERVER_CONFIG, useValue: config }, HeadlineStore, WatchlistService, McpServerHost, McpAccessGuard],
    };
  }
}
