// Authenticated tools/call throughput of the built mcp-server (dist/apps/mcp-server/main.js):
//   A. guarded (bearer guard through passport, verified-token cache, scope check)
//   B. the same app with a pass-through guard                      goal: A/B ≥ 0.95
//   C. a minimal server from the MCP SDK's requireBearerAuth + per-request stateless transport
//                                                                    goal: A/C ≥ 4.0
// A and B (and "guarded without audit events") are the bench's own entry, bench/mcp/app
// (the production modules with providers overridden there; built here if missing).
// All three in this one run, measured in interleaved rounds (medians reported), same request:
// tools/call analyze_sentiment, one bearer token reused by every connection (as an MCP client
// does). Tokens are minted by the bench with its own Ed25519 key and a JWKS it serves.
//   node bench/mcp/tools-call.bench.mjs   (BENCH_DURATION=5 BENCH_ROUNDS=5 BENCH_CONNECTIONS=32)
// BENCH_DISTINCT_TOKENS=20000 runs the distinct-tokens mode instead (distinct-tokens.mjs): the
// guarded server with one token vs that many tokens in round robin.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalIssuer } from './local-issuer.mjs';
import { emitBenchJson } from '../lib/report.mjs';
import { BENCH_VARIANTS, ensureBenchApp } from './app/bench-app.mjs';
import { runDistinctTokens } from './distinct-tokens.mjs';
import { toolsCallRequest } from './tools-call.request.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function start(args, env, port) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) return { child, output: () => out };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`server did not start:\n${out}`);
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function measure(label, port, token) {
  const request = toolsCallRequest(port, token);
  // Sanity check: the call must succeed before it is timed.
  const probe = await fetch(request.url, request);
  const text = await probe.text();
  if (probe.status !== 200 || !text.includes('"label"')) throw new Error(`${label}: probe failed ${probe.status} ${text}`);
  await autocannon({ ...request, connections: CONNECTIONS, duration: 2 }); // warm-up
  const r = await autocannon({ ...request, connections: CONNECTIONS, duration: DURATION });
  return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

// The audit events the mcp-server records (one outbox row per tools/call) are delivered by its
// relay to this stand-in for the audit service's embedded ingest, so the relay's work is part
// of what is measured, and nothing is posted to a real :3100.
async function startIngestSink() {
  let received = 0;
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received += JSON.parse(body).length;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/internal/events`, received: () => received, close: () => new Promise((r) => server.close(r)) };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DISTINCT_TOKENS = Number(process.env.BENCH_DISTINCT_TOKENS ?? 0);
if (DISTINCT_TOKENS > 0) await runDistinctTokens({ count: DISTINCT_TOKENS, rounds: ROUNDS, duration: DURATION, connections: CONNECTIONS });
else await compareServers();

/** Guarded vs guard disabled vs without audit events vs the SDK baseline, one token each. */
async function compareServers() {
  const VARIANTS = (process.env.BENCH_ORDER ?? 'guarded,guard disabled,guarded without audit events,SDK requireBearerAuth baseline').split(',');
  const benchApp = ensureBenchApp();
  const issuer = await startLocalIssuer();
  const sink = await startIngestSink();
  const servers = [];
  const rows = [];
  try {
    // All three run side by side (idle ones cost nothing) and are measured in interleaved rounds,
    // so load from anything else on the machine falls on each of them alike.
    for (const variant of VARIANTS) {
      const port = await freePort();
      const resource = `http://127.0.0.1:${port}/mcp`;
      const token = await issuer.mint({ audience: resource, scope: 'sentiment:analyze sentiment:read watchlist:read' });
      const server =
        variant === 'SDK requireBearerAuth baseline'
          ? await start(['bench/mcp/sdk-baseline-server.mjs', String(port), issuer.issuer, resource], {}, port)
          : await start(
              [benchApp],
              {
                // NODE_ENV=test turns off per-request log lines, which the baseline does not write either.
                NODE_ENV: 'test',
                PORT: String(port),
                RESOURCE_URL: resource,
                ISSUER_URL: issuer.issuer,
                SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'bench-mcp-')), 'mcp.sqlite'),
                BENCH_VARIANT: BENCH_VARIANTS[variant],
                AUDIT_INGEST_URL: sink.url,
                BROKER_URL: undefined,
              },
              port,
            );
      servers.push({ variant, port, token, child: server.child, runs: [] });
    }
    // The order flips every round (A B C, C B A, …) so a variant is not always measured right
    // after the same neighbour; ratios are also taken per round, between runs seconds apart.
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) s.runs.push(await measure(s.variant, s.port, s.token));
    }
    for (const s of servers) {
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      rows.push({
        label: s.variant,
        rps: median(s.runs.map((r) => r.rps)),
        p50: median(s.runs.map((r) => r.p50)),
        p99: median(s.runs.map((r) => r.p99)),
        non2xx: s.runs.reduce((n, r) => n + r.non2xx, 0),
        errors: s.runs.reduce((n, r) => n + r.errors, 0),
      });
    }
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)));
    await issuer.close();
    await sink.close();
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runsOf = (label) => servers.find((s) => s.variant === label)?.runs ?? [];
  const roundRatio = (a, b) => median(runsOf(a).map((r, i) => r.rps / runsOf(b)[i].rps));
  const pick = (label) => rows.find((r) => r.label === label);
  const [guarded, open, silent, baseline] = ['guarded', 'guard disabled', 'guarded without audit events', 'SDK requireBearerAuth baseline'].map(pick);
  console.log(`\ntools/call analyze_sentiment — ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION} s per server, medians\n`);
  console.log('| server | req/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
  console.log('');
  if (open) console.log(`guarded / guard disabled: ${(guarded.rps / open.rps).toFixed(2)}× throughput (goal ≥ 0.95), p99 ${guarded.p99} vs ${open.p99} ms`);
  if (open) console.log(`per-round ratios guarded / guard disabled: ${runsOf('guarded').map((r, i) => (r.rps / runsOf('guard disabled')[i].rps).toFixed(2)).join(' ')} (median ${roundRatio('guarded', 'guard disabled').toFixed(2)})`);
  if (silent) console.log(`guarded / guarded without audit events: ${(guarded.rps / silent.rps).toFixed(2)}× (what recording mcp.tool.called costs), per round ${runsOf('guarded').map((r, i) => (r.rps / runsOf('guarded without audit events')[i].rps).toFixed(2)).join(' ')} (median ${roundRatio('guarded', 'guarded without audit events').toFixed(2)})`);
  console.log(`audit events delivered to the ingest sink: ${sink.received()}`);
  if (baseline) console.log(`guarded / SDK baseline:   ${(guarded.rps / baseline.rps).toFixed(2)}× throughput (goal ≥ 4.0), p99 ${guarded.p99} vs ${baseline.p99} ms`);
  emitBenchJson({
    benchmark: 'mcp-tools-call',
    rows,
    summary: [
      ...(open
        ? [{ scenario: 'mcp-server tools/call/s: guarded vs guard disabled (median of per-round ratios)', ours: guarded.rps, peer: open.rps, peerName: 'guard disabled', ratio: roundRatio('guarded', 'guard disabled'), unit: 'req/s', goal: '≥ 0.95×', met: roundRatio('guarded', 'guard disabled') >= 0.95 }]
        : []),
      ...(baseline
        ? [{ scenario: 'mcp-server tools/call/s: guarded vs MCP SDK requireBearerAuth server', ours: guarded.rps, peer: baseline.rps, peerName: 'SDK baseline', ratio: guarded.rps / baseline.rps, unit: 'req/s', goal: '≥ 4.0×', met: guarded.rps / baseline.rps >= 4 }]
        : []),
      ...(silent
        ? [{ scenario: 'mcp-server tools/call/s with audit events vs without (cost of recording)', ours: guarded.rps, peer: silent.rps, peerName: 'events off', ratio: roundRatio('guarded', 'guarded without audit events'), unit: 'req/s' }]
        : []),
    ],
  });
}
