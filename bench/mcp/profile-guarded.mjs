// CPU profile of the built mcp-server under the tools-call bench load: where the time of an
// authenticated tools/call goes (guard, passport, verifier, MCP SDK, Fastify, Nest).
//   node bench/mcp/profile-guarded.mjs   (PROFILE_DURATION=10 BENCH_CONNECTIONS=32 BENCH_VARIANT=guarded|unguarded|without-audit)
// It runs the bench's own entry (bench/mcp/app, built if missing) in the variant asked for.
// Writes the .cpuprofile to a temp dir (path printed; open it in Chrome DevTools) and prints a summary.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseProfile } from '../lib/cpu-profile.mjs';
import { startLocalIssuer } from './local-issuer.mjs';
import { ensureBenchApp } from './app/bench-app.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.PROFILE_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const port = 20000 + Math.floor(Math.random() * 20000);
const dir = mkdtempSync(join(tmpdir(), 'mcp-profile-'));
const resource = `http://127.0.0.1:${port}/mcp`;
const issuer = await startLocalIssuer();
// A stand-in for the audit service's ingest, so the relay delivers somewhere local (never :3100).
const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ensureBenchApp()], {
  cwd: ROOT,
  env: {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    RESOURCE_URL: resource,
    ISSUER_URL: issuer.issuer,
    SQLITE_PATH: join(dir, 'mcp.sqlite'),
    BENCH_VARIANT: process.env.BENCH_VARIANT ?? 'guarded',
    AUDIT_INGEST_URL: process.env.PROFILE_INGEST_URL ?? `http://127.0.0.1:${sink.address().port}/internal/events`,
    BROKER_URL: undefined,
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) break;
  } catch {
    if (i > 300) throw new Error('mcp-server did not start');
  }
  await new Promise((r) => setTimeout(r, 100));
}
/** CPU seconds [user, system] the server process has used so far, from /proc (Linux). */
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(fields[11]) / 100, Number(fields[12]) / 100];
};
const cpuBefore = cpuSeconds();
const token = await issuer.mint({ audience: resource, scope: 'sentiment:analyze sentiment:read watchlist:read' });
const r = await autocannon({
  url: `http://127.0.0.1:${port}/mcp`,
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates and raises guidance' } } }),
  connections: CONNECTIONS,
  duration: DURATION,
});
const [userUsed, systemUsed] = cpuSeconds().map((v, i) => v - cpuBefore[i]);
const cpuUsed = userUsed + systemUsed;
await new Promise((resolve) => {
  child.once('exit', resolve);
  child.kill('SIGTERM');
});
await issuer.close();
sink.close();
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const a = analyseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')));
const fmt = (x) => `${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`;
console.log(`\n${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}; server CPU ${((cpuUsed * 1e6) / r.requests.total).toFixed(0)} µs per request (user ${userUsed.toFixed(1)} s + system ${systemUsed.toFixed(1)} s over ${DURATION} s); profile ${join(dir, file)}\n`);
console.log('self time by package / file:');
console.log(a.selfByOwner.slice(0, 15).map(fmt).join('\n'));
console.log('\nself time by function:');
console.log(a.selfByFunction.slice(0, 25).map(fmt).join('\n'));
console.log('\ninclusive time:');
for (const m of ['canActivate', 'authenticate', 'BearerStrategy|validate', 'verify ', 'dispatch', 'scoreSentiment', 'handleRequest']) {
  console.log(fmt({ ...a.inclusive(new RegExp(m)), name: `/${m}/` }));
}
