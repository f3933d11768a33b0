import { DynamicModule, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { revocationListenerFor } from '@portcullis/events';
import { DatabaseHealthModule } from '@portcullis/http';
import { metricsOptions, MetricsModule } from '@portcullis/metrics';
import { ResourceServerModule } from '@portcullis/resource-server';
import { Scope } from '@portcullis/scopes';
import { AUDIT_CONFIG, type AuditConfig } from './config/audit-config';
import { DatabaseModule } from './database/database.module';
import { AuditEventStore } from './events/audit-event.store';
import { BrokerState, brokerReadiness } from './health/broker-state';
import { AuditBatcher } from './ingest/audit-batcher';
import { AuditEventsConsumer } from './ingest/audit-events.consumer';
import { deadLetterNameFor } from './ingest/audit-topology';
import { IngestController } from './ingest/ingest.controller';
import { DeadLetterDepth } from './metrics/dead-letter-depth';
import { AuditQueryController } from './query/audit-query.controller';
import { ProtectedResourceMetadataController, resourceMetadataUrl } from './query/protected-resource-metadata.controller';
import { AuditRetention } from './retention/audit-retention';
import { AuditStatsController } from './stats/audit-stats.controller';
import { AuditStatsStore } from './stats/audit-stats.store';

@Module({})
export class AppModule {
  static forRoot(config: AuditConfig): DynamicModule {
    const embedded = !config.brokerUrl;
    const logger = new Logger('audit-service');
    const broker = new BrokerState();
    // A resource server applies revocations (RFC 7009 §2, RFC 7592 client deletion): pushed on
    // this process's own queue with a broker, else polled from the authorization server. Given
    // only to the ResourceServerModule, so Nest starts it once (onModuleInit, before listen).
    const revocations = revocationListenerFor(config, (message) => logger.warn(message));
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(config),
        // Ready while the database answers and, with a broker, while the consumer is connected.
        DatabaseHealthModule.withReadinessChecks(embedded ? [] : [brokerReadiness(broker)]),
        MetricsModule.forRoot(metricsOptions(config)),
        ResourceServerModule.forRoot({
          issuer: config.issuerUrl,
          jwksUri: config.jwksUri,
          resource: config.resourceUrl,
          resourceMetadataUrl: resourceMetadataUrl(config.resourceUrl),
          baselineScopes: [Scope.AuditRead],
          revocations,
        }),
      ],
      controllers: [
        ProtectedResourceMetadataController,
        AuditQueryController,
        AuditStatsController,
        // Without a broker: the HTTP ingest endpoint (with one: AuditEventsConsumer below).
        ...(embedded ? [IngestController] : []),
      ],
      providers: [
        { provide: AUDIT_CONFIG, useValue: config },
        { provide: BrokerState, useValue: broker },
        // With a broker: the dead-letter queue's depth, read when Prometheus scrapes.
        ...(config.brokerUrl && config.metricsEnabled ? [{ provide: DeadLetterDepth, useValue: new DeadLetterDepth(config.brokerUrl, deadLetterNameFor(config.auditQueue)) }] : []),
        { provide: AuditEventStore, useFactory: (ds: DataSource) => new AuditEventStore(ds), inject: [DataSource] },
        { provide: AuditStatsStore, useFactory: (ds: DataSource) => new AuditStatsStore(ds), inject: [DataSource] },
        {
          provide: AuditBatcher,
          useFactory: (store: AuditEventStore) => new AuditBatcher(store, { maxBatch: config.auditBatchMax, windowMs: config.auditBatchWindowMs }),
          inject: [AuditEventStore],
        },
        ...(embedded ? [] : [AuditEventsConsumer]),
        // Creates the coming days' partitions (PostgreSQL) and applies AUDIT_RETENTION_DAYS.
        { provide: AuditRetention, useFactory: (ds: DataSource) => new AuditRetention(ds, { retentionDays: config.auditRetentionDays }), inject: [DataSource] },
      ],
    };
  }
}
