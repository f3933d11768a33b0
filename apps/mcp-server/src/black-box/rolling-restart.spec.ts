import { EventSink, freePort, haproxyVersion, type RunningHaproxy, type RunningService, startHaproxy, startService, TestIssuer } from '@portcullis/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A replica stopped with SIGTERM (a rolling restart, a scale-down) costs no client a failed or
 * a hung request. First the replica's own drain, seen from outside; then two replicas behind the
 * repository's HAProxy configuration (docker/haproxy/common.cfg and mcp-lb.cfg, run by Debian's
 * haproxy 2.6: .ci/run installs it) under steady tools/call load while one of them stops. Before
 * the drain, the stopping replica answered 503 to requests on open connections (a POST the
 * balancer must not retry) and closed idle connections under the balancer's feet.
 */

const HAPROXY_DIR = join(__dirname, '../../../../docker/haproxy');
const LB_FILES = [join(HAPROXY_DIR, 'common.cfg'), join(HAPROXY_DIR, 'mcp-lb.cfg')];
/** A request still unanswered after this long counts as hung (the finding: up to 60 s). */
const HUNG_MS = 5_000;

const CALL = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates' } } });

interface Outcome {
  status: number;
  connection?: string;
  error?: string;
  ms: number;
}

/** One tools/call over Node's http client (it shows the Connection header, which fetch hides). */
function call(url: string, token: string, agent?: Agent): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      `${url}/mcp`,
      {
        method: 'POST',
        agent,
        timeout: HUNG_MS,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('hung')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? err.message, ms: performance.now() - started }));
    req.end(CALL);
  });
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/**
 * How the process ended. Nest's shutdown hooks end a clean stop by re-raising the signal that
 * started it, so a clean SIGTERM exit is `signal: 'SIGTERM'` (a crash would be a non-zero code).
 */
const exitOf = (replica: RunningService) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    const { exitCode, signalCode } = replica.process;
    if (exitCode !== null || signalCode !== null) resolve({ code: exitCode, signal: signalCode });
    else replica.process.once('exit', (code, signal) => resolve({ code, signal }));
  });
const CLEAN_EXIT = { code: null, signal: 'SIGTERM' };

describe('a replica stopped with SIGTERM drains', () => {
  let issuer: TestIssuer;
  let sink: EventSink;
  let dir: string;
  let lbPort: number;
  const replicas: RunningService[] = [];
  let lb: RunningHaproxy | undefined;

  async function startReplica(i: number, port: number, env: Record<string, string> = {}): Promise<RunningService> {
    const replica = await startService('mcp-server', port, {
      RESOURCE_URL: issuer.resource,
      ISSUER_URL: issuer.issuer,
      SQLITE_PATH: join(dir, `mcp-${i}.sqlite`),
      DATABASE_URL: undefined,
      BROKER_URL: undefined,
      AUDIT_INGEST_URL: sink.url,
      ...env,
    });
    replicas.push(replica);
    return replica;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-drain-'));
    lbPort = await freePort();
    // The public URL is the balancer's: every replica answers to its Host.
    issuer = await new TestIssuer(`http://127.0.0.1:${lbPort}/mcp`).start();
    sink = await new EventSink().start();
  });
  afterAll(async () => {
    await lb?.stop();
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await sink.stop();
    await issuer.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('fails readiness first while still serving, then refuses new connections and closes open ones after their exchange, then exits cleanly', async () => {
    const port = await freePort();
    const replica = await startReplica(9, port, { SHUTDOWN_DELAY_MS: '1500' });
    const token = await issuer.mint({ claims: { scope: 'sentiment:analyze' } });
    const direct = `http://127.0.0.1:${port}`;
    expect((await get(`${direct}/health/ready`)).status).toBe(200);
    expect(await call(direct, token)).toMatchObject({ status: 200 });

    replica.process.kill('SIGTERM');
    const exited = exitOf(replica);
    let ready = await get(`${direct}/health/ready`);
    for (let i = 0; ready.status === 200 && i < 40; i++) ready = await get(`${direct}/health/ready`);
    expect(ready).toEqual({ status: 503, body: JSON.stringify({ status: 'draining' }) });
    // Still serving, keep-alive connections included, while a balancer acts on readiness; then
    // the open connection is told to close after its exchange (the listener has closed).
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const served: Outcome[] = [];
    while (served.at(-1)?.connection !== 'close' && served.length < 100) {
      served.push(await call(direct, token, keepAlive));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(served.filter((o) => o.status !== 200)).toEqual([]);
    expect(served[0].connection).toBe('keep-alive');
    expect(served.at(-1)?.connection).toBe('close');
    // New connections are refused: a balancer retries them elsewhere, as nothing was sent.
    expect(await call(direct, token, new Agent({ keepAlive: false }))).toMatchObject({ status: 0, error: 'ECONNREFUSED' });
    keepAlive.destroy();
    expect(await exited).toEqual(CLEAN_EXIT);
    expect(replica.output()).not.toContain(token);
  }, 60_000);

  const version = haproxyVersion();
  it(`behind the repository's HAProxy configuration (haproxy ${version ?? 'missing: apt-get install haproxy'}), a replica leaving under steady tools/call load fails and stalls no request`, async () => {
    expect(version).toBeDefined();
    const ports = [await freePort(), await freePort()];
    const [leaving] = await Promise.all(ports.map((port, i) => startReplica(i, port)));
    lb = await startHaproxy(LB_FILES, { upstreams: ports.map((p) => `127.0.0.1:${p}`), listenPort: lbPort });
    const token = await issuer.mint({ claims: { scope: 'sentiment:analyze' } });
    // Clients keep their connections to the balancer, as MCP clients do.
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });

    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async () => {
      while (running) outcomes.push(await call(lb!.url, token, agent));
    };
    const workers = Array.from({ length: 6 }, worker);
    // Load first (counted, not timed: this machine may be busy), then the stop.
    while (outcomes.length <= 20) await new Promise((r) => setTimeout(r, 50));
    const beforeStop = outcomes.length;
    leaving.process.kill('SIGTERM');
    const exitCode = await exitOf(leaving);
    const duringDrain = outcomes.length - beforeStop;
    await new Promise((r) => setTimeout(r, 1_500));
    running = false;
    await Promise.all(workers);
    agent.destroy();

    const failed = outcomes.filter((o) => o.status !== 200);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    // The balancer's own account: one log line per request naming the replica, and why it took
    // the leaving one out (a 503 from readiness is "Layer7 wrong status", a refused check "Layer4").
    const servedBy = () => ports.map((port) => lb!.output().split('\n').filter((line) => line.includes(` upstream=127.0.0.1:${port} `)).length);
    // Its last lines may trail the last answers by a moment, so wait for them (up to 5 s).
    for (let i = 0; i < 100 && servedBy().reduce((a, b) => a + b) < outcomes.length; i++) await new Promise((r) => setTimeout(r, 50));
    const log = lb!.output();
    const down = /Server \S+ is DOWN, reason: ([^,]+)/.exec(log)?.[1];
    process.stdout.write(
      `rolling restart: ${outcomes.length} calls (${duringDrain} while draining), ${failed.length} failed, slowest ${slowest.toFixed(0)} ms; per replica ${servedBy().join('/')}; leaving replica out on: ${down}\n`,
    );
    expect(exitCode).toEqual(CLEAN_EXIT);
    expect(beforeStop).toBeGreaterThan(20);
    expect(duringDrain).toBeGreaterThan(20);
    expect(failed).toEqual([]);
    expect(outcomes.filter((o) => o.ms >= HUNG_MS)).toEqual([]);
    // HAProxy's `log stdout` writes without blocking and drops a line rather than wait on a
    // full pipe (counted in its DroppedLogs): on a loaded machine 2–4 of 7,000–14,000 went missing. The
    // answers above are the proof that nothing failed; the log only shows who served them.
    const logged = servedBy().reduce((a, b) => a + b);
    expect(logged).toBeLessThanOrEqual(outcomes.length);
    expect(logged).toBeGreaterThanOrEqual(outcomes.length * 0.999);
    expect(servedBy().every((n) => n > 0)).toBe(true);
    expect(down).toBeDefined();
  }, 90_000);
});
