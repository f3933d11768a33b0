// The floor of the audit pipeline: the same durable steps with no framework, as child
// processes of bench/audit/pipeline.mjs (one role each, like the real services):
//
//   node bench/audit/floor.mjs consumer   queue → batched `unnest` INSERT … ON CONFLICT DO NOTHING
//                                          into audit_events, one multiple-ack after each commit
//   node bench/audit/floor.mjs bare       confirmed publisher → the durable queue (no outbox)
//   node bench/audit/floor.mjs outbox     events INSERTed into an outbox table in batches, and a
//                                          relay in the same process: SELECT a batch in seq order,
//                                          publish with confirms, DELETE what was confirmed
//
// Settings come from the environment (FLOOR_*, set by pipeline.mjs). A producer prints one
// line `{"emitted":n}` when everything it made is confirmed by the broker.
import amqp from 'amqplib';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

const env = process.env;
const role = process.argv[2];
const BROKER = env.FLOOR_BROKER_URL;
const QUEUE = env.FLOOR_QUEUE;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The same event the pipeline's producers emit (libs/contracts createEvent output). */
function makeEvent(source, n) {
  const subject = `user-${n % 50}`;
  return {
    specversion: '1.0', id: randomUUID(), source, type: 'mcp.tool.called', time: new Date().toISOString(), subject, datacontenttype: 'application/json',
    data: { tool: 'analyze_sentiment', outcome: 'success', duration_ms: n % 40, client_id: `client-${n % 7}`, subject, jti: randomUUID() },
  };
}

/** Offered load: `rate` events/s for `seconds`, handed to `emit(batch)` every 10 ms tick; waits for each tick's batch. */
async function offer(rate, seconds, emit) {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
    if (due > 0) {
      await emit(due, sent);
      sent += due;
    }
    await sleep(Math.max(0, 10 - ((performance.now() - start) % 10)));
  }
  return sent;
}

const publishOptions = (event) => ({ persistent: true, contentType: 'application/cloudevents+json', messageId: event.id, type: event.type });

async function consumer() {
  const db = new pg.Pool({ connectionString: env.FLOOR_DATABASE_URL, max: 2 });
  const conn = await amqp.connect(BROKER);
  const ch = await conn.createChannel();
  await ch.prefetch(Number(env.FLOOR_PREFETCH ?? 1000));
  const batchMax = Number(env.FLOOR_BATCH_MAX ?? 500);
  const buffer = [];
  let writing = false;
  let timer;
  const write = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (writing || !buffer.length) return;
    writing = true;
    const batch = buffer.splice(0, batchMax);
    const storedMs = Date.now();
    const cols = [[], [], [], [], [], [], [], []];
    for (const m of batch) {
      const e = JSON.parse(m.content.toString('utf8'));
      cols[0].push(e.id); cols[1].push(e.type); cols[2].push(e.source); cols[3].push(e.subject ?? null);
      cols[4].push(typeof e.data?.client_id === 'string' ? e.data.client_id : null); cols[5].push(Date.parse(e.time)); cols[6].push(storedMs);
      cols[7].push(m.content.toString('utf8'));
    }
    await db.query(
      `INSERT INTO audit_events (id, type, source, subject, client_id, time_ms, stored_ms, event)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::bigint[], $7::bigint[], $8::text[])
       ON CONFLICT DO NOTHING`,
      cols,
    );
    ch.ack(batch[batch.length - 1], true); // after the commit: every message up to this one
    writing = false;
    if (buffer.length) void write();
  };
  await ch.consume(QUEUE, (m) => {
    buffer.push(m);
    if (buffer.length >= batchMax) void write();
    else if (!timer && !writing) timer = setTimeout(write, 10);
  });
  process.on('SIGTERM', async () => {
    await conn.close().catch(() => undefined);
    await db.end();
    process.exit(0);
  });
}

async function bare() {
  const conn = await amqp.connect(BROKER);
  const ch = await conn.createConfirmChannel();
  const source = env.FLOOR_SOURCE;
  const emitted = await offer(Number(env.FLOOR_RATE), Number(env.FLOOR_SECONDS), async (count, from) => {
    for (let i = 0; i < count; i++) {
      const e = makeEvent(source, from + i);
      ch.sendToQueue(QUEUE, Buffer.from(JSON.stringify(e)), publishOptions(e));
    }
  });
  await ch.waitForConfirms();
  console.log(JSON.stringify({ emitted }));
  await conn.close();
}

async function outbox() {
  const db = new pg.Pool({ connectionString: env.FLOOR_OUTBOX_URL, max: 3 });
  await db.query('CREATE TABLE IF NOT EXISTS floor_outbox (seq bigserial PRIMARY KEY, id varchar(36) NOT NULL, type varchar(128) NOT NULL, payload text NOT NULL, created_at bigint NOT NULL)');
  const conn = await amqp.connect(BROKER);
  const ch = await conn.createConfirmChannel();
  const source = env.FLOOR_SOURCE;
  const relayBatch = Number(env.FLOOR_RELAY_BATCH ?? 500);
  let producing = true;
  // The relay: one round after another while rows are there, a short nap when there are none.
  const relay = (async () => {
    for (;;) {
      const { rows } = await db.query('SELECT seq, id, type, payload FROM floor_outbox ORDER BY seq LIMIT $1', [relayBatch]);
      if (!rows.length) {
        if (!producing) return;
        await sleep(5);
        continue;
      }
      for (const r of rows) ch.sendToQueue(QUEUE, Buffer.from(r.payload), { persistent: true, contentType: 'application/cloudevents+json', messageId: r.id, type: r.type });
      await ch.waitForConfirms();
      await db.query('DELETE FROM floor_outbox WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
    }
  })();
  const emitted = await offer(Number(env.FLOOR_RATE), Number(env.FLOOR_SECONDS), async (count, from) => {
    const events = Array.from({ length: count }, (_, i) => makeEvent(source, from + i));
    const now = Date.now();
    await db.query('INSERT INTO floor_outbox (id, type, payload, created_at) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::bigint[])', [
      events.map((e) => e.id), events.map((e) => e.type), events.map((e) => JSON.stringify(e)), events.map(() => now),
    ]);
  });
  producing = false;
  await relay;
  console.log(JSON.stringify({ emitted }));
  await conn.close();
  await db.end();
}

const roles = { consumer, bare, outbox };
if (!roles[role]) {
  console.error(`usage: node bench/audit/floor.mjs ${Object.keys(roles).join('|')}`);
  process.exit(2);
}
await roles[role]();
