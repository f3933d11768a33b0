import { z } from 'zod';
import { amqpUrl, configSchema, httpUrl, port, postgresUrl, trustProxy } from '@portcullis/config';
import { DEFAULT_ISSUER, DEFAULT_RESOURCES } from '@portcullis/scopes';
import { AUDIT_QUEUE } from '@portcullis/contracts';
import { loggingEnvironment } from '@portcullis/http';
import { issuerRevocationsUrl, revocationsEnvironment } from '@portcullis/events';
import { parseIngestProducers } from '../ingest/ingest-producers';
import { metricsEnvironment } from '@portcullis/metrics';

/**
 * Every setting of the audit service, by its environment variable name (the public contract),
 * with its default, in one place.
 */
export const auditEnvironment = {
  PORT: port(3100),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: postgresUrl,
  SQLITE_PATH: z.string().default('data/audit-service.sqlite'),
  /** Unset → no broker: producers POST to /internal/events instead (embedded default). */
  BROKER_URL: amqpUrl,
  /** The durable queue this service consumes (bound to `#`); dead letters go to `<queue>.dead`. */
  AUDIT_QUEUE: z.string().min(1).default(AUDIT_QUEUE),
  /** The authorization server whose tokens the query API accepts. */
  ISSUER_URL: httpUrl.default(DEFAULT_ISSUER),
  /** Fetch the issuer's keys here instead of discovering them from ISSUER_URL (e.g. inside a
   * container network, where the public issuer URL is not reachable). */
  JWKS_URI: httpUrl.optional(),
  /**
   * Web origins whose pages may call the query API from a browser (CORS, bearer only), comma
   * separated; unset → the issuer's origin, where the auth-server serves the console.
   */
  CONSOLE_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const origins = value.split(',').map((v) => v.trim()).filter(Boolean);
      const bad = origins.find((o) => !URL.canParse(o) || new URL(o).origin !== o || !/^https?:$/.test(new URL(o).protocol));
      if (bad !== undefined || origins.length === 0) {
        ctx.addIssue({ code: 'custom', message: `an origin is scheme://host[:port] with nothing after it${bad ? `, not ${bad}` : ''}` });
        return z.NEVER;
      }
      return origins;
    }),
  /** This query API's resource identifier (RFC 8707); AUDIT_RESOURCE_URL is accepted too. */
  RESOURCE_URL: httpUrl.optional(),
  AUDIT_RESOURCE_URL: httpUrl.default(DEFAULT_RESOURCES.audit),
  /**
   * Who may POST to /internal/events (no broker): `<source>[|<source>…]=<credential>`, comma
   * separated, one credential per producer, each bound to the CloudEvents sources it may use.
   * Unset → the ingest endpoint refuses every request (there is no loopback trust).
   */
  AUDIT_INGEST_PRODUCERS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseIngestProducers(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  /** Replaced by AUDIT_INGEST_PRODUCERS (a shared secret cannot tell producers apart): ignored, with a warning. */
  AUDIT_INGEST_SECRET: z.string().optional(),
  ...revocationsEnvironment,
  /** Messages the broker may have in flight to this consumer (also the largest batch). */
  AUDIT_PREFETCH: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** How long a batch waits for more events before it is written. */
  AUDIT_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(10),
  AUDIT_BATCH_MAX: z.coerce.number().int().min(1).max(5000).default(500),
  /**
   * Days an event is kept, by its own time; unset keeps everything. PostgreSQL drops whole
   * daily partitions past it, SQLite deletes the rows in batches (retention/audit-retention).
   */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  /** Reverse proxies whose X-Forwarded-For is believed: false | hop count | addresses/CIDRs (libs/config). */
  TRUST_PROXY: trustProxy,
  /** LOG_LEVEL, LOG_FORMAT (libs/http logging.settings). */
  ...loggingEnvironment,
  /** /metrics: METRICS_ENABLED (default true) and METRICS_TOKEN, the scraper's bearer token (libs/metrics). */
  ...metricsEnvironment,
  NODE_ENV: z.string().optional(),
};

/**
 * The parsed settings as the code reads them (`AUDIT_BATCH_MAX` → `config.auditBatchMax`),
 * with the fallbacks resolved: `resourceUrl` is RESOURCE_URL, else AUDIT_RESOURCE_URL;
 * `revocationsUrl` is REVOCATIONS_URL, else the issuer's list; `consoleOrigins` is
 * CONSOLE_ORIGINS, else the issuer's origin.
 */
export const auditConfigSchema = configSchema(auditEnvironment).transform(({ auditResourceUrl, ...config }) => ({
  ...config,
  resourceUrl: config.resourceUrl ?? auditResourceUrl,
  consoleOrigins: config.consoleOrigins ?? [new URL(config.issuerUrl).origin],
  revocationsUrl: config.revocationsUrl ?? issuerRevocationsUrl(config.issuerUrl),
}));

export type AuditConfig = z.infer<typeof auditConfigSchema>;

/** Nest injection token for the parsed configuration. */
export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
