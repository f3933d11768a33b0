import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One stored event. `id` (the CloudEvent id) is unique, which makes storage idempotent: a
 * redelivered event hits the constraint and is skipped. `seq` orders rows for cursor
 * pagination when several events share a `time`. Columns the query API filters on are
 * copied out of the envelope; `event` keeps the CloudEvent exactly as received.
 * Created by CreateAuditEvents1767000000100 (indexes there match the queries in the store);
 * on PostgreSQL partitioned by day on time_ms by PartitionAuditEvents1795829000000, where the
 * unique index is ("id", "time_ms") and seq is no longer the primary key.
 * `request_id` added by AddAuditRequestId1796500000000.
 */
@Entity({ name: 'audit_events' })
@Index('audit_events_time_seq', ['timeMs', 'seq'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', insert: false })
  seq: string;

  @Column({ type: 'varchar', length: 36, unique: true })
  id: string;

  @Column({ type: 'varchar', length: 128 })
  type: string;

  @Column({ type: 'varchar', length: 256 })
  source: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  subject: string | null;

  /** `data.client_id`, when the event has one. */
  @Column({ name: 'client_id', type: 'varchar', length: 2048, nullable: true })
  clientId: string | null;

  /** The trace id of the event's `traceparent`, when it was produced inside a trace (AuditEventsTraceId1796400000000). */
  @Column({ name: 'trace_id', type: 'varchar', length: 32, nullable: true })
  traceId: string | null;

  /** The event's `requestid` extension attribute: the request that made it, when there was one. */
  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** The event's `time`, epoch milliseconds. */
  @Column({ name: 'time_ms', type: 'bigint' })
  timeMs: number;

  /** When this service committed it, epoch milliseconds. */
  @Column({ name: 'stored_ms', type: 'bigint' })
  storedMs: number;

  @Column({ type: 'text' })
  event: string;
}
