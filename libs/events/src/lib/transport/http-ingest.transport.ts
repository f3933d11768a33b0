import type { DeliveryResult, OutboxRow } from '../outbox/outbox.store';
import type { EventTransport } from './event-transport';

export interface HttpIngestTransportOptions {
  /** The audit service's ingest endpoint, e.g. http://localhost:3100/internal/events. */
  url: string;
  /** Shared secret sent as `Authorization: Bearer …` (AUDIT_INGEST_SECRET on both sides). */
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
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.secret ? { authorization: `Bearer ${this.options.secret}` } : {}),
        },
        // The payloads are already serialized CloudEvents: join them instead of re-encoding.
        body: `[${rows.map((r) => r.payload).join(',')}]`,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { delivered: rows.length };
      return { delivered: 0, error: new Error(`audit ingest answered ${res.status}`) };
    } catch (err) {
      return { delivered: 0, error: err };
    }
  }

  async close(): Promise<void> {
    /* nothing held open */
  }
}
