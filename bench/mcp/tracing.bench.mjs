// What tracing costs the tools/call hot path of the built mcp-server (dist/apps/mcp-server/main.js):
//   off: no OTEL_* variable (the default): no SDK is started, only the API's no-op
//   on:  OTEL_EXPORTER_OTLP_ENDPOINT set: a server span per request, the event's traceparent,
//        batched OTLP/HTTP export (to a local sink that accepts every POST)
// Both servers run side by side and are measured in interleaved rounds (medians reported), with
// the same request as bench/mcp/tools-call.bench.mjs. "off" against the build before tracing was
// added is what the `bench` of that commit reports; here "off" vs "on" bounds what tracing can cost.
//   node bench/mcp/tracing.bench.mjs   (BENCH_DURATION=5 BENCH_ROUNDS=4 BENCH_CONNECTIONS=32)
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitBenchJson, freePort, median, requireFile, startIngestSink, startNode } from '../lib/index.mjs';
import { startLocalIssuer } from './local-issuer.mjs';
import { toolsCallRequest } from './tools-call.request.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'dist/apps/mcp-server/main.js');
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

requireFile(MAIN, 'run `npm run build` first');
const issuer = await startLocalIssuer();
const sink = await startIngestSink();
const servers = [];
try {
  for (const [label, otel] of [
    ['tracing off (no OTEL_* set)', {}],
    ['tracing on (OTLP export)', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }],
  ]) {
    const port = await freePort();
    const resource = `http://127.0.0.1:${port}/mcp`;
    const server = await startNode({
      script: MAIN,
      inheritEnv: false,
      cwd: ROOT,
      readyUrl: `http://127.0.0.1:${port}/health/live`,
      timeoutMs: 120_000,
      // NODE_ENV=test: no per-request log lines, as in tools-call.bench.mjs.
      env: { NODE_ENV: 'test', PORT: String(port), RESOURCE_URL: resource, ISSUER_URL: issuer.issuer, SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'bench-trace-')), 'mcp.sqlite'), AUDIT_INGEST_URL: `${sink.url}/internal/events`, ...otel },
    });
    const token = await issuer.mint({ audience: resource, scope: 'sentiment:analyze' });
    servers.push({ label, server, request: toolsCallRequest(port, token), runs: [] });
  }
  for (const s of servers) {
    const probe = await fetch(s.request.url, s.request);
    if (probe.status !== 200 || !(await probe.text()).includes('"label"')) throw new Error(`${s.label}: probe failed (${probe.status})`);
    await autocannon({ ...s.request, connections: CONNECTIONS, duration: 2 }); // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
      const r = await autocannon({ ...s.request, connections: CONNECTIONS, duration: DURATION });
      s.runs.push({ rps: r.requests.average, p99: r.latency.p99, failed: r.non2xx + r.errors });
    }
  }
} finally {
  await Promise.all(servers.map((s) => s.server.stop()));
  await issuer.close();
}
const spans = await sink.stats();
await sink.stop();

const [off, on] = servers;
const ratios = on.runs.map((r, i) => r.rps / off.runs[i].rps);
console.log(`\ntools/call analyze_sentiment — ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION} s, medians\n`);
console.log('| mcp-server | req/s | p99 ms | failed |');
console.log('| --- | ---: | ---: | ---: |');
for (const s of servers) console.log(`| ${s.label} | ${median(s.runs.map((r) => r.rps)).toFixed(0)} | ${median(s.runs.map((r) => r.p99))} | ${s.runs.reduce((n, r) => n + r.failed, 0)} |`);
console.log(`\non / off per round: ${ratios.map((r) => r.toFixed(2)).join(' ')} (median ${median(ratios).toFixed(2)}); the sink received ${JSON.stringify(spans)}`);
emitBenchJson({
  benchmark: 'mcp-tracing',
  summary: [
    { scenario: 'mcp-server tools/call/s: tracing on (OTLP) vs off', ours: median(on.runs.map((r) => r.rps)), peer: median(off.runs.map((r) => r.rps)), peerName: 'tracing off', ratio: median(ratios), unit: 'req/s' },
  ],
});
