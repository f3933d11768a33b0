// The tools-call bench's distinct-tokens mode (issue 10, "a popular server: many agents at once"):
// the guarded mcp-server serving one token reused by every request, against the same server
// serving N distinct live tokens in round robin (goal: ≥ 0.8× the one-token rate, RSS within
// 100 MB of the one-token server's). Both run side by side on PostgreSQL + RabbitMQ, as in
// production, measured in interleaved rounds; the ratio is printed per round and as a median.
//   BENCH_DISTINCT_TOKENS=20000 node bench/mcp/tools-call.bench.mjs
// Also measured: a first pass (every one of the N tokens once: each request a cache miss, so a
// signature check; the one-token server gets the same N requests, all hits), and the heap one
// cached token costs: the servers' heap after a full collection, (N-token − one-token) / N.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, emitBenchJson, freePort, measure, median, startCpuMeter, startNode } from '../lib/index.mjs';
import { ensureBenchApp } from './app/bench-app.mjs';
import { startLocalIssuer } from './local-issuer.mjs';
import { toolsCallRequest } from './tools-call.request.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BROKER_URL = process.env.BENCH_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SCOPE = 'sentiment:analyze sentiment:read watchlist:read';

/** Resident set size of a process in MB (Linux /proc). */
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** The server's process.memoryUsage() after a full collection: its bench entry prints it on SIGUSR2. */
async function memoryUsage(server) {
  const seen = server.output().split('MEMORY_USAGE').length;
  process.kill(server.pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const reports = server.output().split('MEMORY_USAGE');
    if (reports.length > seen) return JSON.parse(reports.at(-1).split('\n')[0]);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the server did not report its memory');
}

async function startGuarded(label, issuer, count) {
  const port = await freePort();
  const resource = `http://127.0.0.1:${port}/mcp`;
  const database = await createDatabase('mcp_bench_tokens');
  const server = await startNode({
    script: ensureBenchApp(),
    nodeArgs: ['--expose-gc'],
    cwd: ROOT,
    readyUrl: `http://127.0.0.1:${port}/health/live`,
    env: {
      NODE_ENV: 'test',
      PORT: String(port),
      RESOURCE_URL: resource,
      ISSUER_URL: issuer.issuer,
      DATABASE_URL: database.url,
      BROKER_URL,
      BENCH_VARIANT: 'guarded',
    },
  });
  const tokens = [];
  for (let i = 0; i < count; i++) tokens.push(await issuer.mint({ audience: resource, scope: SCOPE, subject: `agent-${i}` }));
  // Round robin across every run against this server (autocannon calls setupRequest per request).
  let next = 0;
  const requests = [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) }];
  return { label, port, server, database, requests, count, runs: [], rss: [] };
}

async function run(s, options) {
  const r = await measure({
    ...toolsCallRequest(s.port),
    requests: s.requests,
    beforeMeasured: () => startCpuMeter(() => [s.server.pid]),
    afterMeasured: (meter) => meter.stop(),
    ...options,
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${s.label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requestsPerSec, p99: r.p99Ms, cpuUs: (r.measuredHook * 1000) / r.total };
}

export async function runDistinctTokens({ count, rounds, duration, connections }) {
  const issuer = await startLocalIssuer();
  const servers = [];
  try {
    servers.push(await startGuarded('one token', issuer, 1));
    servers.push(await startGuarded(`${count} tokens`, issuer, count));
    const [one, many] = servers;
    // First pass: N requests each; for the N-token server every one is a token seen the first time.
    const first = [];
    for (const s of servers) first.push(await run(s, { amount: count, connections, warmupSeconds: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
        s.runs.push(await run(s, { duration, connections }));
        s.rss.push(rssMb(s.server.pid));
      }
    }
    const memory = [];
    for (const s of servers) memory.push(await memoryUsage(s.server));
    report({ one, many, first, memory, count, rounds, duration, connections });
  } finally {
    for (const s of servers) {
      await s.server.stop();
      await s.database.drop();
    }
    await issuer.close();
  }
}

function report({ one, many, first, memory, count, rounds, duration, connections }) {
  const perRound = many.runs.map((r, i) => r.rps / one.runs[i].rps);
  const ratio = median(perRound);
  const rssDelta = median(many.rss) - median(one.rss);
  const bytesPerToken = (memory[1].heapUsed - memory[0].heapUsed) / count;
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  console.log(`\nguarded tools/call, one token vs ${count} distinct tokens in round robin — PostgreSQL + RabbitMQ, ${connections} connections, ${rounds} interleaved rounds of ${duration} s, medians (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})\n`);
  console.log('| server | req/s (spread) | p99 ms | CPU µs/request | RSS MB (spread) | first pass req/s | first pass CPU µs/request |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  [one, many].forEach((s, i) => {
    const rps = s.runs.map((r) => r.rps);
    console.log(
      `| ${s.label} | ${median(rps).toFixed(0)} (${spread(rps)}) | ${median(s.runs.map((r) => r.p99))} | ${median(s.runs.map((r) => r.cpuUs)).toFixed(0)} | ${median(s.rss).toFixed(0)} (${spread(s.rss)}) | ${first[i].rps.toFixed(0)} | ${first[i].cpuUs.toFixed(0)} |`,
    );
  });
  console.log(`\n${count} tokens / one token: per round ${perRound.map((x) => x.toFixed(2)).join(' ')} (median ${ratio.toFixed(2)}, goal ≥ 0.8)`);
  console.log(`RSS: ${count} tokens − one token = ${rssDelta.toFixed(0)} MB (goal ≤ 100 MB)`);
  console.log(`heap used after a full collection: ${mb(memory[0].heapUsed)} vs ${mb(memory[1].heapUsed)} MB → ${bytesPerToken.toFixed(0)} bytes per cached token`);
  for (const [i, s] of [one, many].entries()) {
    const m = memory[i];
    console.log(`  ${s.label}: RSS ${mb(m.rss)} MB = V8 heap reserved ${mb(m.heapTotal)} MB (used ${mb(m.heapUsed)}) + off-heap ${mb(m.external)} MB (buffers ${mb(m.arrayBuffers)}) + code, stacks, malloc`);
  }
  console.log(`first pass (every token new, a signature check each): ${(first[1].rps / first[0].rps).toFixed(2)}× the one-token rate`);
  emitBenchJson({
    benchmark: 'mcp-tools-call-distinct-tokens',
    rows: [one, many].map((s) => ({ label: s.label, rps: median(s.runs.map((r) => r.rps)), rssMb: median(s.rss) })),
    summary: [
      { scenario: `mcp-server tools/call/s: ${count} distinct tokens vs one (median of per-round ratios)`, ours: median(many.runs.map((r) => r.rps)), peer: median(one.runs.map((r) => r.rps)), peerName: 'one token', ratio, unit: 'req/s', goal: '≥ 0.8×', met: ratio >= 0.8 },
      { scenario: `mcp-server RSS with ${count} distinct tokens vs one (MB more)`, ours: median(many.rss), peer: median(one.rss), peerName: 'one token', ratio: median(many.rss) / median(one.rss), unit: 'MB', goal: '≤ +100 MB', met: rssDelta <= 100 },
    ],
  });
}
