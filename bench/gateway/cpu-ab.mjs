// The gateway's CPU per tool call, two builds side by side: A (BENCH_GATEWAY_A, e.g. a copy of
// the build before a change, kept inside the workspace so its packages resolve) and B
// (BENCH_GATEWAY_B, default dist/apps/mcp-gateway/main.js), both running at once in front of
// one upstream. Each round sends the same fixed number of tools/call to A and to B, one after
// the other (the order flips each round), and reads each process's CPU time (/proc) over its
// burst. On a shared machine the load drifts between rounds; the paired per-round ratio B / A
// cancels most of that drift, so the median ratio is the figure, the per-call times only a
// direction.
//   BENCH_GATEWAY_A=dist/bench-base/mcp-gateway/main.js node bench/gateway/cpu-ab.mjs
//   (BENCH_AB_ROUNDS=8 BENCH_AB_CALLS=3000 BENCH_CONNECTIONS=8)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalIssuer } from '../mcp/local-issuer.mjs';
import { isClean, measure, median, requireFile, round, startCpuMeter, startIngestSink } from '../lib/index.mjs';
import { GATEWAY_MAIN, startGateway, startUpstream } from './setup.mjs';
import { callBody, MCP_HEADERS } from './timing.mjs';

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 8);
const CALLS = Number(process.env.BENCH_AB_CALLS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
if (!process.env.BENCH_GATEWAY_A) throw new Error('BENCH_GATEWAY_A: the main.js of the build to compare against');
const builds = { A: resolve(process.env.BENCH_GATEWAY_A), B: resolve(process.env.BENCH_GATEWAY_B ?? GATEWAY_MAIN) };
for (const main of Object.values(builds)) requireFile(main, 'build it first');

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-ab-'));
const issuer = await startLocalIssuer();
const sink = await startIngestSink();
const upstream = await startUpstream();
const gateways = {};
try {
  for (const [name, main] of Object.entries(builds)) gateways[name] = await startGateway({ main, dir, name, upstreamUrl: upstream.url, issuer, sink });
  const targets = {};
  for (const [name, gateway] of Object.entries(gateways)) {
    targets[name] = { url: `${gateway.publicUrl}/fast/mcp`, headers: { ...MCP_HEADERS, authorization: `Bearer ${await gateway.token('fast')}` } };
  }
  const burst = async (name, amount, metered) => {
    const summary = await measure({
      ...targets[name],
      method: 'POST',
      body: callBody('add'),
      connections: CONNECTIONS,
      amount,
      warmupSeconds: 0,
      ...(metered ? { beforeMeasured: () => startCpuMeter(() => [gateways[name].pid]), afterMeasured: (meter) => meter.stop() } : {}),
    });
    if (!isClean(summary)) throw new Error(`${name}: not every request succeeded: ${JSON.stringify(summary.statusCodes)} errors ${summary.errors}`);
    return summary;
  };
  // Warm-up: both builds JIT-compiled and their caches (verified token, identity JWT) filled.
  for (const name of ['A', 'B']) await burst(name, CALLS, false);
  const perCall = { A: [], B: [] };
  const ratios = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const name of i % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
      const summary = await burst(name, CALLS, true);
      perCall[name].push((summary.measuredHook / summary.total) * 1000);
    }
    ratios.push(perCall.B[i] / perCall.A[i]);
    console.log(`round ${i + 1}: A ${round(perCall.A[i])} µs, B ${round(perCall.B[i])} µs per call → B / A ${ratios[i].toFixed(2)}`);
  }
  console.log(`\ngateway CPU per tools/call, ${ROUNDS} rounds of ${CALLS} calls at ${CONNECTIONS} connections; node ${process.version}`);
  console.log(`A ${builds.A}: median ${round(median(perCall.A))} µs`);
  console.log(`B ${builds.B}: median ${round(median(perCall.B))} µs`);
  console.log(`B / A per round: ${ratios.map((r) => r.toFixed(2)).join(' ')} → median ${median(ratios).toFixed(2)}`);
  console.log(`load average before ${loadBefore}, after ${load()} (2 cores; other work on the machine shows here)`);
} finally {
  await Promise.all([...Object.values(gateways).map((g) => g.stop()), upstream.stop(), sink.stop(), issuer.close()]);
  rmSync(dir, { recursive: true, force: true });
}
