import { type BarrierProxy, createTestDatabase, freePort, type RunningService, startBarrierProxy, startService, type TestDatabase } from '@portcullis/testing';
import { Client } from 'pg';

/*
 * Replicas of every service started at the same moment on a fresh PostgreSQL database (what
 * `docker compose up --scale` does on a first start): each becomes ready, the migrations ran
 * once, and what start-up seeds exists once. Before the start-up lock, two mcp-server replicas
 * died on `duplicate key … headlines` in 2 of 14 tries, and racing migrations failed on
 * `pg_type_typname_nsp_index`. The replicas reach the database through a barrier that lets
 * their first connections through together and adds a little latency to every round trip, so
 * they stay in step and race on every round, not by the chance of equal start-up times;
 * several rounds, each on a new database.
 */

const REPLICAS = 3;
const ROUNDS = 3;
const INGEST_SECRET = 'concurrent-start-ingest-secret-0123';

/** What a replica logs when it lost a race at start (and then retried, or died). */
const RACE_LOST = /Unable to connect to the database|QueryFailedError|duplicate key|already exists/;

type App = 'auth-server' | 'mcp-server' | 'audit-service';

interface Case {
  app: App;
  env: (port: number) => Record<string, string | undefined>;
  /** What start-up wrote that must exist exactly once: query → expected count. */
  seeded: Record<string, number>;
}

const CASES: Case[] = [
  {
    app: 'auth-server',
    env: (port) => ({
      ISSUER_URL: `http://127.0.0.1:${port}`,
      BOOTSTRAP_USERS: 'alice:alice-correct-horse-1',
      REGISTRATION_INITIAL_ACCESS_TOKEN: 'concurrent-start-initial-access-token',
    }),
    seeded: {
      "SELECT count(*) FROM signing_keys WHERE status = 'active'": 1,
      "SELECT count(*) FROM signing_keys WHERE status = 'next'": 1,
      "SELECT count(*) FROM users WHERE username = 'alice'": 1,
    },
  },
  {
    app: 'mcp-server',
    env: (port) => ({
      RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
      ISSUER_URL: 'http://127.0.0.1:9',
      REVOCATIONS_URL: 'http://127.0.0.1:9/revocations',
      AUDIT_INGEST_URL: 'http://127.0.0.1:9/internal/events',
      AUDIT_INGEST_SECRET: INGEST_SECRET,
    }),
    // The sample corpus shipped with the app (sentiment/corpus/headlines.json).
    seeded: { 'SELECT count(*) FROM headlines': 32 },
  },
  {
    app: 'audit-service',
    env: () => ({ ISSUER_URL: 'http://127.0.0.1:9', AUDIT_INGEST_SECRET: INGEST_SECRET }),
    seeded: {},
  },
];

async function query(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(sql);
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

describe.each(CASES)('$app: replicas started together on a fresh PostgreSQL database', ({ app, env, seeded }) => {
  const running: RunningService[] = [];
  const databases: TestDatabase[] = [];
  const barriers: BarrierProxy[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    await Promise.all(barriers.splice(0).map((b) => b.close()));
    await Promise.all(databases.splice(0).map((d) => d.drop()));
  }, 30_000);

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(`round %i: all ${REPLICAS} become ready; migrations and seeds exist once`, async () => {
    const db = await createTestDatabase('startup_lock');
    databases.push(db);
    const direct = new URL(db.url);
    const barrier = await startBarrierProxy({ host: direct.hostname, port: Number(direct.port || 5432) }, REPLICAS, { latencyMs: 10 });
    barriers.push(barrier);
    const throughBarrier = new URL(db.url);
    throughBarrier.host = `${barrier.host}:${barrier.port}`;
    const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    const started = await Promise.allSettled(
      ports.map((port) => startService(app, port, { BROKER_URL: undefined, ...env(port), DATABASE_URL: throughBarrier.toString() }, 90_000)),
    );
    for (const result of started) if (result.status === 'fulfilled') running.push(result.value);
    const failures = started.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);

    // A replica that lost a migration race logs the failure and retries (Nest's TypeORM module
    // reconnects): ready in the end, but only by luck.
    for (const replica of running) {
      const failure = RACE_LOST.exec(replica.output())?.[0] ?? null;
      expect({ port: replica.port, failure }).toEqual({ port: replica.port, failure: null });
    }
    for (const replica of running) {
      const ready = await fetch(`${replica.url}/health/ready`);
      expect({ port: replica.port, status: ready.status }).toEqual({ port: replica.port, status: 200 });
      await ready.arrayBuffer();
    }
    // Every migration recorded once: none ran twice.
    const migrations = await query(db.url, 'SELECT count(*) FROM migrations');
    expect(migrations).toBeGreaterThan(0);
    expect(await query(db.url, 'SELECT count(DISTINCT name) FROM migrations')).toBe(migrations);
    for (const [sql, count] of Object.entries(seeded)) expect({ sql, count: await query(db.url, sql) }).toEqual({ sql, count });
  }, 180_000);
});
