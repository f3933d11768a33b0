// Audit pipeline benchmark: producers → RabbitMQ (publisher confirms) → audit-service → PostgreSQL.
//
//   npm run build && node bench/audit/pipeline.mjs
//   BENCH_RATE=8000 BENCH_SECONDS=30 BENCH_PRODUCERS=2 node bench/audit/pipeline.mjs
//
// Starts the built audit service (dist/apps/audit-service/main.js) on a fresh PostgreSQL
// database and a queue of its own, publishes valid CloudEvents at a fixed offered rate for a
// while, waits until every one is stored, then prints sustained throughput, publish→committed
// latency percentiles (committed = the row's stored_ms, written in the same transaction) and
// whether anything was lost or doubled. Producers publish exactly as the outbox relay does
// (confirm channel, persistent, routing key = type, message id = event id).
import { spawn } from 'node:child_process';
import { randomUUID, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import pg from 'pg';
import { emitBenchJson } from '../lib/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKER = process.env.BENCH_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RATE = Number(process.env.BENCH_RATE ?? 6000); // offered events/s, all producers together
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 2);
const EXCHANGE = 'portcullis.events';

const main = join(root, 'dist/apps/audit-service/main.js');
if (!existsSync(main)) {
  console.error(`${main} is missing: run \`npm run build\` first`);
  process.exit(1);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const dbName = `portcullis_bench_${randomBytes(5).toString('hex')}`;
const queue = `portcullis.audit.bench-${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: POSTGRES });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(POSTGRES);
dbUrl.pathname = `/${dbName}`;

const port = await freePort();
const service = spawn(process.execPath, [main], {
  cwd: root,
  env: { ...process.env, NODE_ENV: 'test', PORT: String(port), DATABASE_URL: dbUrl.toString(), BROKER_URL: BROKER, AUDIT_QUEUE: queue },
  stdio: ['ignore', 'ignore', 'inherit'],
});

let db;
const conns = [];
async function cleanup() {
  service.kill('SIGTERM');
  await sleep(500);
  for (const c of conns) await c.close().catch(() => undefined);
  const c = await amqp.connect(BROKER);
  const ch = await c.createChannel();
  await ch.deleteQueue(queue).catch(() => undefined);
  await ch.deleteQueue(`${queue}.dead`).catch(() => undefined);
  await ch.deleteExchange(`${queue}.dead`).catch(() => undefined);
  await c.close();
  await db?.end().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

try {
  for (let t = Date.now(); ; ) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() - t > 30_000) throw new Error('audit service did not become ready');
    await sleep(100);
  }
  db = new pg.Client({ connectionString: dbUrl.toString() });
  await db.connect();

  const source = `/bench/${randomUUID()}`;
  const publishedAt = new Map();
  let confirmed = 0;
  let failed = 0;

  // Each producer: its own connection and confirm channel, a share of the rate in 10 ms ticks.
  async function produce(index) {
    const conn = await amqp.connect(BROKER);
    conns.push(conn);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(EXCHANGE, 'topic', { durable: true });
    const perTick = RATE / PRODUCERS / 100;
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - start) / 10) * perTick) - sent;
      for (let i = 0; i < due; i++) {
        const id = randomUUID();
        const n = sent + i;
        const event = {
          specversion: '1.0', id, source: `${source}/${index}`, type: 'mcp.tool.called', time: new Date().toISOString(),
          subject: `user-${n % 50}`, datacontenttype: 'application/json',
          data: { tool: 'analyze_sentiment', outcome: 'success', duration_ms: n % 40, client_id: `client-${n % 7}`, subject: `user-${n % 50}`, jti: randomUUID() },
        };
        publishedAt.set(id, Date.now());
        ch.publish(EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), {
          persistent: true, contentType: 'application/cloudevents+json', messageId: id, type: event.type,
        }, (err) => (err ? failed++ : confirmed++));
      }
      sent += due;
      await sleep(10);
    }
    await ch.waitForConfirms();
  }

  console.log(`audit pipeline bench: offered ${RATE} events/s for ${SECONDS} s from ${PRODUCERS} producers (prefetch ${process.env.AUDIT_PREFETCH ?? 1000})`);
  const t0 = Date.now();
  await Promise.all(Array.from({ length: PRODUCERS }, (_, i) => produce(i)));
  const publishEnd = Date.now();
  const total = publishedAt.size;
  for (;;) {
    const { rows } = await db.query('SELECT COUNT(*)::int AS n FROM audit_events');
    if (rows[0].n >= total) break;
    if (Date.now() - publishEnd > 120_000) break;
    await sleep(200);
  }
  const { rows } = await db.query('SELECT id, stored_ms FROM audit_events');
  const ids = new Set(rows.map((r) => r.id));
  const lost = [...publishedAt.keys()].filter((id) => !ids.has(id)).length;
  const latencies = rows.map((r) => Number(r.stored_ms) - publishedAt.get(r.id)).filter((n) => !Number.isNaN(n)).sort((a, b) => a - b);
  const lastStored = Math.max(...rows.map((r) => Number(r.stored_ms)));
  const seconds = (lastStored - t0) / 1000;
  console.log(`published ${total} (confirmed ${confirmed}, nacked ${failed}) in ${((publishEnd - t0) / 1000).toFixed(1)} s`);
  console.log(`stored    ${rows.length} rows, ${ids.size} distinct ids; lost ${lost}, doubled ${rows.length - ids.size}`);
  console.log(`sustained ${(rows.length / seconds).toFixed(0)} events/s end to end (first publish → last commit ${seconds.toFixed(1)} s)`);
  console.log(`publish → committed row: p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms`);
  process.exitCode = lost === 0 && rows.length === ids.size ? 0 : 1;
  const sustained = Math.round(rows.length / seconds);
  emitBenchJson({
    benchmark: 'audit-pipeline',
    summary: [
      {
        scenario: `audit events/s, producers → RabbitMQ → PostgreSQL (lost ${lost}, doubled ${rows.length - ids.size})`,
        ours: sustained,
        unit: 'events/s',
        goal: '≥ 5,000/s, none lost',
        met: sustained >= 5000 && lost === 0 && rows.length === ids.size,
      },
      { scenario: 'audit publish → committed row p99', ours: pct(latencies, 99), unit: 'ms' },
    ],
  });
} finally {
  await cleanup();
}
