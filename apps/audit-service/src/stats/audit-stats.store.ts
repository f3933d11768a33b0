import type { DataSource } from 'typeorm';
import { type AuditStats, type AuditStatsBucket, EventType } from '@portcullis/contracts';
import type { StatsWindow } from './audit-stats.schema';

/** The event types the counts read, and the one data field that names each row's category. */
const DENIALS = [EventType.McpRequestDenied, EventType.AuthorizationDenied, EventType.TokenRejected] as const;
const COUNTED = [EventType.TokenIssued, EventType.TokenRefreshed, EventType.McpToolCalled, ...DENIALS];

type Dialect = 'postgres' | 'sqlite';

/** The stored CloudEvent's `data`, parsed once per row (jsonb on PostgreSQL, JSON text on SQLite). */
function dataOf(dialect: Dialect): string {
  return dialect === 'postgres' ? `"event"::jsonb -> 'data'` : `json_extract("event", '$.data')`;
}

/** `data.<field>` as text (NULL when absent), from the row's parsed `d`. */
function dataField(dialect: Dialect, field: string): string {
  return dialect === 'postgres' ? `(e.d ->> '${field}')` : `json_extract(e.d, '$.${field}')`;
}

/**
 * One row per (bucket, type, key, sub-key) with the number of events. `key` is the category the
 * dashboard groups by: the grant type of a token, the reason of a denial (`reason` for MCP
 * denials, the OAuth `error` code otherwise), the tool of a call with its outcome as sub-key.
 * A refresh carries no grant_type: it is the refresh_token grant. Aggregated events
 * (repeated rejections, gateway limits) carry `count`: they stand for that many.
 */
function countsSql(dialect: Dialect, p: (i: number) => string): string {
  const f = (name: string) => dataField(dialect, name);
  const int = dialect === 'postgres' ? 'bigint' : 'integer';
  const types = COUNTED.map((t) => `'${t}'`).join(', ');
  // PostgreSQL would inline the subquery and parse the jsonb once per field it reads; OFFSET 0
  // keeps it a subquery, so each row's text is parsed once (EXPLAIN showed the repeats).
  const fence = dialect === 'postgres' ? ' OFFSET 0' : '';
  return `
    SELECT bucket, type, k, sub, SUM(n) AS n FROM (
      SELECT (e."time_ms" - ${p(1)}) / ${p(3)} AS bucket, e."type" AS type,
        CASE e."type"
          WHEN '${EventType.TokenIssued}' THEN ${f('grant_type')}
          WHEN '${EventType.TokenRefreshed}' THEN 'refresh_token'
          WHEN '${EventType.McpToolCalled}' THEN ${f('tool')}
          WHEN '${EventType.McpRequestDenied}' THEN ${f('reason')}
          ELSE ${f('error')}
        END AS k,
        CASE WHEN e."type" = '${EventType.McpToolCalled}' THEN ${f('outcome')} ELSE NULL END AS sub,
        COALESCE(CAST(${f('count')} AS ${int}), 1) AS n
      FROM (
        SELECT "time_ms", "type", ${dataOf(dialect)} AS d FROM "audit_events"
        WHERE "type" IN (${types}) AND "time_ms" >= ${p(1)} AND "time_ms" < ${p(2)}${fence}
      ) e
    ) counted
    GROUP BY bucket, type, k, sub`;
}

/**
 * p50 and p95 of the pipeline lag per bucket, nearest rank (the smallest lag with at least
 * that share of the bucket's events at or below it). PostgreSQL has it built in as
 * percentile_disc; SQLite gets the same definition from row numbers within each bucket.
 */
function lagSql(dialect: Dialect, p: (i: number) => string): string {
  const within = `FROM "audit_events" e WHERE e."time_ms" >= ${p(1)} AND e."time_ms" < ${p(2)}`;
  const bucket = `(e."time_ms" - ${p(1)}) / ${p(3)}`;
  if (dialect === 'postgres') {
    return `
      SELECT ${bucket} AS bucket, COUNT(*) AS events,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY e."stored_ms" - e."time_ms") AS p50,
        percentile_disc(0.95) WITHIN GROUP (ORDER BY e."stored_ms" - e."time_ms") AS p95
      ${within} GROUP BY 1`;
  }
  return `
    SELECT bucket, MAX(total) AS events,
      MIN(CASE WHEN rn >= (total * 50 + 99) / 100 THEN lag END) AS p50,
      MIN(CASE WHEN rn >= (total * 95 + 99) / 100 THEN lag END) AS p95
    FROM (
      SELECT ${bucket} AS bucket, e."stored_ms" - e."time_ms" AS lag,
        ROW_NUMBER() OVER (PARTITION BY ${bucket} ORDER BY e."stored_ms" - e."time_ms") AS rn,
        COUNT(*) OVER (PARTITION BY ${bucket}) AS total
      ${within}
    ) ranked GROUP BY bucket`;
}

/**
 * The dashboard's numbers, computed by the database in two grouped scans of the window: both
 * bound `time_ms` on the indexed column, so PostgreSQL reads only the window's daily
 * partitions, and the counts use the (type, time_ms) index.
 */
export class AuditStatsStore {
  constructor(private readonly dataSource: DataSource) {}

  async stats(window: StatsWindow): Promise<AuditStats> {
    const dialect: Dialect = this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const values = [window.fromMs, window.toMs, window.bucketMs];
    const [counts, lags] = await Promise.all([
      this.query<{ bucket: string | number; type: string; k: string | null; sub: string | null; n: string | number }>(dialect, values, (p) => countsSql(dialect, p)),
      this.query<{ bucket: string | number; events: string | number; p50: string | number; p95: string | number }>(dialect, values, (p) => lagSql(dialect, p)),
    ]);
    const buckets: AuditStatsBucket[] = [];
    for (let start = window.fromMs; start < window.toMs; start += window.bucketMs) {
      buckets.push({ start: new Date(start).toISOString(), tokens_issued: [], denials: [], tool_calls: [], pipeline_lag_ms: null });
    }
    for (const row of counts) {
      const bucket = buckets[Number(row.bucket)];
      const count = Number(row.n);
      const key = row.k ?? 'unknown';
      if (row.type === EventType.TokenIssued || row.type === EventType.TokenRefreshed) {
        addTo(bucket.tokens_issued, { grant_type: key }, count);
      } else if (row.type === EventType.McpToolCalled) {
        addTo(bucket.tool_calls, { tool: key, outcome: row.sub ?? 'unknown' }, count);
      } else {
        addTo(bucket.denials, { type: row.type, reason: key }, count);
      }
    }
    for (const row of lags) {
      buckets[Number(row.bucket)].pipeline_lag_ms = { p50: Number(row.p50), p95: Number(row.p95), events: Number(row.events) };
    }
    return { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString(), bucket_seconds: window.bucketMs / 1000, buckets };
  }

  /**
   * Runs SQL whose placeholders `p(i)` stand for values[i - 1]. PostgreSQL numbers its
   * parameters; better-sqlite3 binds each `?` in text order, so every use binds its value again.
   */
  private query<R>(dialect: Dialect, values: number[], sql: (p: (i: number) => string) => string): Promise<R[]> {
    if (dialect === 'postgres') return this.dataSource.query<R[]>(sql((i) => `$${i}::bigint`), values);
    const bound: number[] = [];
    // A marker no statement here contains, then replaced in text order by `?`.
    const text = sql((i) => `@param${i}@`).replace(/@param(\d)@/g, (_, i: string) => {
      bound.push(values[Number(i) - 1]);
      return 'CAST(? AS INTEGER)';
    });
    return this.dataSource.query<R[]>(text, bound);
  }
}

/** Adds `count` to the entry with these keys (a refresh and an issued refresh_token merge). */
function addTo<K extends Record<string, string>>(list: (K & { count: number })[], keys: K, count: number): void {
  const same = list.find((entry) => Object.entries(keys).every(([name, value]) => entry[name] === value));
  if (same) same.count += count;
  else list.push({ ...keys, count });
}
