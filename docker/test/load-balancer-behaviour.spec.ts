import { freePort, haproxyVersion, type RunningHaproxy, startHaproxy } from '@portcullis/testing';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { COMMON_CFG_PATH, HAPROXY_DIR } from './support/haproxy-config';
import { join } from 'node:path';

/**
 * mcp-lb's configuration run, not just read: the machine's haproxy (Debian's 2.6, the version the
 * compose image runs) with docker/haproxy/common.cfg and mcp-lb.cfg in front of two small
 * replicas that report what reached them. Only the Docker-only lines are replaced (libs/testing).
 */

interface Seen {
  port: number;
  method: string;
  url: string;
  host?: string;
  forwardedFor?: string;
  forwardedProto?: string;
}

/** Every request either replica got, in arrival order. */
const arrivals: Seen[] = [];

/** A replica: ready or draining (503 on /health/ready), every request it got recorded. */
class Replica {
  ready = true;
  releaseStream?: () => void;
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/health/ready') {
      res.writeHead(this.ready ? 200 : 503).end();
      return;
    }
    arrivals.push({ port: this.port, method: req.method ?? '', url: req.url ?? '', host: req.headers.host, forwardedFor: req.headers['x-forwarded-for'] as string | undefined, forwardedProto: req.headers['x-forwarded-proto'] as string | undefined });
    if (req.url === '/crash') {
      // Received, then gone without an answer: a replica dying under a request.
      req.socket.destroy();
    } else if (req.url === '/events') {
      // Server-Sent Events: one event now, the stream's end only when the test says so.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      this.releaseStream = () => res.end('data: last\n\n');
    } else {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ port: this.port })));
    }
  }

  async stop(): Promise<void> {
    this.releaseStream?.();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function send(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; port?: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${options.path ?? '/mcp'}`, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        let port: number | undefined;
        try {
          port = (JSON.parse(body) as { port?: number }).port;
        } catch {
          port = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, port });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const version = haproxyVersion();
describe(`mcp-lb run by haproxy ${version ?? '(missing: apt-get install haproxy)'}`, () => {
  let a: Replica;
  let b: Replica;
  let lb: RunningHaproxy;

  beforeAll(async () => {
    expect(version).toBeDefined();
    [a, b] = await Promise.all([new Replica().start(), new Replica().start()]);
    lb = await startHaproxy([COMMON_CFG_PATH, join(HAPROXY_DIR, 'mcp-lb.cfg')], { upstreams: [a, b].map((r) => `127.0.0.1:${r.port}`), listenPort: await freePort() });
    // Both replicas in rotation once their first checks passed.
    await eventually(async () => new Set(await Promise.all([1, 2, 3, 4].map(async () => (await send(lb.url)).port))).size === 2);
  }, 30_000);
  afterAll(async () => {
    await lb?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
  });
  beforeEach(() => {
    a.ready = b.ready = true;
  });

  it('alternates between the replicas (round robin) and logs which one served each request', async () => {
    const ports: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) ports.push((await send(lb.url)).port);
    expect(ports.filter((p) => p === a.port)).toHaveLength(3);
    expect(ports.filter((p) => p === b.port)).toHaveLength(3);
    expect(ports.every((p, i) => i === 0 || p !== ports[i - 1])).toBe(true);
    await eventually(() => [a, b].every((r) => lb.output().includes(` upstream=127.0.0.1:${r.port} 200 `)));
  });

  it('passes the client’s Host on unchanged, appends the client to X-Forwarded-For, and keeps an incoming X-Forwarded-Proto', async () => {
    await send(lb.url, { headers: { host: 'mcp.example.com', 'x-forwarded-for': '203.0.113.7' } });
    await send(lb.url, { headers: { host: 'mcp.example.com', 'x-forwarded-proto': 'https' } });
    const [plain, behindTls] = arrivals.slice(-2);
    expect(plain).toMatchObject({ host: 'mcp.example.com', forwardedFor: '203.0.113.7, 127.0.0.1', forwardedProto: 'http' });
    expect(behindTls).toMatchObject({ host: 'mcp.example.com', forwardedFor: '127.0.0.1', forwardedProto: 'https' });
  });

  it('refuses a declared body above 4 MB with 413 before any replica sees it; 4 MB itself passes the door', async () => {
    const before = arrivals.length;
    const statusFor = (length: number) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(lb.url).port), '127.0.0.1');
        let answer = '';
        socket.on('data', (d) => {
          answer += d;
          if (answer.includes('\r\n')) {
            socket.destroy();
            resolve(answer.split('\r\n')[0]);
          }
        });
        socket.on('error', reject);
        // The head only: the balancer decides on the declared length.
        socket.write(`POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
        setTimeout(() => {
          socket.destroy();
          resolve(answer.split('\r\n')[0] || 'no answer yet');
        }, 1_500);
      });
    expect(await statusFor(4 * 1024 * 1024 + 1)).toBe('HTTP/1.1 413 Payload Too Large');
    expect(arrivals.length).toBe(before);
    // Let through to a replica, which waits for the body: no answer from the balancer.
    expect(await statusFor(4 * 1024 * 1024)).toBe('no answer yet');
  });

  it('streams Server-Sent Events: the first event arrives while the stream is still open', async () => {
    const firstEvent = await new Promise<string>((resolve, reject) => {
      const req = request(`${lb.url}/events`, { agent: false }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => resolve(chunk));
      });
      req.on('error', reject);
      req.end();
    });
    expect(firstEvent).toBe('data: first\n\n');
    for (const r of [a, b]) r.releaseStream?.();
  });

  it('never sends a request that reached a replica to another one, even when that replica dies under it', async () => {
    const crashes = () => arrivals.filter((s) => s.url === '/crash').length;
    const before = crashes();
    const answer = await send(lb.url, { method: 'POST', path: '/crash', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(502);
    expect(crashes() - before).toBe(1);
  });

  it('takes a replica whose readiness fails out of rotation while it still serves, and back when it recovers', async () => {
    a.ready = false;
    await eventually(() => /Server \S+ is DOWN, reason: Layer7 wrong status, code: 503/.test(lb.output()), 5_000);
    const ports: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) ports.push((await send(lb.url)).port);
    expect(ports).toEqual(Array(6).fill(b.port));
    // Out of rotation, not gone: it still answers what reaches it.
    expect(await send(`http://127.0.0.1:${a.port}`)).toMatchObject({ status: 200, port: a.port });
    a.ready = true;
    await eventually(async () => (await send(lb.url)).port === a.port, 5_000);
  });
});
