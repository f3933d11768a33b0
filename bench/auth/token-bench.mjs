// Token endpoint benchmark: our auth-server (built, on a fresh PostgreSQL database) against
// panva's oidc-provider (in-memory store), configured alike: client_secret_basic, RFC 8707
// resource, RFC 9068 JWT access tokens signed with EdDSA, refresh tokens rotated.
//
//   NX_DAEMON=false NX_NO_CLOUD=true npx nx run auth-server:build
//   node bench/auth/token-bench.mjs [--duration 10] [--warmup 2] [--connections 16]
//        [--scenario client_credentials|authorization_code|refresh_token]... [--max-codes 15000]
//        [--rounds 3] [--only ours] [--logs] [--cpu-prof-dir DIR] [--perf-map] [--db-stats]
//        [--ours-main candidate/main.js] [--json]
//
// Grants: client_credentials token issuance; the authorization code exchange, each request
// spending one pre-minted, single-use code (PKCE S256 with a fixed verifier); the refresh
// grant, each request spending one pre-minted refresh token of its own grant and getting its
// successor (grant-runs.mjs). A run with any non-2xx answer, error or timeout is not a
// result: its row says INVALID. The last line of output is `BENCH_JSON {...}` for
// bench/run.mjs. Figures are printed, never asserted.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { emitBenchJson, printTable } from '../lib/index.mjs';
import { checkEquivalence } from './credentials.mjs';
import { clientCredentialsRate, measureGrant, SCENARIOS } from './grant-runs.mjs';
import { startOurs } from './ours.mjs';
import { startTheirs } from './theirs.mjs';
import { COLUMNS, GOAL, summaryLine, summaryRows, toRow } from './token-report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
export const DEFAULTS = {
  duration: 10,
  warmup: 2,
  connections: 16,
  maxCodes: 15_000,
  rounds: 3,
  scenarios: SCENARIOS,
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
  // --perf-map: JIT symbol map for Linux perf (`perf record -g -p <pid>`), which samples only
  // while the process is on a core: CPU time, where --cpu-prof samples wall-clock time.
  // (It also makes V8 write a log, sent to the temp directory rather than the workspace.)
  const nodeArgs = opts.perfMap ? ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(tmpdir(), 'token-bench-v8.log')}`] : [];
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
    log('the servers issue EdDSA at+jwt tokens for the resource and scope asked, and rotate refresh tokens');

    // Rounds alternate which server goes first, so a burst of load from elsewhere on a shared
    // machine does not always land on the same one; the table shows medians over rounds.
    const results = {};
    const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
    const orderFor = (round) => (round % 2 === 0 ? servers : [...servers].reverse());
    for (const scenario of SCENARIOS.filter((g) => opts.scenarios.includes(g))) {
      for (let round = 0; round < opts.rounds; round += 1) {
        for (const s of orderFor(round)) {
          log(`${scenario} → ${s.name} (round ${round + 1}/${opts.rounds}), ${opts.connections} connections`);
          const m = await measureGrant({ server: s, scenario, opts, ccRate: clientCredentialsRate(results, s.name), log });
          ((results[scenario] ??= {})[s.name] ??= []).push(m);
          log(`  ${summaryLine(m)}`);
        }
      }
    }

    const rows = Object.entries(results).map(([scenario, r]) => toRow(scenario, r));
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
      // `cat /proc/loadavg` before and after: how busy the shared machine was.
      loadavg: { before: loadBefore, after: readFileSync('/proc/loadavg', 'utf8').trim() },
    };
    return { rows, meta };
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

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
      'perf-map': { type: 'boolean' },
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
    perfMap: values['perf-map'] ?? false,
    oursMain: values['ours-main'],
    log: values.json ? () => undefined : DEFAULTS.log,
  });
  if (!values.json) {
    process.stdout.write(
      `\nauth-server token endpoint vs oidc-provider — node ${meta.node}, ${meta.connections} connections, median of ${meta.rounds} round(s)\n`,
    );
    process.stdout.write(`ours: ${meta.oursStorage}, logging ${meta.oursLogging}; client via ${meta.oursRegistration}\n`);
    process.stdout.write(`oidc-provider: ${meta.theirsStorage}\n`);
    process.stdout.write(`load average (/proc/loadavg) before: ${meta.loadavg.before}; after: ${meta.loadavg.after}\n\n`);
    printTable(COLUMNS, rows.map((r) => ({ ...r, goalText: `≥ ${GOAL.toFixed(1)}×` })));
    if (rows.some((r) => !r.valid)) process.stdout.write('\nINVALID rows had failed requests: their figures are not results.\n');
    process.stdout.write('\n');
  }
  const summary = summaryRows(rows);
  emitBenchJson({ ...meta, rows, summary });
}

function readHeader() {
  return 'usage: node bench/auth/token-bench.mjs [--duration s] [--warmup s] [--connections n] [--scenario client_credentials|authorization_code|refresh_token]... [--max-codes n] [--rounds n] [--only ours] [--logs] [--cpu-prof-dir dir] [--perf-map] [--db-stats] [--ours-main path/to/main.js] [--json]';
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli().catch((err) => {
    process.stderr.write(`token-bench: ${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}\n`);
    process.exitCode = 1;
  });
}
