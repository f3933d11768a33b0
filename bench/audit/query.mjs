// GET /audit/events over 10 million stored events (PostgreSQL, partitioned by day):
//
//   npm run build && node bench/audit/query.mjs
//   BENCH_EVENTS=10000000 BENCH_DAYS=30 BENCH_REQUESTS=200 node bench/audit/query.mjs
//
// Loads the events straight into the audit service's own table in SQL (generate_series, one
// statement per day-partition, not through the API), then asks the built service for filtered
// pages — by exact type, type prefix, subject, client, time range, combinations, and by
// following cursors — one request at a time, and prints p50/p99 per query. The database is
// dropped at the end (10 M rows take a few GB: check `df -h` first).
//
// Loading takes ~15 min here, the queries ~2: BENCH_KEEP=1 keeps the loaded database (its name is
// printed) and BENCH_DATABASE=<name> queries a kept one again without loading, e.g. once the
// machine is quiet. The load's time origin is stored with it, so the time filters still match.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase, emitBenchJson, freePort, percentile, printTable, requireFile, startNode } from '../lib/index.mjs';
import { startLocalIssuer } from '../mcp/local-issuer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const DAY_MS = 86_400_000;
const TYPES = ['auth.token.issued', 'auth.token.refreshed', 'auth.token.revoked', 'auth.login.succeeded', 'auth.login.failed', 'mcp.tool.called', 'mcp.access.denied', 'auth.client.registered'];
const SUBJECTS = 10_000;
const CLIENTS = 50;

const service = join(root, 'dist/apps/audit-service/main.js');
requireFile(service, 'run `npm run build` first');

const KEEP = process.env.BENCH_KEEP === '1';
const REUSE = process.env.BENCH_DATABASE;
const db = REUSE ? existingDatabase(REUSE) : await createDatabase('portcullis_bench_query');

function existingDatabase(name) {
  if (!/^portcullis_bench_query_[a-f0-9]+$/.test(name)) throw new Error(`BENCH_DATABASE: not a database this bench made: ${name}`);
  const url = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: async () => undefined };
}
const issuer = await startLocalIssuer();
const children = [];
let client;
try {
  const port = await freePort();
  const resource = `http://127.0.0.1:${port}/audit`;
  // No broker: the query API is what is measured, and the service migrates the database.
  children.push(
    await startNode({
      script: service,
      env: { NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, BROKER_URL: undefined, ISSUER_URL: issuer.issuer, RESOURCE_URL: resource },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      timeoutMs: 60_000,
    }),
  );
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const kept = REUSE ? (await client.query('SELECT newest FROM bench_meta')).rows[0] : undefined;
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const newest = kept ? Number(kept.newest) : now - 60_000;
  const span = DAYS * DAY_MS - 120_000;
  // Event i happens at newest - i·step: evenly over DAYS days up to a minute ago.
  const step = span / EVENTS;
  console.log(`loading ${EVENTS.toLocaleString('en-US')} events over ${DAYS} days…`);
  const t0 = Date.now();
  await client.query('SET synchronous_commit = off');
  for (let d = 0; d <= (kept ? -1 : DAYS); d++) {
    const start = today - d * DAY_MS;
    const name = `audit_events_p${new Date(start).toISOString().slice(0, 10).replaceAll('-', '')}`;
    await client.query(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF audit_events FOR VALUES FROM (${start}) TO (${start + DAY_MS})`);
    // The events of this day: i such that newest - i·step is in [start, start + DAY_MS).
    const first = Math.max(0, Math.ceil((newest - (start + DAY_MS)) / step + 1e-9));
    const last = Math.min(EVENTS - 1, Math.floor((newest - start) / step));
    if (last < first) continue;
    await client.query(
      `INSERT INTO audit_events (id, type, source, subject, client_id, time_ms, stored_ms, event)
       SELECT e.id, e.type, '/bench/query', e.subject, e.client_id, e.time_ms, e.time_ms + 5,
              json_build_object('specversion', '1.0', 'id', e.id, 'source', '/bench/query', 'type', e.type,
                'time', to_char(to_timestamp(e.time_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'subject', e.subject, 'datacontenttype', 'application/json',
                'data', json_build_object('client_id', e.client_id, 'subject', e.subject, 'jti', md5(e.id)))::text
       FROM (SELECT gen_random_uuid()::text AS id, ($3::text[])[1 + i % ${TYPES.length}] AS type,
                    'user-' || (i * 7919 % ${SUBJECTS}) AS subject, 'client-' || (i % ${CLIENTS}) AS client_id,
                    ($4::bigint - floor(i * $5::float8))::bigint AS time_ms
             FROM generate_series($1::bigint, $2::bigint) AS i) e`,
      [first, last, TYPES, newest, step],
    );
    process.stdout.write(`\r  day ${d + 1}/${DAYS + 1} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  if (!kept) {
    await client.query('ANALYZE audit_events');
    await client.query('CREATE TABLE bench_meta AS SELECT $1::bigint AS newest', [newest]);
  }
  const loadSeconds = (Date.now() - t0) / 1000;
  const [{ n, size }] = (await client.query(`SELECT count(*)::int AS n, pg_size_pretty(pg_database_size(current_database())) AS size FROM audit_events`)).rows;
  if (KEEP || REUSE) console.log(`\nkept: BENCH_DATABASE=${db.name}`);
  console.log(`\nloaded ${n.toLocaleString('en-US')} events in ${loadSeconds.toFixed(0)} s (${Math.round(n / loadSeconds).toLocaleString('en-US')}/s), database ${size}`);

  const token = await issuer.mint({ audience: resource, scope: 'audit:read' });
  const base = `http://127.0.0.1:${port}/audit/events`;
  const iso = (ms) => new Date(ms).toISOString();
  const get = async (query) => {
    const t = performance.now();
    const res = await fetch(`${base}?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  // Each query varies its parameter per request (another subject, another hour…), so no
  // answer is measured twice from a warm cache of exactly the same rows.
  const hourAgo = (i) => newest - ((i * 37) % (DAYS * 24 - 2)) * 3_600_000;
  const queries = [
    { name: 'newest page (no filter)', q: () => 'limit=100' },
    { name: 'exact type', q: (i) => `type=${TYPES[i % TYPES.length]}&limit=100` },
    { name: 'type prefix (auth.*)', q: () => 'type=auth.*&limit=100' },
    { name: 'subject', q: (i) => `subject=user-${(i * 131) % SUBJECTS}&limit=100` },
    { name: 'client', q: (i) => `client_id=client-${i % CLIENTS}&limit=100` },
    { name: 'one hour, any day', q: (i) => `from=${iso(hourAgo(i) - 3_600_000)}&to=${iso(hourAgo(i))}&limit=100` },
    { name: 'subject + one day', q: (i) => `subject=user-${(i * 131) % SUBJECTS}&from=${iso(hourAgo(i) - DAY_MS)}&to=${iso(hourAgo(i))}&limit=100` },
    { name: 'type + client + one hour', q: (i) => `type=${TYPES[i % TYPES.length]}&client_id=client-${i % CLIENTS}&from=${iso(hourAgo(i) - 3_600_000)}&to=${iso(hourAgo(i))}&limit=100` },
    { name: 'unknown subject (no match)', q: (i) => `subject=nobody-${i}&limit=100` },
  ];
  const rows = [];
  for (const query of queries) {
    await get(query.q(0)); // warm-up
    const times = [];
    for (let i = 0; i < REQUESTS; i++) times.push((await get(query.q(i + 1))).ms);
    rows.push({ query: query.name, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) });
  }
  // Cursor paging: 20 pages deep on a type, restarted a few times.
  {
    const times = [];
    for (let r = 0; r < Math.max(1, Math.round(REQUESTS / 20)); r++) {
      let cursor = '';
      for (let page = 0; page < 20; page++) {
        const { ms, body } = await get(`type=${TYPES[r % TYPES.length]}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        times.push(ms);
        if (!body.next_cursor) break;
        cursor = body.next_cursor;
      }
    }
    rows.push({ query: 'type, following next_cursor 20 pages', p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) });
  }
  const fmt = (x) => Math.round(x * 10) / 10;
  printTable(
    [
      { key: 'query', title: `GET /audit/events over ${n.toLocaleString('en-US')} events (limit 100)`, align: 'left' },
      { key: 'p50', title: 'p50 ms', align: 'right' },
      { key: 'p99', title: 'p99 ms', align: 'right' },
      { key: 'max', title: 'max ms', align: 'right' },
    ],
    rows.map((r) => ({ ...r, p50: fmt(r.p50), p99: fmt(r.p99), max: fmt(r.max) })),
  );
  const worst = Math.max(...rows.map((r) => r.p99));
  emitBenchJson({
    benchmark: 'audit-query',
    summary: [{ scenario: `audit query API, worst filtered page p99 over ${n.toLocaleString('en-US')} events`, ours: fmt(worst), unit: 'ms', goal: '< 50 ms p99', met: worst < 50 }],
  });
} finally {
  for (const c of children) await c.stop().catch(() => undefined);
  await client?.end().catch(() => undefined);
  await issuer.close();
  if (!KEEP) await db.drop();
}
