import { DynamicModule, Logger, Module } from '@nestjs/common';
import { DatabaseHealthModule, GRACEFUL_DRAIN_OPTIONS, GracefulDrain, gracefulDrainOptions } from '@portcullis/http';
import { eventProducerOptions, EventsModule, revocationListenerFor } from '@portcullis/events';
import { ACCESS_DENIAL_LISTENERS, type AccessDenialListener, ResourceServerModule } from '@portcullis/resource-server';
import { Scope, scopesForResource } from '@portcullis/scopes';
import { metricsOptions, MetricsModule } from '@portcullis/metrics';
import { McpAudit } from './audit/mcp-audit.service';
import { MCP_SERVER_CONFIG, type McpServerConfig } from './config/mcp-server.config';
import { DatabaseModule } from './database/database.module';
import { DeniedRequestLog } from './mcp/denied-request.log';
import { McpServerHost } from './mcp/mcp-server.provider';
import { McpMetrics } from './metrics/mcp-metrics';
import { mcpController } from './mcp/mcp.controller';
import { protectedResourceController } from './metadata/protected-resource.controller';
import { HeadlineStore } from './sentiment/headline-store.service';
import { WatchlistService } from './watchlist/watchlist.service';

/**
 * Scopes a 401 names when the request itself needs none (initialize, tools/list): what basic,
 * read-only use needs. Changing a watchlist is asked for by step-up when it happens.
 */
export const BASELINE_SCOPES = [Scope.SentimentAnalyze, Scope.SentimentRead, Scope.WatchlistRead];

/** CloudEvents `source` of this producer (docs/events.md). */
export const MCP_EVENT_SOURCE = '/portcullis/mcp-server';

@Module({})
export class AppModule {
  static register(config: McpServerConfig): DynamicModule {
    const logger = new Logger('mcp-server');
    // Every replica learns revocations on its own queue (or by polling without a broker) and
    // reads the authorization server's current list before it serves: Nest runs the listener's
    // onModuleInit (start) during app.init(), before listen(). It is provided once, as the
    // resource server's revocation list: Nest runs the lifecycle hooks of every provider, so the
    // same object under a second token would be started twice (two subscriptions, two polls).
    const revocations = revocationListenerFor(config, (message) => logger.warn(message));
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(config),
        DatabaseHealthModule,
        MetricsModule.forRoot(metricsOptions(config)),
        ResourceServerModule.forRoot({
          issuer: config.issuer,
          resource: config.resource,
          jwksUri: config.jwksUri,
          resourceMetadataUrl: config.resourceMetadataUrl,
          baselineScopes: BASELINE_SCOPES.filter((s) => scopesForResource('mcp').includes(s)),
          cacheBytes: config.tokenCacheBytes,
          cacheSize: config.tokenCacheSize,
          revocations,
        }),
        EventsModule.forRoot({
          source: MCP_EVENT_SOURCE,
          ...eventProducerOptions(config),
          onError: (message) => logger.warn(`audit events: ${message}`),
        }),
      ],
      controllers: [mcpController(config.mcpPath), protectedResourceController(config.mcpPath)],
      providers: [
        { provide: MCP_SERVER_CONFIG, useValue: config },
        HeadlineStore,
        WatchlistService,
        McpServerHost,
        McpAudit,
        DeniedRequestLog,
        McpMetrics,
        // The bearer guard's refusals: the log line, the metric, then the audit event (all before the answer).
        {
          provide: ACCESS_DENIAL_LISTENERS,
          useFactory: (log: DeniedRequestLog, metrics: McpMetrics, audit: McpAudit): AccessDenialListener[] => [log, metrics, audit],
          inject: [DeniedRequestLog, McpMetrics, McpAudit],
        },
        { provide: GRACEFUL_DRAIN_OPTIONS, useValue: gracefulDrainOptions(config) },
        GracefulDrain,
      ],
    };
  }
}
