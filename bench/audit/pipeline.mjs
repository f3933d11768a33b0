// Audit pipeline against the machine's own floor, in one run:
//
//   npm run build && node bench/audit/pipeline.mjs
//   BENCH_ROUNDS=3 BENCH_RATE=20000 BENCH_SECONDS=10 node bench/audit/pipeline.mjs
//
// Each round runs three scenarios one after another, each with BENCH_PRODUCERS producer
// processes offering BENCH_RATE events/s (all together) for BENCH_SECONDS:
//   bare floor    confirmed publisher → durable queue → batched unnest INSERT consumer (floor.mjs)
//   outbox floor  the same plus the durable producer side with no framework: events INSERTed
//                 into an outbox table in batches, a relay publishing them with confirms (floor.mjs)
//   pipeline      producers' outbox (libs/events AuditEvents, bench/audit/producer) → outbox
//                 relay → RabbitMQ → the built audit-service (Nest RMQ consumer, batcher) → store
// All three write the same audit_events table of one database (migrated by the audit service),
// each scenario's events told apart by their `source`. Figures per scenario: sustained events/s
// (first event's time → last commit), event time → committed row latency, lost and doubled
// (events the producers report as emitted vs rows stored). The pipeline's ratio to each floor
// is computed within the round, and the median over the rounds is reported with its spread.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import pg from 'pg';
import { backendLister, BENCH_POSTGRES_URL, createDatabase, emitBenchJson, freePort, median, printTable, requireFile, round, startCpuMeter, startNode } from '../lib/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BROKER = process.env.BENCH_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RATE = Number(process.env.BENCH_RATE ?? 20000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'bare,outbox,pipeline').split(',');
// BENCH_CPU_PROF=<dir>: every process of the pipeline writes a V8 CPU profile there
// (read it with `node bench/lib/cpu-profile.mjs <file>`).
const PROFILE = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];

const service = join(root, 'dist/apps/audit-service/main.js');
const producerApp = join(root, 'dist/bench/audit/producer/main.js');
requireFile(service, 'run `npm run build` first');
// The producer is built from libs/events like a service; built here when missing (rebuild or
// delete it after a change to libs/events).
if (!existsSync(producerApp)) {
  execFileSync('npx', ['webpack-cli', 'build', '--config', 'bench/audit/producer/webpack.config.js', '--no-stats'], { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
}

const tag = randomBytes(4).toString('hex');
const auditQueue = `portcullis.audit.bench-${tag}`;
const floorQueue = `portcullis.audit.floor-${tag}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const store = await createDatabase('portcullis_bench_audit');
const outboxes = [];
for (let i = 0; i < PRODUCERS; i++) outboxes.push(await createDatabase('portcullis_bench_outbox'));
const children = [];
let db;
/** Pids of the producer processes running now, for the CPU meter. */
const producerPids = new Set();
/** The consuming process of each scenario (the floor consumer or the audit service). */
const consumerPid = {};
let brokerPids = [];

/** Runs `node script` to completion; resolves with the `{"emitted":n}` it printed. */
function runProducer(script, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...PROFILE, script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    producerPids.add(child.pid);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      producerPids.delete(child.pid);
      const line = out.split('\n').find((l) => l.startsWith('{"emitted"'));
      if (code === 0 && line) resolve(JSON.parse(line).emitted);
      else reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${out.slice(-500)}`));
    });
  });
}

function producersFor(scenario, source) {
  return outboxes.map((outbox, i) => {
    const common = { FLOOR_BROKER_URL: BROKER, FLOOR_QUEUE: floorQueue, FLOOR_RATE: String(RATE / PRODUCERS), FLOOR_SECONDS: String(SECONDS), FLOOR_SOURCE: `${source}/${i}` };
    if (scenario === 'bare') return runProducer(join(root, 'bench/audit/floor.mjs'), ['bare'], common);
    if (scenario === 'outbox') return runProducer(join(root, 'bench/audit/floor.mjs'), ['outbox'], { ...common, FLOOR_OUTBOX_URL: outbox.url });
    return runProducer(producerApp, [], { DATABASE_URL: outbox.url, BROKER_URL: BROKER, SOURCE: `${source}/${i}`, RATE: String(RATE / PRODUCERS), SECONDS: String(SECONDS), NODE_ENV: 'production' });
  });
}

/**
 * CPU time (user + system, from /proc) of each part while a scenario runs: its producer
 * processes, the PostgreSQL backends of their outbox databases (idle in the bare scenario),
 * the broker, its consuming process, and the backends of the store. Per event, this is what a loaded machine
 * can still compare between scenarios (a throughput there measures the CPU queue as well).
 */
async function startSideMeters(scenario) {
  const outboxBackends = await Promise.all(outboxes.map((o) => backendLister(BENCH_POSTGRES_URL, o.name)));
  const storeBackends = await backendLister(BENCH_POSTGRES_URL, store.name);
  const meters = {
    producers: await startCpuMeter(async () => [...producerPids]),
    outboxDb: await startCpuMeter(async () => (await Promise.all(outboxBackends.map((b) => b.list()))).flat()),
    broker: await startCpuMeter(async () => brokerPids),
    consumer: await startCpuMeter(async () => [consumerPid[scenario]]),
    storeDb: await startCpuMeter(async () => storeBackends.list()),
  };
  return async () => {
    const cpu = {};
    for (const [side, meter] of Object.entries(meters)) cpu[side] = await meter.stop();
    for (const b of [...outboxBackends, storeBackends]) await b.close();
    return cpu;
  };
}

async function measure(scenario, roundNo) {
  const source = `/bench/${scenario}-${tag}-${roundNo}`;
  const stopMeters = await startSideMeters(scenario);
  const emitted = (await Promise.all(producersFor(scenario, source))).reduce((a, b) => a + b, 0);
  const count = async () => (await db.query('SELECT count(*)::int AS n FROM audit_events WHERE source LIKE $1', [`${source}/%`])).rows[0].n;
  for (const deadline = Date.now() + 120_000; (await count()) < emitted && Date.now() < deadline; ) await sleep(250);
  const cpu = await stopMeters();
  const perThousand = (ms) => (ms === undefined || !emitted ? undefined : round((ms * 1000) / emitted, 0));
  // Aggregated in SQL: a quiet machine stores a few hundred thousand rows per scenario, too many
  // to spread into Math.min/max as arguments.
  const { rows: [agg] } = await db.query(
    `SELECT count(*)::int AS stored, count(DISTINCT id)::int AS distinct_ids, min(time_ms)::float8 AS first, max(stored_ms)::float8 AS last,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY stored_ms - time_ms)::float8 AS p50,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY stored_ms - time_ms)::float8 AS p99
       FROM audit_events WHERE source LIKE $1`,
    [`${source}/%`],
  );
  return {
    scenario,
    emitted,
    stored: agg.stored,
    lost: emitted - agg.distinct_ids,
    doubled: agg.stored - agg.distinct_ids,
    perSecond: Math.round(agg.stored / ((agg.last - agg.first) / 1000)),
    p50: agg.p50,
    p99: agg.p99,
    // CPU ms per 1,000 events on each side.
    cpu: Object.fromEntries(Object.entries(cpu).map(([side, ms]) => [side, perThousand(ms)])),
  };
}

try {
  const admin = await amqp.connect(BROKER);
  const ch = await admin.createChannel();
  await ch.assertQueue(floorQueue, { durable: true });
  await admin.close();
  const port = await freePort();
  const audit = await startNode({
    script: service,
    env: { NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: store.url, BROKER_URL: BROKER, AUDIT_QUEUE: auditQueue },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
    timeoutMs: 60_000,
    nodeArgs: PROFILE,
  });
  children.push(audit);
  const consumer = spawn(process.execPath, [join(root, 'bench/audit/floor.mjs'), 'consumer'], {
    cwd: root,
    env: { ...process.env, FLOOR_BROKER_URL: BROKER, FLOOR_QUEUE: floorQueue, FLOOR_DATABASE_URL: store.url },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ stop: async () => consumer.kill('SIGTERM') });
  Object.assign(consumerPid, { bare: consumer.pid, outbox: consumer.pid, pipeline: audit.pid });
  // The broker's own processes (when it runs on this host; it is shared with anything else using it).
  try {
    brokerPids = execFileSync('pgrep', ['-x', 'beam.smp'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    brokerPids = []; // elsewhere (a container, another host): not metered
  }
  db = new pg.Client({ connectionString: store.url });
  await db.connect();

  console.log(`audit pipeline vs floor: ${ROUNDS} round(s), ${PRODUCERS} producers offering ${RATE} events/s together for ${SECONDS} s per scenario`);
  const results = [];
  for (let r = 1; r <= ROUNDS; r++) {
    for (const scenario of SCENARIOS) {
      const m = await measure(scenario, r);
      results.push({ round: r, ...m });
      console.log(`round ${r} ${scenario.padEnd(8)} ${String(m.perSecond).padStart(6)} events/s  p50 ${m.p50} ms  p99 ${m.p99} ms  emitted ${m.emitted} stored ${m.stored} lost ${m.lost} doubled ${m.doubled}  CPU ms/1k events: ${Object.entries(m.cpu).map(([side, ms]) => `${side} ${ms}`).join(' ')}`);
      await sleep(1000);
    }
  }
  const of = (r, s) => results.find((x) => x.round === r && x.scenario === s);
  const rows = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const p = of(r, 'pipeline');
    rows.push({
      round: r,
      bare: of(r, 'bare')?.perSecond,
      outbox: of(r, 'outbox')?.perSecond,
      pipeline: p?.perSecond,
      vsBare: p && of(r, 'bare') ? round(p.perSecond / of(r, 'bare').perSecond, 2) : undefined,
      vsOutbox: p && of(r, 'outbox') ? round(p.perSecond / of(r, 'outbox').perSecond, 2) : undefined,
      p99: p?.p99,
    });
  }
  const spread = (key) => {
    const v = rows.map((x) => x[key]).filter((x) => typeof x === 'number');
    return v.length ? `${median(v)} (${Math.min(...v)}–${Math.max(...v)})` : '—';
  };
  rows.push({ round: 'median (min–max)', bare: spread('bare'), outbox: spread('outbox'), pipeline: spread('pipeline'), vsBare: spread('vsBare'), vsOutbox: spread('vsOutbox'), p99: spread('p99') });
  printTable(
    [
      { key: 'round', title: 'round', align: 'left' },
      { key: 'bare', title: 'bare floor /s', align: 'right' },
      { key: 'outbox', title: 'outbox floor /s', align: 'right' },
      { key: 'pipeline', title: 'pipeline /s', align: 'right' },
      { key: 'vsBare', title: 'pipeline ÷ bare', align: 'right' },
      { key: 'vsOutbox', title: 'pipeline ÷ outbox', align: 'right' },
      { key: 'p99', title: 'pipeline p99 ms', align: 'right' },
    ],
    rows,
  );
  const lost = results.reduce((a, x) => a + x.lost, 0);
  const doubled = results.reduce((a, x) => a + x.doubled, 0);
  console.log(`lost ${lost}, doubled ${doubled} over every scenario and round`);
  const ratios = rows.slice(0, ROUNDS).map((x) => x.vsOutbox).filter((x) => typeof x === 'number');
  const bareRatios = rows.slice(0, ROUNDS).map((x) => x.vsBare).filter((x) => typeof x === 'number');
  process.exitCode = lost === 0 && doubled === 0 ? 0 : 1;
  emitBenchJson({
    benchmark: 'audit-pipeline',
    summary: [
      {
        scenario: `audit events/s, producers' outbox → RabbitMQ → audit-service → PostgreSQL, ÷ the outbox floor (lost ${lost}, doubled ${doubled})`,
        ours: median(rows.slice(0, ROUNDS).map((x) => x.pipeline).filter(Number.isFinite)),
        unit: 'events/s',
        ratio: median(ratios),
        goal: '≥ 0.75× the floor, none lost or doubled',
        met: median(ratios) >= 0.75 && lost === 0 && doubled === 0,
      },
      { scenario: 'audit pipeline ÷ bare broker floor', ours: median(bareRatios), unit: '×' },
      { scenario: 'audit event → committed row p99 (pipeline)', ours: median(rows.slice(0, ROUNDS).map((x) => x.p99).filter(Number.isFinite)), unit: 'ms' },
    ],
  });
} finally {
  for (const c of children.reverse()) await c.stop().catch(() => undefined);
  await db?.end().catch(() => undefined);
  const c = await amqp.connect(BROKER);
  const ch = await c.createChannel();
  for (const q of [floorQueue, auditQueue, `${auditQueue}.dead`]) await ch.deleteQueue(q).catch(() => undefined);
  await ch.deleteExchange(`${auditQueue}.dead`).catch(() => undefined);
  await c.close().catch(() => undefined);
  await store.drop();
  for (const o of outboxes) await o.drop();
}
