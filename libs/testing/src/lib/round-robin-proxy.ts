import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy forwarded (no headers or bodies: those may carry tokens). */
export interface ProxiedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  upstream: number;
  status: number;
  /** The upstream's `WWW-Authenticate`, if it sent one (a challenge names no secret). */
  wwwAuthenticate?: string;
}

export interface RoundRobinProxy {
  url: string;
  port: number;
  /** How many requests each upstream received, in the order the upstreams were given. */
  counts(): number[];
  /** Every forwarded request, oldest first. */
  log(): readonly ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A load balancer for tests: each incoming request goes to the next upstream in turn, with
 * its method, headers (Host included, so upstreams see the public host they were configured
 * with) and body unchanged, and the response streams back unchanged (SSE included). It listens
 * on loopback only and adds nothing, not even `X-Forwarded-*` — except `addHeaders`, set on every
 * forwarded request (e.g. an `Authorization` for a client that cannot send one itself).
 */
export async function startRoundRobinProxy(upstreams: string[], port = 0, addHeaders: Record<string, string> = {}): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('at least one upstream is needed');
  const targets = upstreams.map((u) => new URL(u));
  const counts = targets.map(() => 0);
  const entries: ProxiedRequest[] = [];
  const extra = Object.fromEntries(Object.entries(addHeaders).map(([name, value]) => [name.toLowerCase(), value]));
  let next = 0;

  const server: Server = createServer((req: IncomingMessage, res) => {
    const index = next;
    next = (next + 1) % targets.length;
    counts[index]++;
    const target = targets[index];
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], upstream: index, status: 0 };
    entries.push(entry);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, ...extra } },
      (upstreamRes) => {
        entry.status = upstreamRes.statusCode ?? 0;
        const challenge = upstreamRes.headers['www-authenticate'];
        if (challenge) entry.wwwAuthenticate = Array.isArray(challenge) ? challenge.join(', ') : challenge;
        res.writeHead(entry.status, upstreamRes.rawHeaders);
        upstreamRes.pipe(res);
      },
    );
    let clientGone = false;
    upstream.on('error', (err) => {
      // The proxy's own teardown after the client left (below) is not the upstream failing:
      // the entry keeps the status the upstream answered, or 0 if it had not answered yet.
      if (clientGone) return;
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream ${index} failed: ${err.message}`);
    });
    // A client that goes away (an SSE stream closed) ends the upstream request too.
    res.on('close', () => {
      clientGone = !res.writableFinished;
      upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    counts: () => [...counts],
    log: () => entries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
