import { randomBytes } from 'node:crypto';

/** The CloudEvents `source` of each Portcullis producer (docs/events.md). */
export const PRODUCER_SOURCES = {
  authServer: '/portcullis/auth-server',
  mcpServer: '/portcullis/mcp-server',
} as const;

export type ProducerName = keyof typeof PRODUCER_SOURCES;

/**
 * One fresh ingest credential per producer, as `npm start` makes them: `producers` is the
 * audit service's AUDIT_INGEST_PRODUCERS, `secret[name]` that producer's AUDIT_INGEST_SECRET.
 */
export interface IngestCredentials {
  producers: string;
  secret: Record<ProducerName, string>;
}

export function ingestCredentials(): IngestCredentials {
  const secret = Object.fromEntries(Object.keys(PRODUCER_SOURCES).map((name) => [name, randomBytes(32).toString('base64url')])) as Record<ProducerName, string>;
  const producers = (Object.keys(PRODUCER_SOURCES) as ProducerName[]).map((name) => `${PRODUCER_SOURCES[name]}=${secret[name]}`).join(',');
  return { producers, secret };
}
