// What the MCP gateway costs: the same tools/call to the same upstream (an MCP SDK stateless
// server with one trivial tool, bench/gateway/upstream.mjs), directly (no auth) and through
// the built gateway (dist/apps/mcp-gateway/main.js: bearer token verified, policy, identity
// JWT, answer tapped, audit event committed to its SQLite outbox and relayed to a sink).
//   1. throughput: autocannon, interleaved rounds (order flips each round), median of the
//      per-round ratios and the spread                               goal: gateway ≥ 0.85× direct
//   2. latency added: one request at a time, direct and gateway alternating, p50 / p99 of each
//   3. streaming: time to the first SSE event of an SSE answer, alternating    goal: within 2 ms
//   node bench/gateway/gateway.bench.mjs   (BENCH_ROUNDS=3 BENCH_DURATION=5 BENCH_CONNECTIONS=16
//   BENCH_SEQUENTIAL=1000 BENCH_STREAMS=300; BENCH_CPU_PROF=<dir> writes the gateway's
//   `node --cpu-prof` profile there, for `node bench/lib/cpu-profile.mjs <file>`;
//   BENCH_GATEWAY_MAIN=<main.js> benches another build of the gateway)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalIssuer } from '../mcp/local-issuer.mjs';
import { emitBenchJson, isClean, measure, median, percentile, requireFile, round, startCpuMeter, startIngestSink } from '../lib/index.mjs';
import { GATEWAY_MAIN as BUILT_GATEWAY, startGateway, startUpstream } from './setup.mjs';
import { callBody, firstEventMs, MCP_HEADERS, responseMs } from './timing.mjs';

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 300);
// BENCH_GATEWAY_MAIN: another build (e.g. a copy of the one before a change, kept inside the
// workspace so its packages resolve); bench/gateway/cpu-ab.mjs compares two builds side by side.
const GATEWAY_MAIN = process.env.BENCH_GATEWAY_MAIN ?? BUILT_GATEWAY;

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
requireFile(GATEWAY_MAIN, 'run `npx nx run mcp-gateway:build` first');

const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
const issuer = await startLocalIssuer();
const sink = await startIngestSink();
const upstream = await startUpstream();
const upstreamUrl = upstream.url;
const gateway = await startGateway({ main: GATEWAY_MAIN, dir, upstreamUrl, issuer, sink, cpuProfileDir: process.env.BENCH_CPU_PROF });
const publicUrl = gateway.publicUrl;

const token = gateway.token;
const routes = {
  direct: { url: `${upstreamUrl}/mcp`, headers: MCP_HEADERS },
  gateway: { url: `${publicUrl}/fast/mcp`, headers: { ...MCP_HEADERS, authorization: `Bearer ${await token('fast')}` } },
};
const streams = {
  direct: { url: `${upstreamUrl}/sse/mcp`, headers: MCP_HEADERS },
  gateway: { url: `${publicUrl}/stream/mcp`, headers: { ...MCP_HEADERS, authorization: `Bearer ${await token('stream')}` } },
};

try {
  // Both routes must answer the call before anything is timed.
  for (const [name, r] of Object.entries(routes)) {
    const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: callBody('add') });
    const text = await res.text();
    if (res.status !== 200 || !text.includes('"text":"5"')) throw new Error(`${name}: probe answered ${res.status} ${text}`);
  }

  // 1. Throughput, interleaved.
  const upstreamStats = async () => (await fetch(`${upstreamUrl}/stats`)).json();
  const opened = { direct: 0, gateway: 0 };
  const runs = { direct: [], gateway: [] };
  const cpu = { direct: [], gateway: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const name of i % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct']) {
      const r = routes[name];
      const before = await upstreamStats();
      const summary = await measure({
        url: r.url,
        method: 'POST',
        headers: r.headers,
        body: callBody('add'),
        connections: CONNECTIONS,
        duration: DURATION,
        warmupSeconds: 1,
        // CPU of each process on its own: the upstream's work is the same on both routes.
        beforeMeasured: async () => ({ gateway: await startCpuMeter(() => [gateway.pid]), upstream: await startCpuMeter(() => [upstream.pid]) }),
        afterMeasured: async (meters) => ({ gateway: await meters.gateway.stop(), upstream: await meters.upstream.stop() }),
      });
      if (!isClean(summary)) throw new Error(`${name}: not every request succeeded: ${JSON.stringify(summary.statusCodes)} errors ${summary.errors}`);
      runs[name].push(summary);
      opened[name] += (await upstreamStats()).connections - before.connections - 1;
      cpu[name].push({ gateway: summary.measuredHook.gateway / summary.total, upstream: summary.measuredHook.upstream / summary.total });
    }
  }
  const rps = (name) => runs[name].map((s) => s.requestsPerSec);
  const ratios = runs.gateway.map((g, i) => g.requestsPerSec / runs.direct[i].requestsPerSec);
  const spread = (xs) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

  // 2. and 3. One request at a time, the two routes alternating request by request.
  const latency = await alternate(SEQUENTIAL, routes, (r) => responseMs(r.url, r.headers, callBody('add')));
  const firstEvent = await alternate(STREAMS, streams, (r) => firstEventMs(r.url, r.headers, callBody('add-slowly')));
  const stats = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
  const lat = { direct: stats(latency.direct), gateway: stats(latency.gateway) };
  const sse = { direct: stats(firstEvent.direct), gateway: stats(firstEvent.gateway) };
  const added = { p50: lat.gateway.p50 - lat.direct.p50, p99: lat.gateway.p99 - lat.direct.p99 };
  const sseAdded = sse.gateway.p50 - sse.direct.p50;
  const ratio = median(ratios);

  console.log(`\nMCP gateway vs direct — tools/call "add" to an MCP SDK stateless upstream; node ${process.version}\n`);
  console.log(`1. throughput: ${ROUNDS} interleaved rounds of ${DURATION} s, ${CONNECTIONS} connections`);
  console.log('| route | req/s median | spread | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const name of ['direct', 'gateway']) {
    console.log(`| ${name} | ${Math.round(median(rps(name)))} | ${spread(rps(name))} | ${median(runs[name].map((s) => s.p50Ms))} | ${median(runs[name].map((s) => s.p99Ms))} |`);
  }
  console.log(`gateway / direct per round: ${ratios.map((r) => r.toFixed(2)).join(' ')} → median ${ratio.toFixed(2)}× (goal ≥ 0.85×)`);
  const cpuUs = (name, process) => round(median(cpu[name].map((c) => c[process])) * 1000);
  console.log(`CPU per call (medians): upstream ${cpuUs('direct', 'upstream')} µs directly, ${cpuUs('gateway', 'upstream')} µs behind the gateway; gateway ${cpuUs('gateway', 'gateway')} µs`);
  console.log(`connections the upstream accepted during the rounds: ${opened.direct} directly, ${opened.gateway} from the gateway (autocannon keeps ${CONNECTIONS} per run)`);
  const sinkStats = await sink.stats();
  console.log(`audit events relayed to the sink: ${sinkStats.items} in ${sinkStats.requests} deliveries\n`);
  console.log(`2. latency, one call at a time (${SEQUENTIAL} calls, alternating), ms`);
  console.log('| route | p50 | p99 |');
  console.log('| --- | ---: | ---: |');
  for (const name of ['direct', 'gateway']) console.log(`| ${name} | ${lat[name].p50.toFixed(3)} | ${lat[name].p99.toFixed(3)} |`);
  console.log(`added by the gateway: p50 ${added.p50.toFixed(3)} ms, p99 ${added.p99.toFixed(3)} ms\n`);
  console.log(`3. streaming: time to the first SSE event (${STREAMS} SSE answers, alternating), ms`);
  console.log('| route | p50 | p99 |');
  console.log('| --- | ---: | ---: |');
  for (const name of ['direct', 'gateway']) console.log(`| ${name} | ${sse[name].p50.toFixed(3)} | ${sse[name].p99.toFixed(3)} |`);
  console.log(`added by the gateway: p50 ${sseAdded.toFixed(3)} ms (goal within 2 ms)\n`);
  console.log(`load average before ${loadBefore}, after ${load()} (2 cores; other work on the machine shows here)`);

  emitBenchJson({
    benchmark: 'mcp-gateway',
    throughput: { direct: rps('direct'), gateway: rps('gateway'), ratios, cpuMsPerCall: cpu },
    latency: { ...lat, added },
    firstSseEvent: { ...sse, added: sseAdded },
    loadBefore,
    loadAfter: load(),
    summary: [
      { scenario: 'mcp-gateway tools/call/s vs the upstream directly (median of per-round ratios)', ours: median(rps('gateway')), peer: median(rps('direct')), peerName: 'direct', ratio, unit: 'req/s', goal: '≥ 0.85×', met: ratio >= 0.85 },
      { scenario: 'mcp-gateway latency added, one call at a time (p50 / p99 in the log)', ours: round(added.p50, 3), unit: 'ms p50' },
      { scenario: 'mcp-gateway time to first SSE event added (p50)', ours: round(sseAdded, 3), peer: round(sse.direct.p50, 3), peerName: 'direct ms', unit: 'ms', goal: '≤ 2 ms', met: sseAdded <= 2 },
    ],
  });
} finally {
  await Promise.all([gateway.stop(), upstream.stop(), sink.stop(), issuer.close()]);
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `count` timings per route, the routes alternating (order flipping) so load falls on both alike. */
async function alternate(count, targets, time) {
  const out = { direct: [], gateway: [] };
  for (let i = 0; i < 50; i++) for (const name of ['direct', 'gateway']) await time(targets[name]); // warm-up
  for (let i = 0; i < count; i++) {
    for (const name of i % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct']) out[name].push(await time(targets[name]));
  }
  return out;
}
