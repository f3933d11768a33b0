// What the gateway benches share: the upstream, the gateway file, and one built gateway
// process started the way a bench runs it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNode } from '../lib/index.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const GATEWAY_MAIN = join(ROOT, 'dist/apps/mcp-gateway/main.js');

/** The bench upstream (upstream.mjs): `/mcp` answers JSON, `/sse/mcp` an SSE stream. */
export async function startUpstream() {
  const port = await freePort();
  const upstream = await startNode({ script: join(ROOT, 'bench/gateway/upstream.mjs'), env: { PORT: String(port) }, readyUrl: `http://127.0.0.1:${port}/health` });
  return Object.assign(upstream, { url: `http://127.0.0.1:${port}` });
}

/**
 * One gateway process (`main`: a built main.js) in front of `upstreamUrl`, with its own gateway
 * file and SQLite outbox in `dir`, trusting `issuer`, relaying audit events to `sink`.
 * `NODE_ENV=test`: no per-request log line (the upstream writes none either), as in bench/mcp.
 */
export async function startGateway({ main = GATEWAY_MAIN, dir, name = 'gateway', upstreamUrl, issuer, sink, cpuProfileDir, nodeArgs = [] }) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      publicUrl,
      upstreams: [
        { name: 'fast', url: `${upstreamUrl}/mcp`, scopes: [{ name: 'fast:use', description: 'bench' }], connectScopes: ['fast:use'], tools: [{ tool: 'add', scopes: [] }] },
        { name: 'stream', url: `${upstreamUrl}/sse/mcp`, scopes: [{ name: 'stream:use', description: 'bench' }], connectScopes: ['stream:use'], tools: [{ tool: 'add-*', scopes: [] }] },
      ],
    }),
  );
  const gateway = await startNode({
    script: main,
    nodeArgs: [...nodeArgs, ...(cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [])],
    inheritEnv: false,
    env: {
      NODE_ENV: 'test',
      PORT: String(port),
      GATEWAY_CONFIG_FILE: file,
      ISSUER_URL: issuer.issuer,
      SQLITE_PATH: join(dir, `${name}.sqlite`),
      AUDIT_INGEST_URL: `${sink.url}/internal/events`,
    },
    readyUrl: `${publicUrl}/health/live`,
  });
  const token = (upstream) => issuer.mint({ audience: `${publicUrl}/${upstream}/mcp`, scope: `${upstream}:use`, subject: 'bench-client' });
  return Object.assign(gateway, { publicUrl, token });
}
