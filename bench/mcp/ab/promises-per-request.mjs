// Promises created per request (deterministic, unlike CPU on a shared machine): each build
// serves N sequential-ish requests; the count before and after, divided by N.
//   node bench/mcp/ab/promises-per-request.mjs <main.js>...   (PROMISES_VARIANT=guarded|unguarded|without-audit)
// Builds as for cpu-per-request.mjs. Every promise also runs Node 20's promise hooks while
// AsyncLocalStorage is in use, so this count is a steady proxy for per-request overhead.
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
const COUNTER = join(dirname(fileURLToPath(import.meta.url)), 'count-promises.cjs');
const mains = process.argv.slice(2);
const variant = process.env.PROMISES_VARIANT ?? 'guarded';
const issuer = await startLocalIssuer();
const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (const main of mains) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const resource = `http://127.0.0.1:${port}/mcp`;
  const child = spawn(process.execPath, ['-r', COUNTER, main], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'test', PORT: String(port), RESOURCE_URL: resource, ISSUER_URL: issuer.issuer, SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'bench-mcp-ab-')), 'mcp.sqlite'), BENCH_VARIANT: variant, AUDIT_INGEST_URL: `http://127.0.0.1:${sink.address().port}/internal/events`, BROKER_URL: undefined } });
  for (let i = 0; ; i++) { try { if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) break; } catch { if (i > 300) throw new Error('no start'); } await sleep(100); }
  const token = await issuer.mint({ audience: resource, scope: 'sentiment:analyze sentiment:read watchlist:read' });
  const req = toolsCallRequest(port, token);
  await autocannon({ ...req, connections: 4, amount: 2000 });
  const counts = [];
  for (let i = 0; i < 3; i++) {
    await sleep(300);
    const before = Number(readFileSync(`${tmpdir()}/mcp-promises-${child.pid}`, 'utf8'));
    const r = await autocannon({ ...req, connections: 4, amount: 4000 });
    await sleep(300);
    const after = Number(readFileSync(`${tmpdir()}/mcp-promises-${child.pid}`, 'utf8'));
    counts.push(((after - before) / r.requests.total).toFixed(2) + (r.non2xx ? ` (non2xx ${r.non2xx})` : ''));
  }
  console.log(`${main} [${variant}]: promises per request ${counts.join(' ')}`);
  child.kill();
}
await issuer.close(); sink.close();
