// Throw-away PostgreSQL databases for benchmarks.
import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The server to create databases on; override with BENCH_POSTGRES_URL. */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a fresh, uniquely named database and returns `{ name, url, drop() }`. drop() is
 * idempotent and forces other connections off (the server under test may still hold some).
 */
export async function createDatabase(prefix = 'portcullis_bench', adminUrl = BENCH_POSTGRES_URL) {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`invalid database prefix ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Runs `fn(client)` on a short-lived connection. */
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Activity counters of one database (pg_stat_database): commits, rows inserted/updated/
 * fetched. Backends publish their counters when idle for up to ~10 s (PostgreSQL 15), so
 * callers wanting exact deltas wait `settleMs` first.
 */
export async function databaseCounters(adminUrl, name, settleMs = 0) {
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query(
      'SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched, tup_returned FROM pg_stat_database WHERE datname = $1',
      [name],
    );
    return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
  });
}

/** Per-request difference of two databaseCounters() snapshots. */
export function countersPerRequest(before, after, requests) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k] - (before[k] ?? 0)) / requests) * 100) / 100]));
}

/**
 * Lists the process ids of the PostgreSQL backends connected to a database (same host only),
 * on one connection kept open for repeated calls (to another database, so it is never listed
 * itself). Returns `{ list(), close() }`.
 */
export async function backendLister(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  return {
    async list() {
      const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
      return rows.map((r) => Number(r.pid));
    },
    close: () => client.end(),
  };
}
