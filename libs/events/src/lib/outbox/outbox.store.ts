import { DataSource, EntityManager } from 'typeorm';
import type { CloudEventEnvelope } from '@portcullis/contracts';
import { OutboxEventEntity } from './outbox-event.entity';
import { HotPathSql, PgClient, PgResult } from '../sql/hot-path-sql';
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
 * PostgreSQL: any number of events in one INSERT whose text never changes, so it stays a
 * prepared statement however many events a group carries. Each column travels as one text
 * parameter, its values joined by line feeds and split again by the server (`string_to_array`),
 * where array parameters made pg escape every quote of every payload on the producer's CPU
 * (array literal encoding) and the server unescape it. Nothing is lost in the join: a JSON text
 * from JSON.stringify holds no raw line feed (it writes `\n`), nor does an id (a UUID) or a type
 * (`<area>.<entity>.<verb>`); `lineValue` checks the two short ones anyway.
 */
const INSERT_LINES = {
  name: 'portcullis_outbox_insert_lines',
  text:
    'INSERT INTO "event_outbox" ("id", "type", "payload", "created_at") ' +
    "SELECT e.id, e.type, e.payload, $4::bigint FROM unnest(string_to_array($1::text, E'\\n'), string_to_array($2::text, E'\\n'), string_to_array($3::text, E'\\n')) AS e(id, type, payload)",
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
      let ids = '';
      let types = '';
      let payloads = '';
      for (let i = 0; i < events.length; i++) {
        const event = events[i];
        const sep = i === 0 ? '' : '\n';
        ids += sep + lineValue(event.id);
        types += sep + lineValue(event.type);
        payloads += sep + JSON.stringify(event);
      }
      await this.sql.rows(INSERT_LINES, [ids, types, payloads, now]);
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
    if (this.isPostgres) return this.sql.withPgClient((client) => this.drainPostgres(client, limit, work));
    const rows = await this.fetch(limit);
    if (!rows.length) return { fetched: 0, delivered: 0, locked: true };
    const result = await work(rows);
    await this.delete(rows.slice(0, result.delivered));
    return { fetched: rows.length, delivered: result.delivered, locked: true, error: result.error };
  }

  /**
   * The PostgreSQL round in two round trips besides the delivery, as a relay with no framework
   * does it (a SELECT, a DELETE), where it took five through TypeORM (BEGIN, lock, SELECT,
   * DELETE, COMMIT): under load the relay is a loop of round trips, and it was what the
   * pipeline waited on. Statements without parameters go together by the simple protocol
   * (every value in them is a constant or a seq read back as an integer).
   */
  private async drainPostgres(client: PgClient, limit: number, work: (rows: OutboxRow[]) => Promise<DeliveryResult>): Promise<DrainResult> {
    let committed = false;
    try {
      const results = (await client.query(`BEGIN; ${lockAndFetch(limit)}`)) as PgResult[];
      const fetched = results[1].rows;
      if (!fetched[0]?.locked) return { fetched: 0, delivered: 0, locked: false };
      // The outer join yields one row with no outbox columns when the outbox is empty.
      const rows = fetched.filter((r) => r.seq !== null).map((r) => ({ seq: Number(r.seq), id: String(r.id), type: String(r.type), payload: String(r.payload) }));
      const result = rows.length ? await work(rows) : { delivered: 0 };
      await client.query(`${deleteSeqs(rows.slice(0, result.delivered))}COMMIT`);
      committed = true;
      return { fetched: rows.length, delivered: result.delivered, locked: true, error: result.error };
    } finally {
      // Not committed: the lock and the transaction end with it; the rows stay for the next round.
      if (!committed) await client.query('ROLLBACK').catch(() => undefined);
    }
  }

  /** Whether no event waits: stops at the first row, where a COUNT reads them all (flush polls this). */
  async isEmpty(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM "event_outbox" LIMIT 1');
    return rows.length === 0;
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

  /** SQLite. */
  private async fetch(limit: number): Promise<OutboxRow[]> {
    const rows: { seq: string | number; id: string; type: string; payload: string }[] = await this.dataSource.query(
      `SELECT "seq", "id", "type", "payload" FROM "event_outbox" ORDER BY "seq" ASC LIMIT ${Math.max(1, Math.floor(limit))}`,
    );
    return rows.map((r) => ({ seq: Number(r.seq), id: r.id, type: r.type, payload: r.payload }));
  }

  /** SQLite. */
  private async delete(rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return;
    // Rows are a prefix in seq order: delete the exact seqs (a concurrent insert may have a lower seq).
    const seqs = rows.map((r) => r.seq);
    await this.dataSource.query(`DELETE FROM "event_outbox" WHERE "seq" IN (${seqs.map(() => '?').join(',')})`, seqs);
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

/**
 * Takes the relay lock (transaction-scoped, so it ends with the round) and, only if it was
 * free, reads the oldest rows: an uncorrelated subquery is evaluated once. Always one row at
 * least, saying whether the lock was taken.
 */
function lockAndFetch(limit: number): string {
  return (
    `SELECT l."locked", o."seq", o."id", o."type", o."payload" FROM (SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) AS "locked") l ` +
    `LEFT JOIN LATERAL (SELECT "seq", "id", "type", "payload" FROM "event_outbox" WHERE l."locked" ORDER BY "seq" ASC LIMIT ${Math.max(1, Math.floor(limit))}) o ON true`
  );
}

/** The DELETE of delivered rows, to send with the COMMIT; their seqs are integers read from the table. */
function deleteSeqs(rows: readonly OutboxRow[]): string {
  if (!rows.length) return '';
  const seqs = rows.map((r) => {
    if (!Number.isSafeInteger(r.seq)) throw new Error(`outbox seq ${r.seq} is not an integer`);
    return r.seq;
  });
  return `DELETE FROM "event_outbox" WHERE "seq" = ANY('{${seqs.join(',')}}'::bigint[]); `;
}

/** An id or type as one line of INSERT_LINES' text: a line feed in it would shift every row after it. */
function lineValue(value: string): string {
  if (value.includes('\n')) throw new Error('an outbox id or type holds a line feed');
  return value;
}

function toRow(event: CloudEventEnvelope) {
  return { id: event.id, type: event.type, payload: JSON.stringify(event), createdAt: Date.now() };
}
