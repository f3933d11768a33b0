import { DynamicModule, Logger, Module } from '@nestjs/common';
import { eventProducerOptions, EventsModule, revocationListenerFor } from '@portcullis/events';
import { DatabaseHealthModule, GRACEFUL_DRAIN_OPTIONS, GracefulDrain, gracefulDrainOptions } from '@portcullis/http';
import { metricsOptions, MetricsModule } from '@portcullis/metrics';
import { REVOCATION_LIST } from '@portcullis/resource-server';
import { UpstreamAccessGuard } from './access/upstream-access.guard';
import { UpstreamBearerStrategy } from './access/upstream-bearer.strategy';
import { GatewayAudit } from './audit/gateway-audit.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config';
import { DatabaseModule } from './database/database.module';
import { IdentityKeysController } from './identity/identity-keys.controller';
import { IdentitySigner } from './identity/identity-signer';
import { GatewayController } from './mcp/gateway.controller';
import { LimitDenials } from './limits/limit-denials';
import { MemoryRateStore } from './limits/rate-store';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { RedisRateStore } from './limits/redis-rate-store';
import { RATE_STORE, UpstreamLimiter } from './limits/upstream-limiter';
import { UpstreamLimitsGuard } from './limits/upstream-limits.guard';
import { ProtectedResourceController } from './metadata/protected-resource.controller';
import { UpstreamProxy } from './proxy/upstream-proxy';
import { UpstreamHttp } from './proxy/upstream-http';
import { UpstreamRegistry } from './upstreams/upstream-registry';

/** CloudEvents `source` of this producer (docs/events.md). */
export const GATEWAY_EVENT_SOURCE = '/portcullis/mcp-gateway';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    const logger = new Logger('mcp-gateway');
    // One revocation list for every upstream, read before the gateway serves (the listener's
    // onModuleInit runs during app.init()), fed by the broker or by polling, as in the mcp-server.
    const revocations = revocationListenerFor(config, (message) => logger.warn(message));
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(config),
        DatabaseHealthModule,
        MetricsModule.forRoot(metricsOptions(config)),
        EventsModule.forRoot({
          source: GATEWAY_EVENT_SOURCE,
          ...eventProducerOptions(config),
          onError: (message) => logger.warn(`audit events: ${message}`),
        }),
      ],
      controllers: [ProtectedResourceController, IdentityKeysController, GatewayController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: REVOCATION_LIST, useValue: revocations },
        UpstreamRegistry,
        IdentitySigner,
        GatewayAudit,
        GatewayMetrics,
        UpstreamBearerStrategy,
        UpstreamAccessGuard,
        UpstreamProxy,
        UpstreamHttp,
        {
          provide: RATE_STORE,
          // Redis makes the rate limits hold across replicas; without it each process counts alone.
          useFactory: () =>
            config.redisUrl ? new RedisRateStore(config.redisUrl, config.rateLimitKeyPrefix, (message) => logger.warn(message)) : new MemoryRateStore(),
        },
        UpstreamLimiter,
        LimitDenials,
        UpstreamLimitsGuard,
        { provide: GRACEFUL_DRAIN_OPTIONS, useValue: gracefulDrainOptions(config) },
        GracefulDrain,
      ],
    };
  }
}
