// Paired A/B of two builds of the bench entry: both run side by side, measured in alternating
// rounds (A B, B A, ...); per round: req/s and server CPU µs per request (from /proc).
//   node bench/mcp/ab/cpu-per-request.mjs <A main.js> <B main.js> [rounds] [seconds] [variantA] [variantB]
// A build is a copy of dist/bench/mcp/app/main.js kept next to it (e.g. dist/bench/mcp/app-before/main.js,
// so its packages still resolve from the repository's node_modules). Variants as BENCH_VARIANT
// (guarded, unguarded, without-audit): the same build twice with `unguarded guarded` gives what
// the guard costs. AB_VERBOSE=1 prints every round. Prints the median of the per-round B/A ratios.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalIssuer } from '../local-issuer.mjs';
import { toolsCallRequest } from '../tools-call.request.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const [A, B, R = '6', D = '5', VA = 'guarded', VB = 'guarded'] = process.argv.slice(2);
const issuer = await startLocalIssuer();
const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
async function start(main, variant) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const resource = `http://127.0.0.1:${port}/mcp`;
  const child = spawn(process.execPath, [main], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'test', PORT: String(port), RESOURCE_URL: resource, ISSUER_URL: issuer.issuer, SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'bench-mcp-ab-')), 'mcp.sqlite'), BENCH_VARIANT: variant, AUDIT_INGEST_URL: `http://127.0.0.1:${sink.address().port}/internal/events`, BROKER_URL: undefined } });
  for (let i = 0; ; i++) { try { if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) break; } catch { if (i > 300) throw new Error('no start'); } await new Promise((r) => setTimeout(r, 100)); }
  const token = await issuer.mint({ audience: resource, scope: 'sentiment:analyze sentiment:read watchlist:read' });
  return { child, port, token, runs: [] };
}
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
async function round(s) {
  const req = toolsCallRequest(s.port, s.token);
  if (!s.warm) await autocannon({ ...req, connections: 32, duration: 6 }); s.warm = true;
  const c0 = cpu(s.child.pid);
  const r = await autocannon({ ...req, connections: 16, duration: Number(D) });
  const used = cpu(s.child.pid) - c0;
  if (r.non2xx || r.errors) console.log('non2xx', r.non2xx, 'errors', r.errors);
  return { rps: r.requests.average, us: (used * 1e6) / r.requests.total };
}
const a = await start(A, VA), b = await start(B, VB);
for (let i = 0; i < Number(R); i++) {
  for (const s of i % 2 ? [b, a] : [a, b]) s.runs.push(await round(s));
  const [ra, rb] = [a.runs[i], b.runs[i]];
  if (process.env.AB_VERBOSE) console.log(`round ${i + 1}: A ${ra.us.toFixed(0)} µs/req ${ra.rps.toFixed(0)} req/s | B ${rb.us.toFixed(0)} µs/req ${rb.rps.toFixed(0)} req/s | B/A cpu ${(rb.us / ra.us).toFixed(3)} rps ${(rb.rps / ra.rps).toFixed(3)}  load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
}
const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const cr = a.runs.map((r, i) => b.runs[i].us / r.us), rr = a.runs.map((r, i) => b.runs[i].rps / r.rps);
console.log(`B/A CPU per request: median ${med(cr).toFixed(3)} (${Math.min(...cr).toFixed(3)}–${Math.max(...cr).toFixed(3)}); req/s: median ${med(rr).toFixed(3)} (${Math.min(...rr).toFixed(3)}–${Math.max(...rr).toFixed(3)}); A ${med(a.runs.map((r) => r.us)).toFixed(0)} µs, B ${med(b.runs.map((r) => r.us)).toFixed(0)} µs`);
a.child.kill(); b.child.kill(); await issuer.close(); sink.close();
