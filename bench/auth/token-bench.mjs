// Token endpoint benchmark: our auth-server (built, on a fresh PostgreSQL database) against
// panva's oidc-provider (in-memory store), configured alike: client_secret_basic, RFC 8707
// resource, RFC 9068 JWT access tokens signed with EdDSA.
//
//   NX_DAEMON=false NX_NO_CLOUD=true npx nx run auth-server:build
//   node bench/auth/token-bench.mjs [--duration 10] [--warmup 2] [--connections 16]
//        [--scenario client_credentials|authorization_code] [--max-codes 15000] [--rounds 3] [--only ours]
//        [--logs] [--cpu-prof-dir DIR] [--db-stats] [--ours-main candidate/main.js] [--json]
//
// Scenarios: (a) client_credentials token issuance; (b) the authorization code exchange, each
// request spending one pre-minted, single-use code (PKCE S256 with a fixed verifier). A run
// with any non-2xx answer, error or timeout is not a result: its row says INVALID.
// The last line of output is `BENCH_JSON {...}` for bench/run.mjs. Figures are printed,
// never asserted.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { countersPerRequest, emitBenchJson, isClean, measure, median, printTable, processCpuMs, ratio, round } from '../lib/index.mjs';
import { startOurs } from './ours.mjs';
import { startTheirs } from './theirs.mjs';
import { basicAuthorization, clientCredentialsBody, codeExchangeBody, tokenProblems } from './scenario.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const GOAL = 1.0;

export const DEFAULTS = {
  duration: 10,
  warmup: 2,
  connections: 16,
  maxCodes: 15_000,
  rounds: 3,
  scenarios: ['client_credentials', 'authorization_code'],
  only: undefined,
  logs: false,
  cpuProfDir: undefined,
  dbStats: false,
  log: (msg) => process.stderr.write(`${msg}\n`),
};

/**
 * Runs the benchmark and returns `{ rows, meta }`. Each row: scenario, ours/theirs req/s, p99
 * and non-2xx counts, ratio (ours ÷ theirs req/s), goal, met, valid.
 */
export async function runTokenBench(options = {}) {
  const opts = { ...DEFAULTS, ...options };
  const log = opts.log;
  const main = opts.oursMain ? resolve(opts.oursMain) : join(ROOT, 'dist/apps/auth-server/main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build it first with\n  NX_DAEMON=false NX_NO_CLOUD=true npx nx run auth-server:build`);
  }
  const nodeArgs = [];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(opts.cpuProfDir)}`);
  }

  const servers = [];
  const cleanup = async () => {
    for (const s of servers.splice(0)) await s.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log('starting our auth-server (PostgreSQL)…');
    const ours = await startOurs({ root: ROOT, main, logs: opts.logs, nodeArgs });
    servers.push(ours);
    log(`  ${ours.baseUrl} (pid ${ours.pid}); client via ${ours.registration}`);
    if (opts.only !== 'ours') {
      log('starting oidc-provider (in-memory)…');
      const theirs = await startTheirs({ root: ROOT });
      servers.push(theirs);
      log(`  ${theirs.baseUrl} (pid ${theirs.pid})`);
    }

    for (const s of servers) await checkEquivalence(s);
    log('both servers issue EdDSA at+jwt tokens for the resource and scope asked');

    // Rounds alternate which server goes first, so a burst of load from elsewhere on a shared
    // machine does not always land on the same one; the table shows medians over rounds.
    const results = {};
    // CPU spent per measured request by the server and (ours) its PostgreSQL backends: less
    // sensitive to other load on a shared machine than requests per second.
    const cpuHooks = (s) => ({
      beforeMeasured: async () => {
        const pids = await s.cpuPids();
        const events = s.deliveredEvents ? await s.deliveredEvents() : undefined;
        return { pids, events, server: await processCpuMs(pids.server), database: await processCpuMs(pids.database) };
      },
      afterMeasured: async (before) => {
        const serverMs = (await processCpuMs(before.pids.server)) - before.server;
        const now = await s.cpuPids();
        const databaseMs = (await processCpuMs([...new Set([...before.pids.database, ...now.database])])) - before.database;
        // The relay drains asynchronously: give it a moment before counting what arrived.
        let events;
        if (before.events !== undefined) {
          await new Promise((r) => setTimeout(r, 1500));
          events = (await s.deliveredEvents()) - before.events;
        }
        return { serverMs, databaseMs, events };
      },
    });
    // --db-stats: PostgreSQL work per request (commits, rows written/read) of our server,
    // from pg_stat_database around warm-up + measured run. Costs ~22 s of waiting per run.
    const dbSnapshot = (s) => (opts.dbStats && s.dbCounters ? s.dbCounters() : undefined);
    const attachDbStats = async (s, before, m) => {
      if (!before) return;
      m.dbPerRequest = countersPerRequest(before, await s.dbCounters(), m.total + m.warmupTotal);
      log(`  PostgreSQL per request: ${JSON.stringify(m.dbPerRequest)}`);
    };
    const record = (scenario, name, m) => {
      const cpu = m.measuredHook;
      delete m.measuredHook;
      if (cpu && m.total > 0) {
        m.serverCpuMsPerReq = round(cpu.serverMs / m.total, 3);
        m.databaseCpuMsPerReq = round(cpu.databaseMs / m.total, 3);
        if (cpu.events !== undefined) m.auditEventsPerReq = round(cpu.events / m.total, 2);
      }
      ((results[scenario] ??= {})[name] ??= []).push(m);
    };
    const orderFor = (round) => (round % 2 === 0 ? servers : [...servers].reverse());

    if (opts.scenarios.includes('client_credentials')) {
      for (let round = 0; round < opts.rounds; round += 1) {
        for (const s of orderFor(round)) {
          log(`client_credentials → ${s.name} (round ${round + 1}/${opts.rounds}): ${opts.warmup}s warm-up, ${opts.duration}s measured, ${opts.connections} connections`);
          const before = await dbSnapshot(s);
          const m = await measure({
            url: `${s.baseUrl}/token`,
            method: 'POST',
            headers: tokenHeaders(s),
            body: clientCredentialsBody(),
            connections: opts.connections,
            duration: opts.duration,
            warmupSeconds: opts.warmup,
            ...cpuHooks(s),
          });
          await attachDbStats(s, before, m);
          record('client_credentials', s.name, m);
          log(`  ${summaryLine(m)}`);
        }
      }
    }

    if (opts.scenarios.includes('authorization_code')) {
      for (let round = 0; round < opts.rounds; round += 1) {
        for (const s of orderFor(round)) {
          // Enough codes for about `duration` seconds at the client_credentials rate (an upper
          // bound: the exchange does more), plus a warm-up and spares: autocannon prepares one
          // request per connection ahead. Minting through our real authorization endpoint is
          // slow, so runs are capped at --max-codes (a run may end sooner than `duration`); the
          // cap is the same for both servers, so both exchange the same number of codes.
          const ccRate = median((results.client_credentials?.[s.name] ?? []).map((m) => m.requestsPerSec)) ?? 2000;
          const cap = opts.maxCodes;
          const measured = Math.max(500, Math.min(cap, Math.ceil(ccRate * opts.duration)));
          const warm = Math.max(200, Math.ceil(measured / 5));
          const total = measured + warm + opts.connections * 4 + 10;
          log(`authorization_code → ${s.name} (round ${round + 1}/${opts.rounds}): minting ${total} codes…`);
          const t0 = Date.now();
          const codes = await s.mintCodes(total, (k) => log(`  ${k} codes`));
          log(`  minted in ${((Date.now() - t0) / 1000).toFixed(1)} s (not measured); exchanging ${warm} (warm-up) + ${measured} (measured)`);
          const pool = { codes, next: 0 };
          const before = await dbSnapshot(s);
          const m = await measure({
            url: `${s.baseUrl}/token`,
            method: 'POST',
            headers: tokenHeaders(s),
            requests: codeRequests(pool),
            warmupRequests: codeRequests(pool),
            warmupAmount: warm,
            amount: measured,
            connections: opts.connections,
            ...cpuHooks(s),
          });
          await attachDbStats(s, before, m);
          record('authorization_code', s.name, m);
          log(`  ${summaryLine(m)}`);
        }
      }
    }

    const rows = Object.entries(results).map(([scenario, r]) => toRow(scenario, combine(r.ours), combine(r['oidc-provider'])));
    const meta = {
      benchmark: 'auth-token',
      connections: opts.connections,
      durationSec: opts.duration,
      warmupSec: opts.warmup,
      rounds: opts.rounds,
      perRound: results,
      oursRegistration: ours.registration,
      oursLogging: opts.logs ? 'production (to a file)' : 'off (NODE_ENV=test)',
      oursBuild: main,
      oursStorage: 'PostgreSQL; audit events through the outbox to a local ingest sink',
      theirsStorage: 'oidc-provider MemoryAdapter (bounded LRU raised to 1e6)',
      node: process.version,
    };
    return { rows, meta };
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function tokenHeaders(server) {
  return {
    authorization: basicAuthorization(server.clientId, server.clientSecret),
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
}

/**
 * autocannon request list whose body is built per request from the next unused code. A code
 * is never sent twice; when the pool runs dry the request carries an invalid code, which the
 * server answers 400 and the run is reported invalid rather than silently short.
 */
function codeRequests(pool) {
  return [
    {
      method: 'POST',
      path: '/token',
      setupRequest: (req) => ({ ...req, body: codeExchangeBody(pool.codes[pool.next++] ?? 'pool-exhausted') }),
    },
  ];
}

/** One real request per grant before measuring: same kind of token from both servers. */
async function checkEquivalence(server) {
  const post = async (body) => {
    const res = await fetch(`${server.baseUrl}/token`, { method: 'POST', headers: tokenHeaders(server), body });
    const json = await res.json().catch(() => undefined);
    if (res.status !== 200) throw new Error(`${server.name}: token request failed: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const cc = await post(clientCredentialsBody());
  const ccProblems = tokenProblems(cc, { expectRefreshToken: false });
  const [code] = await server.mintCodes(1);
  const ac = await post(codeExchangeBody(code));
  const acProblems = tokenProblems(ac, { expectRefreshToken: true });
  const problems = [...ccProblems.map((p) => `client_credentials: ${p}`), ...acProblems.map((p) => `authorization_code: ${p}`)];
  if (problems.length > 0) throw new Error(`${server.name} is not configured like the other:\n  ${problems.join('\n  ')}`);
}

/** Medians of rate and p99 over rounds; failures and requests summed (any failure invalidates). */
function combine(runs) {
  if (!runs || runs.length === 0) return undefined;
  const sum = (k) => runs.reduce((a, m) => a + m[k], 0);
  return {
    requestsPerSec: median(runs.map((m) => m.requestsPerSec)),
    p50Ms: median(runs.map((m) => m.p50Ms)),
    p99Ms: median(runs.map((m) => m.p99Ms)),
    total: sum('total'),
    ok: sum('ok'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    durationSec: round(sum('durationSec'), 2),
    serverCpuMsPerReq: median(runs.map((m) => m.serverCpuMsPerReq).filter((v) => v !== undefined)),
    databaseCpuMsPerReq: median(runs.map((m) => m.databaseCpuMsPerReq).filter((v) => v !== undefined)),
    auditEventsPerReq: median(runs.map((m) => m.auditEventsPerReq).filter((v) => v !== undefined)),
  };
}

function summaryLine(m) {
  const bad = m.non2xx + m.errors + m.timeouts;
  const cpu = m.serverCpuMsPerReq !== undefined ? `, CPU/req server ${m.serverCpuMsPerReq} ms + PG ${m.databaseCpuMsPerReq} ms` : '';
  const events = m.auditEventsPerReq !== undefined ? `, ${m.auditEventsPerReq} audit events/req delivered` : '';
  return `${round(m.requestsPerSec)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${m.total} requests in ${m.durationSec} s${cpu}${events}${
    bad ? `, NON-2XX ${m.non2xx} ERRORS ${m.errors} TIMEOUTS ${m.timeouts} ${JSON.stringify(m.statusCodes)}` : ''
  }`;
}

function toRow(scenario, ours, theirs) {
  const valid = (!ours || isClean(ours)) && (!theirs || isClean(theirs));
  const r = ratio(ours?.requestsPerSec, theirs?.requestsPerSec);
  const failures = (m) => (m ? m.non2xx + m.errors + m.timeouts : undefined);
  return {
    scenario,
    ours_rps: round(ours?.requestsPerSec, 0),
    ours_p99_ms: ours?.p99Ms,
    theirs_rps: round(theirs?.requestsPerSec, 0),
    theirs_p99_ms: theirs?.p99Ms,
    ratio: round(r, 2),
    goal: GOAL,
    met: !valid ? 'INVALID' : r === undefined ? '—' : r >= GOAL ? 'yes' : 'no',
    ours_non2xx: failures(ours),
    theirs_non2xx: failures(theirs),
    ours_cpu_ms_per_req: round(ours?.serverCpuMsPerReq, 3),
    ours_db_cpu_ms_per_req: round(ours?.databaseCpuMsPerReq, 3),
    theirs_cpu_ms_per_req: round(theirs?.serverCpuMsPerReq, 3),
    ours_audit_events_per_req: ours?.auditEventsPerReq,
    ours_requests: ours?.total,
    theirs_requests: theirs?.total,
    ours_duration_s: ours?.durationSec,
    theirs_duration_s: theirs?.durationSec,
    valid,
  };
}

const COLUMNS = [
  { key: 'scenario', title: 'scenario', align: 'left' },
  { key: 'ours_rps', title: 'ours req/s' },
  { key: 'ours_p99_ms', title: 'ours p99 ms' },
  { key: 'theirs_rps', title: 'oidc-provider req/s' },
  { key: 'theirs_p99_ms', title: 'oidc-provider p99 ms' },
  { key: 'ratio', title: 'ratio ours/theirs' },
  { key: 'goalText', title: 'goal', align: 'left' },
  { key: 'met', title: 'met', align: 'left' },
  { key: 'ours_non2xx', title: 'ours non-2xx' },
  { key: 'theirs_non2xx', title: 'theirs non-2xx' },
  { key: 'ours_cpu_ms_per_req', title: 'ours CPU ms/req' },
  { key: 'ours_db_cpu_ms_per_req', title: 'ours PG CPU ms/req' },
  { key: 'theirs_cpu_ms_per_req', title: 'theirs CPU ms/req' },
  { key: 'ours_audit_events_per_req', title: 'ours audit events/req' },
];

async function cli() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'max-codes': { type: 'string' },
      rounds: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      only: { type: 'string' },
      logs: { type: 'boolean' },
      'cpu-prof-dir': { type: 'string' },
      'db-stats': { type: 'boolean' },
      'ours-main': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${readHeader()}\n`);
    return;
  }
  const num = (v, d) => (v === undefined ? d : Number(v));
  const { rows, meta } = await runTokenBench({
    duration: num(values.duration, DEFAULTS.duration),
    warmup: num(values.warmup, DEFAULTS.warmup),
    connections: num(values.connections, DEFAULTS.connections),
    maxCodes: num(values['max-codes'], DEFAULTS.maxCodes),
    rounds: num(values.rounds, DEFAULTS.rounds),
    scenarios: values.scenario ?? DEFAULTS.scenarios,
    only: values.only,
    logs: values.logs ?? false,
    cpuProfDir: values['cpu-prof-dir'],
    dbStats: values['db-stats'] ?? false,
    oursMain: values['ours-main'],
    log: values.json ? () => undefined : DEFAULTS.log,
  });
  if (!values.json) {
    process.stdout.write(
      `\nauth-server token endpoint vs oidc-provider — node ${meta.node}, ${meta.connections} connections, median of ${meta.rounds} round(s)\n`,
    );
    process.stdout.write(`ours: ${meta.oursStorage}, logging ${meta.oursLogging}; client via ${meta.oursRegistration}\n`);
    process.stdout.write(`oidc-provider: ${meta.theirsStorage}\n\n`);
    printTable(COLUMNS, rows.map((r) => ({ ...r, goalText: `≥ ${GOAL.toFixed(1)}×` })));
    if (rows.some((r) => !r.valid)) process.stdout.write('\nINVALID rows had failed requests: their figures are not results.\n');
    process.stdout.write('\n');
  }
  const summary = rows.map((r) => ({
    scenario: `auth-server ${r.scenario} tokens/s (PostgreSQL, durable audit event per token)`,
    ours: r.ours_rps,
    peer: r.theirs_rps,
    peerName: 'oidc-provider (in memory)',
    ratio: r.ratio,
    unit: 'req/s',
    goal: '≥ 1.0×',
    met: r.met === 'yes',
    p99: r.ours_p99_ms,
  }));
  emitBenchJson({ ...meta, rows, summary });
}

function readHeader() {
  return 'usage: node bench/auth/token-bench.mjs [--duration s] [--warmup s] [--connections n] [--scenario client_credentials|authorization_code]... [--max-codes n] [--rounds n] [--only ours] [--logs] [--cpu-prof-dir dir] [--db-stats] [--ours-main path/to/main.js] [--json]';
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli().catch((err) => {
    process.stderr.write(`token-bench: ${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}\n`);
    process.exitCode = 1;
  });
}
