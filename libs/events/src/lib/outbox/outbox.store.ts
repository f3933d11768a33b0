import { DataSource, EntityManager } from 'typeorm';
import type { CloudEventEnvelope } from '@portcullis/contracts';
import { OutboxEventEntity } from './outbox-event.entity';
import { HotPathSql } from '../sql/hot-path-sql';
import { outboxEventParams } from './outbox-statement';

export interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  payload: string;
}

/** Arbitrary but fixed key for the PostgreSQL advisory lock that elects one relay at a time. */
const RELAY_LOCK_KEY = 0x706f7274; // "port"

/**
 * PostgreSQL: any number of events in one INSERT whose text never changes (arrays unnested
 * into rows), so it stays a prepared statement however many events a group carries.
 */
const INSERT_UNNESTED = {
  name: 'portcullis_outbox_insert_unnested',
  text:
    'INSERT INTO "event_outbox" ("id", "type", "payload", "created_at") ' +
    'SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::bigint[])',
};

/** Reads and writes the outbox table; the only code that knows its SQL. */
export class OutboxStore {
  private readonly sql: HotPathSql;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new HotPathSql(dataSource);
  }

  get isPostgres(): boolean {
    return this.sql.isPostgres;
  }

  async insert(event: CloudEventEnvelope, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(OutboxEventEntity, toRow(event));
  }

  /**
   * Several events in one multi-row INSERT: one statement, one commit (group commit). Plain
   * parameterised SQL: this runs for every token issued and every tool called, and the
   * query builder cost more than the statement.
   */
  async insertMany(events: readonly CloudEventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const now = Date.now();
    if (this.isPostgres) {
      const rows = events.map((event) => outboxEventParams(event, now));
      await this.sql.rows(INSERT_UNNESTED, [0, 1, 2, 3].map((c) => rows.map((r) => r[c])));
      return;
    }
    const values: unknown[] = [];
    const tuples = events.map((event) => {
      values.push(...outboxEventParams(event, now));
      return '(?, ?, ?, ?)';
    });
    await this.dataSource.query(`INSERT INTO "event_outbox" ("id", "type", "payload", "created_at") VALUES ${tuples.join(', ')}`, values);
  }

  /**
   * Runs `work` on the oldest rows, in `seq` order, as the only relay of this database, and
   * deletes the leading rows `work` reports delivered.
   * PostgreSQL: several replicas of a producer may share one database, so a transaction-scoped
   * advisory lock lets one of them drain at a time (the others skip the round) and order holds.
   * SQLite is one process by construction, and a long transaction there would block the
   * request path's own writes, so no lock is taken.
   */
  async drain(limit: number, work: (rows: OutboxRow[]) => Promise<DeliveryResult>): Promise<DrainResult> {
    const round = async (manager: EntityManager): Promise<DrainResult> => {
      const rows = await this.fetch(manager, limit);
      if (!rows.length) return { fetched: 0, delivered: 0, locked: true };
      const result = await work(rows);
      await this.delete(manager, rows.slice(0, result.delivered));
      return { fetched: rows.length, delivered: result.delivered, locked: true, error: result.error };
    };
    if (!this.isPostgres) return round(this.dataSource.manager);
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!locked) return { fetched: 0, delivered: 0, locked: false };
      return round(manager);
    });
  }

  async count(): Promise<number> {
    const [{ n }] = await this.dataSource.query('SELECT COUNT(*) AS n FROM "event_outbox"');
    return Number(n);
  }

  /** When the oldest waiting event was recorded (ms since the epoch), or undefined when none waits. */
  async oldestCreatedAt(): Promise<number | undefined> {
    const [{ oldest }] = await this.dataSource.query('SELECT MIN("created_at") AS oldest FROM "event_outbox"');
    return oldest === null || oldest === undefined ? undefined : Number(oldest);
  }

  private async fetch(manager: EntityManager, limit: number): Promise<OutboxRow[]> {
    const rows: { seq: string | number; id: string; type: string; payload: string }[] = await manager.query(
      `SELECT "seq", "id", "type", "payload" FROM "event_outbox" ORDER BY "seq" ASC LIMIT ${Math.max(1, Math.floor(limit))}`,
    );
    return rows.map((r) => ({ seq: Number(r.seq), id: r.id, type: r.type, payload: r.payload }));
  }

  private async delete(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return;
    // Rows are a prefix in seq order: delete the exact seqs (a concurrent insert may have a lower seq).
    const seqs = rows.map((r) => r.seq);
    if (this.isPostgres) {
      // One array parameter: the same short text every round, where an IN list of 500
      // placeholders was a new statement for the server to parse and plan each time.
      await manager.query('DELETE FROM "event_outbox" WHERE "seq" = ANY($1::bigint[])', [seqs]);
      return;
    }
    await manager.query(`DELETE FROM "event_outbox" WHERE "seq" IN (${seqs.map(() => '?').join(',')})`, seqs);
  }
}

/** What a transport managed: the first `delivered` events are confirmed; `error` says why not all. */
export interface DeliveryResult {
  delivered: number;
  error?: unknown;
}

export interface DrainResult extends DeliveryResult {
  fetched: number;
  /** False when another relay holds the database's relay lock. */
  locked: boolean;
}

function toRow(event: CloudEventEnvelope) {
  return { id: event.id, type: event.type, payload: JSON.stringify(event), createdAt: Date.now() };
}
