import type { AuditStats } from '@portcullis/contracts';
import type { ApiClient } from './api-client';

/** A CloudEvent as the audit query API returns it. */
export interface AuditEvent {
  id: string;
  type: string;
  source: string;
  time: string;
  subject?: string;
  data: Record<string, unknown>;
  [attribute: string]: unknown;
}

export interface AuditFilter {
  type?: string;
  subject?: string;
  client_id?: string;
  /** RFC 3339 */
  from?: string;
  to?: string;
}

export interface EventPage {
  events: AuditEvent[];
  next_cursor: string | null;
}

/** The audit service's query API (docs/events.md), through the console's audit token. */
export class AuditApi {
  constructor(private readonly client: ApiClient) {}

  stats(from: Date, to: Date, bucketSeconds: number): Promise<AuditStats> {
    return this.client.json<AuditStats>('/stats', { query: { from: from.toISOString(), to: to.toISOString(), bucket_seconds: bucketSeconds } });
  }

  events(filter: AuditFilter, options: { cursor?: string; limit?: number } = {}): Promise<EventPage> {
    return this.client.json<EventPage>('/events', { query: { ...filter, cursor: options.cursor, limit: options.limit ?? 50 } });
  }

  /** NDJSON of every matching event of [from, to), oldest first, as a file to save. */
  async export(filter: AuditFilter & { from: string; to: string }): Promise<Blob> {
    const res = await this.client.request('/events/export', { query: { ...filter } });
    return new Blob([await res.text()], { type: 'application/x-ndjson' });
  }
}
