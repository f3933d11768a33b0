// Does the auth-server's database stay the same size under steady traffic? An hour of traffic,
// compressed: the server runs with token lifetimes cut so that several whole lifetimes fit in
// the run (access 10 s for 600 s, code 30 s (a loaded machine needs it), interaction and session 30 s, a refresh token
// 30 s), purging every 5 s (300 s / 60), while workers log in, exchange codes, refresh (each
// refresh rotates) and revoke. Every 5 s it prints each table's rows and
// pg_total_relation_size. The same traffic runs twice: with the scheduled purge, and with
// PURGE_INTERVAL_SECONDS=0 (what the server did before), for contrast.
//
// PostgreSQL reuses a deleted row's space once VACUUM has passed; autovacuum wakes once a
// minute, which is once an hour of this compressed time. So the bench runs a plain VACUUM (not
// FULL: it never shrinks files, it only marks space reusable) of the auth tables every 10 s,
// as autovacuum would every 10 minutes of real time. It does so in both runs.
//
// node bench/retention/retention.bench.mjs   (BENCH_SECONDS, default 60; needs the build and PostgreSQL)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitBenchJson, printTable, round, withClient } from '../lib/index.mjs';
import { postToken, tokenHeaders } from '../auth/credentials.mjs';
import { startOurs } from '../auth/ours.mjs';
import { codeExchangeBody, refreshBody } from '../auth/scenario.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SAMPLE_EVERY_S = 5;
const VACUUM_EVERY_S = 10;
const WORKERS = 3;
/** When the traffic has lived through every lifetime once (the longest is the refresh family's). */
const WARM_UP_S = 40;
const TABLES = ['authorization_codes', 'grants', 'access_tokens', 'refresh_tokens', 'interactions', 'sessions', 'event_outbox'];
const LIFETIMES = {
  ACCESS_TOKEN_TTL: '10',
  AUTHORIZATION_CODE_TTL: '30',
  REFRESH_TOKEN_TTL: '30',
  // Long enough for a login page to be filled in on a loaded machine.
  INTERACTION_TTL: '30',
  SESSION_TTL: '30',
  REFRESH_GRACE_SECONDS: '1',
};

async function sizes(databaseUrl) {
  return withClient(databaseUrl, async (c) => {
    const row = {};
    let total = 0;
    for (const table of TABLES) {
      const { rows } = await c.query(`SELECT COUNT(*)::int AS n, pg_total_relation_size($1::regclass)::bigint AS bytes FROM "${table}"`, [table]);
      row[`${table}:rows`] = rows[0].n;
      total += Number(rows[0].bytes);
    }
    row.totalKiB = Math.round(total / 1024);
    return row;
  });
}

async function revoke(server, token) {
  const res = await fetch(`${server.baseUrl}/revoke`, { method: 'POST', headers: tokenHeaders(server), body: new URLSearchParams({ token }).toString() });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`revocation failed: ${res.status}`);
}

/**
 * One person's visit, repeated until the end: five codes from one login, each exchanged, its
 * refresh token used twice (two rotations), every other access token revoked (RFC 7009).
 */
async function worker(server, until, counts) {
  while (Date.now() < until) {
    const codes = await server.mintCodes(5).catch(() => (counts.failures++, []));
    for (const code of codes) {
      try {
        const issued = await postToken(server, codeExchangeBody(code));
        const first = await postToken(server, refreshBody(issued.refresh_token));
        const second = await postToken(server, refreshBody(first.refresh_token));
        counts.tokens += 3;
        if (counts.tokens % 2 === 0) {
          await revoke(server, second.access_token);
          counts.revocations += 1;
        }
      } catch {
        // A code or token that expired while the machine was busy: traffic too, counted.
        counts.failures += 1;
      }
    }
  }
}

async function run(label, purgeIntervalSeconds) {
  const server = await startOurs({ root, env: { ...LIFETIMES, PURGE_INTERVAL_SECONDS: String(purgeIntervalSeconds) }, readyTimeoutMs: 180_000 });
  const samples = [];
  try {
    const start = Date.now();
    const until = start + SECONDS * 1000;
    const counts = { tokens: 0, revocations: 0, failures: 0 };
    const sample = async () => samples.push({ t: Math.round((Date.now() - start) / 1000), ...(await sizes(server.databaseUrl)) });
    await sample();
    const workers = Promise.all(Array.from({ length: WORKERS }, () => worker(server, until, counts)));
    let nextVacuum = start + VACUUM_EVERY_S * 1000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_S * 1000));
      if (Date.now() >= nextVacuum) {
        await withClient(server.databaseUrl, (c) => c.query(`VACUUM ${TABLES.map((t) => `"${t}"`).join(', ')}`));
        nextVacuum += VACUUM_EVERY_S * 1000;
      }
      await sample();
    }
    await workers;
    await sample();
    process.stdout.write(`\n${label}: ${counts.tokens} tokens issued (${round(counts.tokens / SECONDS, 1)}/s), ${counts.revocations} revoked, ${counts.failures} flows failed, over ${SECONDS} s\n`);
    printTable(
      [{ key: 't', title: 't (s)' }, ...TABLES.map((t) => ({ key: `${t}:rows`, title: t })), { key: 'totalKiB', title: 'total KiB' }],
      samples,
    );
    return { counts, samples };
  } finally {
    await server.stop();
  }
}

/** Size at the end against size once warm: 1.0 is flat. */
function growth(samples) {
  const warm = samples.find((s) => s.t >= WARM_UP_S) ?? samples[0];
  const last = samples[samples.length - 1];
  return { warmKiB: warm.totalKiB, lastKiB: last.totalKiB, ratio: round(last.totalKiB / warm.totalKiB, 2) };
}

process.stdout.write('rows per table at each sample, and pg_total_relation_size of them all\n');
const purged = await run(`with PURGE_INTERVAL_SECONDS=5`, 5);
const kept = await run('with PURGE_INTERVAL_SECONDS=0 (no purge)', 0);
const a = growth(purged.samples);
const b = growth(kept.samples);
process.stdout.write(
  `\nsize once warm (t ≥ ${WARM_UP_S} s) → at the end: purged ${a.warmKiB} → ${a.lastKiB} KiB (×${a.ratio}); not purged ${b.warmKiB} → ${b.lastKiB} KiB (×${b.ratio})\n`,
);
emitBenchJson({
  bench: 'retention',
  summary: [
    { scenario: `auth-server DB size, end / warm (${SECONDS} s ≈ 1 h compressed), purged`, ours: a.ratio, goal: '≈ 1.0 (flat)' },
    { scenario: 'auth-server DB size, end / warm, no purge', ours: b.ratio, goal: 'grows' },
  ],
});
