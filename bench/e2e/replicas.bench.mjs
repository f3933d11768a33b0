// End to end: authenticated tools/call throughput through a round-robin proxy in front of
// three mcp-server replicas vs the same proxy in front of one, with a real token from the
// real auth-server (client_credentials). Audit events go to a local sink.
//
//   npm run build && node bench/e2e/replicas.bench.mjs   (BENCH_DURATION=8 BENCH_CONNECTIONS=32)
//
// On this 2-core machine three replicas compete for the same two cores as the proxy, the
// load generator and the auth-server: the figure shows the cost or gain of spreading load,
// not what three machines would do.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitBenchJson, freePort, isClean, measure, printTable, startIngestSink, startNode } from '../lib/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const INITIAL_ACCESS_TOKEN = 'bench-initial-access-token-0123456789';

/** A minimal round-robin HTTP proxy over keep-alive connections, counting per upstream. */
function startProxy(port, upstreams) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const counts = upstreams.map(() => 0);
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % upstreams.length;
    counts[i]++;
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreams[i], method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ counts, stop: () => new Promise((r) => { agent.destroy(); server.close(() => r()); server.closeAllConnections(); }) }),
    ),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-bench-'));
const started = [];
try {
  const sink = await startIngestSink();
  started.push(sink);
  const [authPort, proxyPort, singlePort, ...mcpPorts] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const issuer = `http://127.0.0.1:${authPort}`;
  const resource = `http://127.0.0.1:${proxyPort}/mcp`;
  const common = { NODE_ENV: 'test', AUDIT_INGEST_URL: `${sink.url}/internal/events`, ISSUER_URL: issuer };

  const auth = await startNode({
    script: join(root, 'dist/apps/auth-server/main.js'),
    cwd: root,
    inheritEnv: false,
    env: { ...common, PORT: String(authPort), SQLITE_PATH: join(dir, 'auth.sqlite'), MCP_RESOURCE_URL: resource, REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN },
    readyUrl: `${issuer}/health/live`,
  });
  started.push(auth);

  // Both proxies present the same public host (the resource's), so one token serves both.
  const replicas = [];
  for (const [i, port] of mcpPorts.entries()) {
    replicas.push(
      await startNode({
        script: join(root, 'dist/apps/mcp-server/main.js'),
        cwd: root,
        inheritEnv: false,
        env: { ...common, PORT: String(port), RESOURCE_URL: resource, ALLOWED_HOSTS: `127.0.0.1:${proxyPort},127.0.0.1:${singlePort}`, SQLITE_PATH: join(dir, `mcp-${i}.sqlite`) },
        readyUrl: `http://127.0.0.1:${port}/health/live`,
      }),
    );
  }
  started.push(...replicas);

  const registration = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` },
    body: JSON.stringify({ client_name: 'replicas bench', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope: 'sentiment:analyze' }),
  }).then((r) => r.json());
  const tokenResponse = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(registration.client_id)}:${encodeURIComponent(registration.client_secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'sentiment:analyze' }),
  }).then((r) => r.json());
  if (!tokenResponse.access_token) throw new Error(`no token: ${JSON.stringify(tokenResponse)}`);

  const three = await startProxy(proxyPort, mcpPorts);
  const one = await startProxy(singlePort, [mcpPorts[0]]);
  started.push(three, one);

  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates and raises guidance as cloud revenue surges' } },
  });
  const headers = (port) => ({
    host: `127.0.0.1:${proxyPort}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
    authorization: `Bearer ${tokenResponse.access_token}`,
    'x-bench-port': String(port),
  });
  for (const port of [proxyPort, singlePort]) {
    const probe = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: headers(port), body });
    const text = await probe.text();
    if (probe.status !== 200 || !text.includes('label')) throw new Error(`probe via ${port} failed: ${probe.status} ${text}`);
  }

  const results = {};
  for (const [name, port] of [
    ['three replicas', proxyPort],
    ['one replica', singlePort],
  ]) {
    results[name] = await measure({ url: `http://127.0.0.1:${port}/mcp`, method: 'POST', headers: headers(port), body, connections: CONNECTIONS, duration: DURATION });
  }
  const rows = Object.entries(results).map(([name, r]) => ({
    setup: name,
    'req/s': Math.round(r.requestsPerSec),
    'p99 ms': r.p99Ms,
    'non-2xx': r.non2xx + r.errors + r.timeouts,
    clean: isClean(r) ? 'yes' : 'NO',
  }));
  printTable(
    Object.keys(rows[0]).map((key) => ({ key, title: key })),
    rows,
  );
  console.log(`requests per replica behind the 3-way proxy: ${three.counts.join(' / ')}`);
  const ratio = results['three replicas'].requestsPerSec / results['one replica'].requestsPerSec;
  console.log(`three replicas / one: ${ratio.toFixed(2)}× (2 cores shared by proxy, load generator and servers)`);
  emitBenchJson({
    benchmark: 'e2e-replicas',
    rows,
    perReplica: three.counts,
    summary: [
      {
        scenario: 'end-to-end tools/call/s, 3 mcp-server replicas vs 1 (same proxy, real token)',
        ours: Math.round(results['three replicas'].requestsPerSec),
        peer: Math.round(results['one replica'].requestsPerSec),
        peerName: 'one replica',
        ratio,
        unit: 'req/s',
        goal: 'informational (2 cores)',
      },
    ],
  });
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
