import { request } from 'undici';
import { z } from 'zod';
import type { DeliveryResult, OutboxRow } from '../outbox/outbox.store';
import type { EventTransport } from './event-transport';

/**
 * A producer's AUDIT_INGEST_SECRET setting: its own ingest credential, at least 16 characters.
 * Empty counts as unset, so an orchestrator can pass an optional value through (`${X:-}`).
 */
export const auditIngestSecretSetting = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().min(16, 'must be at least 16 characters').optional(),
);

export interface HttpIngestTransportOptions {
  /** The audit service's ingest endpoint, e.g. http://localhost:3100/internal/events. */
  url: string;
  /**
   * This producer's own ingest credential, sent as `Authorization: Bearer …` (the producer's
   * AUDIT_INGEST_SECRET; the audit service binds it to this producer's `source` in
   * AUDIT_INGEST_PRODUCERS). Without one every delivery is refused and events wait in the outbox.
   */
  secret?: string;
  timeoutMs?: number;
}

/**
 * The embedded default when no broker is configured: the relay POSTs batches of events, in
 * seq order, straight to the audit service. A 2xx means the audit service has committed them
 * (idempotently by id), which is the same guarantee a publisher confirm gives; anything else
 * leaves the rows in the outbox for the next attempt.
 */
export class HttpIngestTransport implements EventTransport {
  readonly name = 'http-ingest';

  constructor(private readonly options: HttpIngestTransportOptions) {}

  isReady(): boolean {
    return true;
  }

  onReady(): void {
    /* no connection to wait for: the relay's retry timer covers an absent audit service */
  }

  async deliver(rows: OutboxRow[]): Promise<DeliveryResult> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      // undici's request API, not fetch: fetch builds WHATWG Request, Headers, AbortSignal and
      // web-stream objects per batch and writes a string body in several socket writes; this
      // writes headers and body in one, and the relay runs a round every few milliseconds under
      // load (bench/gateway/README.md). A redirect is not followed: the ingest URL is configured.
      const res = await request(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.secret ? { authorization: `Bearer ${this.options.secret}` } : {}),
        },
        // The payloads are already serialized CloudEvents: join them instead of re-encoding.
        body: `[${rows.map((r) => r.payload).join(',')}]`,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = await res.body.text().catch(() => '');
      if (res.statusCode >= 200 && res.statusCode < 300) return { delivered: rows.length };
      return { delivered: 0, error: new Error(refusal(res.statusCode, body, !!this.options.secret)) };
    } catch (err) {
      return { delivered: 0, error: err };
    }
  }

  async close(): Promise<void> {
    /* nothing held open */
  }
}

/** Why the audit service refused a batch, in words an operator can act on (never the credential). */
function refusal(status: number, body: string, hasCredential: boolean): string {
  let description = '';
  try {
    const parsed = JSON.parse(body) as { error_description?: unknown };
    if (typeof parsed.error_description === 'string') description = `: ${parsed.error_description.slice(0, 200)}`;
  } catch {
    /* not an OAuth error body */
  }
  const hint =
    status === 401 && !hasCredential
      ? ' (AUDIT_INGEST_SECRET is unset: give this producer its credential from the audit service\'s AUDIT_INGEST_PRODUCERS)'
      : status === 401 || status === 403
        ? " (check this producer's AUDIT_INGEST_SECRET against the audit service's AUDIT_INGEST_PRODUCERS)"
        : '';
  return `audit ingest answered ${status}${description}${hint}`;
}
