import { z } from 'zod';
import { amqpUrl, httpUrl } from '@portcullis/config';
import { auditIngestSecretSetting } from './transport/http-ingest.transport';

/**
 * The settings of a producer of audit events, by environment variable name, for an app to
 * spread into its environment (libs/config `configSchema`). One definition: every producer
 * reads them with the same names, defaults and validation.
 */
export const eventProducerEnvironment = {
  /** RabbitMQ for audit events and revocations; unset → the embedded default (HTTP ingest, polling). */
  BROKER_URL: amqpUrl,
  /** Without a broker, audit events go here (the audit service's embedded ingest). */
  AUDIT_INGEST_URL: httpUrl.default('http://localhost:3100/internal/events'),
  /** This producer's own credential there, bound to its CloudEvents source in the audit service's AUDIT_INGEST_PRODUCERS. */
  AUDIT_INGEST_SECRET: auditIngestSecretSetting,
};

/** The settings of a resource server's revocation list (revocation-listener.factory.ts). */
export const revocationsEnvironment = {
  /** The authorization server's revoked-token list, read at start, after reconnects and (no broker) by polling; default `${ISSUER_URL}/revocations`. */
  REVOCATIONS_URL: httpUrl.optional(),
  /** Poll period of REVOCATIONS_URL when there is no broker (with one, revocations are pushed). */
  REVOCATIONS_POLL_MS: z.coerce.number().int().min(100).default(5000),
};

/** The parsed eventProducerEnvironment as the EventsModule options it sets. */
export function eventProducerOptions(settings: { brokerUrl?: string; auditIngestUrl?: string; auditIngestSecret?: string }) {
  return { brokerUrl: settings.brokerUrl, auditIngestUrl: settings.auditIngestUrl, auditIngestSecret: settings.auditIngestSecret };
}
