// A profile of one gateway build under a steady tools/call load, for finding what to cut:
// `BENCH_PROFILE_CALLS` (15000) calls at `BENCH_CONNECTIONS` (8) after a warm-up of 3000.
//   BENCH_PROFILE=perf (default): Linux `perf record -g` of the gateway (started with
//     --perf-basic-prof) over the measured calls only, written to BENCH_PROFILE_OUT
//     (default /tmp/gateway-perf.data); then
//       perf script -i /tmp/gateway-perf.data -F comm,tid,ip,sym > perf.txt
//       node bench/lib/perf-summary.mjs perf.txt
//     perf samples CPU time only, every thread, so its shares hold on a busy machine. Node
//     leaves an isolate-*-v8.log in the working directory with --perf-basic-prof: delete it.
//   BENCH_PROFILE=cpu: V8 `--cpu-prof` (wall-clock samples) into BENCH_PROFILE_OUT (a directory);
//     node bench/lib/cpu-profile.mjs <file> --since forward
//   BENCH_GATEWAY_MAIN=<main.js> profiles another build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalIssuer } from '../mcp/local-issuer.mjs';
import { isClean, measure, startIngestSink } from '../lib/index.mjs';
import { GATEWAY_MAIN, startGateway, startUpstream } from './setup.mjs';
import { callBody, MCP_HEADERS } from './timing.mjs';

const CALLS = Number(process.env.BENCH_PROFILE_CALLS ?? 15000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const KIND = process.env.BENCH_PROFILE ?? 'perf';
if (KIND !== 'perf' && KIND !== 'cpu') throw new Error('BENCH_PROFILE: perf or cpu');
const out = resolve(process.env.BENCH_PROFILE_OUT ?? (KIND === 'perf' ? '/tmp/gateway-perf.data' : mkdtempSync(join(tmpdir(), 'gateway-prof-'))));
const main = resolve(process.env.BENCH_GATEWAY_MAIN ?? GATEWAY_MAIN);
const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-prof-'));
const issuer = await startLocalIssuer();
const sink = await startIngestSink();
const upstream = await startUpstream();
let gateway;
try {
  gateway = await startGateway({
    main,
    dir,
    upstreamUrl: upstream.url,
    issuer,
    sink,
    ...(KIND === 'perf' ? { nodeArgs: ['--perf-basic-prof'] } : { cpuProfileDir: out }),
  });
  const target = { url: `${gateway.publicUrl}/fast/mcp`, method: 'POST', body: callBody('add'), headers: { ...MCP_HEADERS, authorization: `Bearer ${await gateway.token('fast')}` }, connections: CONNECTIONS, warmupSeconds: 0 };
  const run = async (amount) => {
    const summary = await measure({ ...target, amount });
    if (!isClean(summary)) throw new Error(`not every request succeeded: ${JSON.stringify(summary.statusCodes)}`);
    return summary;
  };
  await run(3000);
  const recorder = KIND === 'perf' ? spawn('perf', ['record', '-F', '999', '-g', '-p', String(gateway.pid), '-o', out], { stdio: ['ignore', 'inherit', 'inherit'] }) : undefined;
  if (recorder) await new Promise((r) => setTimeout(r, 500));
  const summary = await run(CALLS);
  console.log(`${summary.total} calls, ${Math.round(summary.requestsPerSec)} per second`);
  if (recorder) {
    recorder.kill('SIGINT');
    await new Promise((r) => recorder.once('exit', r));
  }
} finally {
  await Promise.all([gateway?.stop(), upstream.stop(), sink.stop(), issuer.close()]);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`profile: ${out}`);
