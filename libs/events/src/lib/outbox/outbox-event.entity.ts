import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One event waiting to be delivered. It is written in the same transaction as the change it
 * records (transactional outbox), so the event exists exactly when the change does, and stays
 * until the broker (or the embedded audit ingest) has confirmed it: a broker outage or a
 * process restart loses nothing. `seq` gives the per-producer order the relay keeps.
 *
 * The table is created by EVENTS_MIGRATIONS (apps add them to their migrations),
 * never by `synchronize`.
 */
@Entity({ name: 'event_outbox' })
export class OutboxEventEntity {
  /** BIGSERIAL on PostgreSQL, INTEGER AUTOINCREMENT on SQLite; read back as a string by pg. */
  @PrimaryColumn({ type: 'bigint', generated: 'increment', insert: false })
  seq: string;

  /** The CloudEvent id (a random UUID): not indexed, see EventOutboxIdNotUnique1795690000000. */
  @Column({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 128 })
  type: string;

  /** The CloudEvent exactly as it will be published (structured JSON). */
  @Column({ type: 'text' })
  payload: string;

  /** Epoch milliseconds. */
  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: number;
}
