import { Logger, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENTS_EXCHANGE } from '@portcullis/contracts';
import { createHttpApp } from '@portcullis/http';
import { AppModule } from './app.module';
import type { AuditConfig } from './config/audit-config';
import { BrokerState } from './health/broker-state';
import { AuditBatcher } from './ingest/audit-batcher';
import { AuditEventsConsumer } from './ingest/audit-events.consumer';
import { AuditQueueServer } from './ingest/audit-queue.server';
import { AUDIT_BINDING_KEY, assertAuditTopology, auditQueueOptions } from './ingest/audit-topology';
import { hardenIngestRoute } from './ingest/ingest-route';

/**
 * Builds the audit service: the HTTP app (query API, health, and without a broker the ingest
 * endpoint) plus, with a broker, the Nest RMQ microservice consuming the audit queue.
 */
export async function createAuditApp(config: AuditConfig): Promise<NestFastifyApplication> {
  // createHttpApp takes a module class; this one carries the configured AppModule.
  @Module({ imports: [AppModule.forRoot(config)] })
  class ConfiguredAuditModule {}
  // Every route keeps the small default body limit; only the JSON ingest route allows a relay batch.
  const app = await createHttpApp(ConfiguredAuditModule, {
    trustProxy: config.trustProxy,
    logging: config,
    // The query API answers browsers on the console's origins only (bearer tokens, no cookies).
    corsOrigins: { pathPrefix: '/audit/', origins: config.consoleOrigins },
  });
  if (!config.brokerUrl) {
    hardenIngestRoute(app.getHttpAdapter().getInstance(), config.auditIngestProducers);
    warnAboutIngestCredentials(config);
  }
  if (config.brokerUrl) {
    await assertWithRetry(config.brokerUrl, config.auditQueue);
    const server = new AuditQueueServer(
      {
        urls: [config.brokerUrl],
        queue: config.auditQueue,
        queueOptions: auditQueueOptions(config.auditQueue),
        exchange: EVENTS_EXCHANGE,
        exchangeType: 'topic',
        routingKey: AUDIT_BINDING_KEY,
        // Manual acknowledgement after commit; the default (noAck) would lose messages on a crash.
        noAck: false,
        prefetchCount: config.auditPrefetch,
      },
      app.get(AuditEventsConsumer),
    );
    const microservice = app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
    const state = app.get(BrokerState);
    microservice.status.subscribe((status) => (state.connected = status === 'connected'));
  }
  // Finish writing what was received before the database closes.
  const batcher = app.get(AuditBatcher);
  const close = app.close.bind(app);
  app.close = async () => {
    await batcher.drain().catch(() => undefined);
    await close();
  };
  return app;
}

/** Says at start whom the embedded ingest endpoint will accept: nobody is a valid, loud answer. */
function warnAboutIngestCredentials(config: AuditConfig): void {
  const logger = new Logger('audit-ingest');
  if (config.auditIngestSecret !== undefined) {
    logger.warn('AUDIT_INGEST_SECRET is ignored: give each producer its own credential in AUDIT_INGEST_PRODUCERS (docs/events.md)');
  }
  const producers = config.auditIngestProducers;
  if (producers.length === 0) {
    logger.warn('AUDIT_INGEST_PRODUCERS is unset: /internal/events refuses every request, so no producer can deliver events without a broker');
  } else {
    logger.log(`/internal/events accepts ${producers.length} producer(s): ${producers.map((p) => p.name).join(', ')}`);
  }
}

/** The broker may start after us (compose, CI): keep trying for a while before giving up. */
async function assertWithRetry(url: string, queue: string, timeoutMs = 60_000): Promise<void> {
  const logger = new Logger('audit-topology');
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await assertAuditTopology(url, queue);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1) logger.warn(`broker not reachable yet (${err instanceof Error ? err.message : String(err)}); retrying`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
