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
