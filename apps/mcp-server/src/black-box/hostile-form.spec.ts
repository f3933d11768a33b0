import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSink, freePort, type RunningService, startService, TestIssuer } from '@portcullis/testing';

/** 32 KB less one byte of `a&a&a…`: 16 384 repeats of one name (1.9 s of CPU on main). */
const HOSTILE_BODY = `${'a&'.repeat(16 * 1024 - 1)}a`;

/** The finding is about time: a refusal costs milliseconds, far below the seconds it cost. */
const FAR_BELOW_SECONDS_MS = 500;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/**
 * Issue 9, quadratic form parsing, at the built mcp-server: a hostile form body to POST /mcp
 * and a hostile query string answer 400 `invalid_request` in milliseconds, never a 500, while
 * the protected resource metadata keeps being served.
 */
describe('mcp-server black box: hostile form bodies and query strings', () => {
  let issuer: TestIssuer;
  let sink: EventSink;
  let mcp: RunningService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-hostile-'));
    sink = await new EventSink().start();
    const port = await freePort();
    issuer = await new TestIssuer(`http://127.0.0.1:${port}/mcp`).start();
    mcp = await startService('mcp-server', port, {
      RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
      ISSUER_URL: issuer.issuer,
      AUDIT_INGEST_URL: sink.url,
      DATABASE_URL: undefined,
      BROKER_URL: undefined,
      SQLITE_PATH: join(dir, 'mcp.sqlite'),
    });
  }, 60_000);
  afterAll(async () => {
    await mcp?.stop();
    await issuer?.stop();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const metadata = () => fetch(`${mcp.url}/.well-known/oauth-protected-resource/mcp`);

  async function expectInvalidRequest(res: Response): Promise<void> {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  }

  it('32 KB of a&a&a… to POST /mcp: 400 invalid_request in milliseconds, and a concurrent metadata GET is not stalled', async () => {
    const hostile = timed(() =>
      fetch(`${mcp.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/event-stream' },
        body: HOSTILE_BODY,
      }),
    );
    const concurrent = timed(metadata);
    const [refused, served] = await Promise.all([hostile, concurrent]);
    await expectInvalidRequest(refused.value);
    expect(refused.ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
    expect(served.value.status).toBe(200);
    expect(served.ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
  });

  it('a query string of a&a&a… on the metadata URL: 400 invalid_request in milliseconds', async () => {
    const { value, ms } = await timed(() => fetch(`${mcp.url}/.well-known/oauth-protected-resource/mcp?${'a&'.repeat(6 * 1024)}a`));
    await expectInvalidRequest(value);
    expect(ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
  });

  it('a query with one name repeated 9 times at POST /mcp: 400 invalid_request, not a 500', async () => {
    const res = await fetch(`${mcp.url}/mcp?${'x=1&'.repeat(9)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    await expectInvalidRequest(res);
  });
});
