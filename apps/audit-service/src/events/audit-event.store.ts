import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import type { PortcullisEvent } from '@portcullis/contracts';
import { traceIdOf } from '@portcullis/tracing';
import { HotPathSql, HotStatement } from '@portcullis/events';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditEventFilter {
  type?: string;
  /** Matches every type starting with this, e.g. `auth.` or `auth.token.`. */
  typePrefix?: string;
  subject?: string;
  clientId?: string;
  /** The 32-hex trace id of the events' `traceparent`. */
  traceId?: string;
  /** The `requestid` extension attribute: every event one request made. */
  requestId?: string;
  /** Inclusive lower bound, epoch ms. */
  fromMs?: number;
  /** Exclusive upper bound, epoch ms. */
  toMs?: number;
}

/** Position after the last row of a page: rows strictly older than (timeMs, seq) follow. */
export interface Cursor {
  timeMs: number;
  seq: number;
}

export interface StoredPage {
  events: PortcullisEvent[];
  next?: Cursor;
}

/** The smallest string greater than every string that starts with `prefix` (bytewise). */
function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * PostgreSQL: a batch in one prepared statement whatever its size. The columns whose values
 * cannot hold a line feed travel as one text parameter each, joined by line feeds and split by
 * the server: the stored JSON (JSON.stringify writes none), the id (a UUID), the type (one of
 * EVENT_TYPES), the time in ms, the trace id (32 hex digits) and the request id (`[\w.-]`), an
 * empty line standing for NULL. As array parameters, pg escaped every quote of every stored
 * event on the consumer's CPU. `source`, `subject` and `client_id` are free text: arrays.
 */
const INSERT_BATCH: HotStatement = {
  name: 'portcullis_audit_insert_batch',
  text:
    'INSERT INTO "audit_events" ("id", "type", "source", "subject", "client_id", "time_ms", "stored_ms", "event", "trace_id", "request_id") ' +
    'SELECT e.id, e.type, e.source, e.subject, e.client_id, e.time_ms, $7::bigint, e.event, e.trace_id, e.request_id FROM unnest(' +
    `${lines(1)}, ${lines(2)}, $3::varchar[], $4::varchar[], $5::varchar[], ${lines(6)}::bigint[], ${lines(8)}, ${lines(9)}, ${lines(10)}` +
    ') AS e(id, type, source, subject, client_id, time_ms, event, trace_id, request_id) ON CONFLICT DO NOTHING',
};

/** Parameter `$n` (text) split at line feeds, an empty line read as NULL. */
function lines(n: number): string {
  return `string_to_array($${n}::text, E'\\n', '')`;
}

function batchParams(events: readonly PortcullisEvent[], storedMs: number): unknown[] {
  let ids = '';
  let types = '';
  let times = '';
  let stored = '';
  let traceIds = '';
  let requestIds = '';
  const sources: string[] = [];
  const subjects: (string | null)[] = [];
  const clientIds: (string | null)[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const sep = i === 0 ? '' : '\n';
    ids += sep + oneLine(e.id);
    types += sep + oneLine(e.type);
    times += sep + Date.parse(e.time);
    stored += sep + JSON.stringify(e);
    traceIds += sep + (traceIdOf(e.traceparent) ?? '');
    requestIds += sep + oneLine(e.requestid ?? '');
    sources.push(e.source);
    subjects.push(e.subject ?? null);
    clientIds.push(clientIdOf(e));
  }
  return [ids, types, sources, subjects, clientIds, times, storedMs, stored, traceIds, requestIds];
}

/** A value of a line-joined column: validated events never hold a line feed there, and one would shift every row after it. */
function oneLine(value: string): string {
  if (value.includes('\n')) throw new Error('an audit event id, type or request id holds a line feed');
  return value;
}

function clientIdOf(e: PortcullisEvent): string | null {
  return typeof e.data.client_id === 'string' ? e.data.client_id : null;
}

/** Storage of audit events; the only code that knows the table. */
export class AuditEventStore {
  private readonly sql: HotPathSql;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new HotPathSql(dataSource);
  }

  /**
   * Inserts a batch in one statement; ids already stored are skipped (ON CONFLICT DO NOTHING
   * on PostgreSQL, INSERT OR IGNORE on SQLite), so redelivery never makes a second row. On
   * PostgreSQL the unique index is ("id", "time_ms"), the partition key being time_ms: a
   * redelivery carries the same time, so it conflicts with its first copy.
   */
  async insertMany(events: PortcullisEvent[]): Promise<void> {
    if (!events.length) return;
    const storedMs = Date.now();
    const unique = events.length === 1 ? events : [...new Map(events.map((e) => [e.id, e])).values()];
    if (this.sql.isPostgres) {
      await this.sql.rows(INSERT_BATCH, batchParams(unique, storedMs));
      return;
    }
    const rows = unique.map((e) => ({
      id: e.id,
      type: e.type,
      source: e.source,
      subject: e.subject ?? null,
      clientId: clientIdOf(e),
      traceId: traceIdOf(e.traceparent) ?? null,
      requestId: e.requestid ?? null,
      timeMs: Date.parse(e.time),
      storedMs,
      event: JSON.stringify(e),
    }));
    // SQLite: a multi-row INSERT OR IGNORE, below its 32766 bind-parameter limit.
    for (let i = 0; i < rows.length; i += 2000) {
      await this.dataSource.createQueryBuilder().insert().into(AuditEventEntity).values(rows.slice(i, i + 2000)).orIgnore().updateEntity(false).execute();
    }
  }

  /** Newest first, `limit` rows after `cursor`. */
  async page(filter: AuditEventFilter, limit: number, cursor?: Cursor): Promise<StoredPage> {
    const qb = this.filtered(filter);
    if (cursor) {
      qb.andWhere(
        new Brackets((w) => {
          w.where('e.time_ms < :ct', { ct: cursor.timeMs }).orWhere('(e.time_ms = :ct AND e.seq < :cs)', { cs: cursor.seq });
        }),
      );
    }
    const rows = await qb.orderBy('e.time_ms', 'DESC').addOrderBy('e.seq', 'DESC').limit(limit + 1).getRawMany<{ seq: string; time_ms: string; event: string }>();
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      events: shown.map((r) => JSON.parse(r.event)),
      next: more && last ? { timeMs: Number(last.time_ms), seq: Number(last.seq) } : undefined,
    };
  }

  /** Oldest first, in chunks, for the NDJSON export: memory stays flat for any range. */
  async *stream(filter: AuditEventFilter, chunk = 1000): AsyncGenerator<string> {
    let after: Cursor | undefined;
    for (;;) {
      const qb = this.filtered(filter);
      if (after) {
        const { timeMs, seq } = after;
        qb.andWhere(new Brackets((w) => w.where('e.time_ms > :at', { at: timeMs }).orWhere('(e.time_ms = :at AND e.seq > :as)', { as: seq })));
      }
      const rows = await qb.orderBy('e.time_ms', 'ASC').addOrderBy('e.seq', 'ASC').limit(chunk).getRawMany<{ seq: string; time_ms: string; event: string }>();
      for (const r of rows) yield r.event;
      if (rows.length < chunk) return;
      const last = rows[rows.length - 1];
      after = { timeMs: Number(last.time_ms), seq: Number(last.seq) };
    }
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(AuditEventEntity).count();
  }

  private filtered(filter: AuditEventFilter): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e').select(['e.seq AS seq', 'e.time_ms AS time_ms', 'e.event AS event']);
    qb.where('1 = 1');
    if (filter.type) qb.andWhere('e.type = :type', { type: filter.type });
    if (filter.typePrefix) {
      // A range instead of LIKE: uses the (type, time_ms) index on both databases (the
      // column is COLLATE "C" on PostgreSQL, SQLite compares bytewise).
      qb.andWhere('e.type >= :tlo AND e.type < :thi', { tlo: filter.typePrefix, thi: prefixUpperBound(filter.typePrefix) });
    }
    if (filter.subject) qb.andWhere('e.subject = :subject', { subject: filter.subject });
    if (filter.clientId) qb.andWhere('e.client_id = :clientId', { clientId: filter.clientId });
    if (filter.traceId) qb.andWhere('e.trace_id = :traceId', { traceId: filter.traceId });
    if (filter.requestId) qb.andWhere('e.request_id = :requestId', { requestId: filter.requestId });
    if (filter.fromMs !== undefined) qb.andWhere('e.time_ms >= :fromMs', { fromMs: filter.fromMs });
    if (filter.toMs !== undefined) qb.andWhere('e.time_ms < :toMs', { toMs: filter.toMs });
    return qb;
  }
}
