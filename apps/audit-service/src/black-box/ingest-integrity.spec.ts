import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEvent, EventType } from '@portcullis/contracts';
import { freePort, ingestCredentials, type IngestCredentials, PRODUCER_SOURCES, type RunningService, startService, TestIssuer } from '@portcullis/testing';

/*
 * Issue 9, "Forged events": the built audit-service without a broker. Ingest takes events only
 * from a producer that presents its own credential, only with that producer's `source`, never
 * from a browser, and decides all that before it reads a byte of the body.
 */

jest.setTimeout(60_000);

/** What the forger of issue 9 posted: a login that never happened. */
const loginSucceeded = (source: string, username = 'victim') => createEvent(EventType.LoginSucceeded, { subject: 'victim', username }, { source, subject: 'victim' });

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a request's headers and no body, and resolves with the status the server answers. */
function headersOnly(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers });
    req.on('response', (res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

describe('the embedded ingest endpoint (built audit-service, no broker)', () => {
  let dir: string;
  let issuer: TestIssuer;
  let audit: RunningService;
  let creds: IngestCredentials;
  let resource: string;

  const ingest = (body: string, headers: Record<string, string>) =>
    fetch(`${audit.url}/internal/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const as = (secret: string) => ({ authorization: `Bearer ${secret}` });

  async function storedIds(): Promise<string[]> {
    const token = await issuer.mint({ claims: { aud: resource, scope: 'audit:read' } });
    const res = await fetch(`${audit.url}/audit/events?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { events: { id: string }[] }).events.map((e) => e.id);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-ingest-bb-'));
    creds = ingestCredentials();
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/audit`;
    issuer = await new TestIssuer(resource).start();
    audit = await startService('audit-service', port, {
      BROKER_URL: undefined,
      DATABASE_URL: undefined,
      SQLITE_PATH: join(dir, 'audit.sqlite'),
      ISSUER_URL: issuer.issuer,
      RESOURCE_URL: resource,
      AUDIT_INGEST_PRODUCERS: creds.producers,
    });
  });
  afterAll(async () => {
    await audit?.stop();
    await issuer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a loopback caller without a producer credential, and a wrong one, storing nothing', async () => {
    const event = loginSucceeded(PRODUCER_SOURCES.authServer);
    for (const headers of [{}, as('not-a-producer-credential-at-all'), { authorization: `Basic ${creds.secret.authServer}` }]) {
      const res = await ingest(JSON.stringify([event]), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    }
    expect(await storedIds()).not.toContain(event.id);
  });

  it("refuses an event whose source is another producer's, storing none of the batch", async () => {
    const own = createEvent(EventType.McpToolCalled, { tool: 'analyze_sentiment', outcome: 'success', duration_ms: 1, client_id: 'c', subject: 'u', jti: 'j' }, { source: PRODUCER_SOURCES.mcpServer });
    const forged = loginSucceeded(PRODUCER_SOURCES.authServer);
    const res = await ingest(JSON.stringify([own, forged]), as(creds.secret.mcpServer));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'access_denied' });
    const invented = loginSucceeded(`/anything/${randomUUID()}`);
    expect((await ingest(JSON.stringify([invented]), as(creds.secret.mcpServer))).status).toBe(403);
    const ids = await storedIds();
    for (const e of [own, forged, invented]) expect(ids).not.toContain(e.id);
  });

  it("stores a producer's own events and serves them back", async () => {
    const event = loginSucceeded(PRODUCER_SOURCES.authServer);
    const res = await ingest(JSON.stringify([event]), as(creds.secret.authServer));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 1, rejected: [] });
    let ids: string[] = [];
    for (let i = 0; i < 100 && !ids.includes(event.id); i++) {
      ids = await storedIds();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ids).toContain(event.id);
  });

  it('carries no CORS: a preflight from another origin is refused and gets no Access-Control-* header', async () => {
    const res = await fetch(`${audit.url}/internal/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(403);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    ['Origin', { origin: 'https://evil.example' }],
    ['Origin of the service itself', { origin: 'http://127.0.0.1' }],
    ['Sec-Fetch-Site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Mode: no-cors (a form post)', { 'sec-fetch-mode': 'no-cors' }],
    ['Sec-Fetch-Mode: navigate', { 'sec-fetch-mode': 'navigate' }],
  ])('refuses a browser-originated request (%s) with 403, even with a valid credential', async (_name, browser) => {
    const event = loginSucceeded(PRODUCER_SOURCES.authServer);
    // node:http, not fetch: Node's fetch replaces Sec-Fetch-Mode with its own "cors".
    const res = await post(`${audit.url}/internal/events`, { 'content-type': 'application/json', ...as(creds.secret.authServer), ...browser }, JSON.stringify([event]));
    expect(res.status).toBe(403);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(await storedIds()).not.toContain(event.id);
  });

  it('keeps CORS on the public query API, for the console origins (the issuer origin by default)', async () => {
    const console = new URL(issuer.issuer).origin;
    const res = await fetch(`${audit.url}/audit/events`, { method: 'OPTIONS', headers: { origin: console, 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(console);
  });

  it('answers an unauthenticated caller 401 without reading its body', async () => {
    // 96 KB of the body issue 9 used, announced as part of an 8 MB form that never finishes:
    // only a server that answers before reading the body can answer at all.
    const result = await new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(`${audit.url}/internal/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(8_000_000) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started });
        req.destroy();
      });
      req.on('error', reject);
      req.write('a&'.repeat(48 * 1024));
      setTimeout(() => {
        req.destroy();
        reject(new Error('no answer within 5 s: the body is being read before the caller is known'));
      }, 5000).unref();
    });
    expect(result.status).toBe(401);
    expect(result.ms).toBeLessThan(500);
  });

  it('refuses a form body from a producer (415), takes a relay-sized JSON batch, and nothing above 8 MiB (413)', async () => {
    const form = await fetch(`${audit.url}/internal/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...as(creds.secret.authServer) },
      body: 'a&'.repeat(1000),
    });
    expect(form.status).toBe(415);
    // ~1.5 MB of valid events: far above the 64 KB default, well within the ingest limit.
    const batch = Array.from({ length: 3000 }, () => loginSucceeded(PRODUCER_SOURCES.authServer, 'x'.repeat(256)));
    const body = JSON.stringify(batch);
    expect(body.length).toBeGreaterThan(1_000_000);
    const big = await ingest(body, as(creds.secret.authServer));
    expect(big.status).toBe(200);
    expect(await big.json()).toEqual({ stored: 3000, rejected: [] });
    // Only the headers are sent: the answer must come from the declared length alone (a server
    // that answers early and closes would otherwise race the client's write into EPIPE).
    const tooBig = await headersOnly(`${audit.url}/internal/events`, {
      'content-type': 'application/json',
      'content-length': String(9 * 1024 * 1024),
      ...as(creds.secret.authServer),
    });
    expect(tooBig).toBe(413);
  });

  it('never writes a credential to its log', () => {
    expect(audit.output()).not.toContain(creds.secret.authServer);
    expect(audit.output()).not.toContain(creds.secret.mcpServer);
  });
});

describe('the embedded ingest endpoint without any producer credential configured', () => {
  let dir: string;
  let audit: RunningService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-ingest-none-'));
    audit = await startService('audit-service', await freePort(), {
      BROKER_URL: undefined,
      DATABASE_URL: undefined,
      SQLITE_PATH: join(dir, 'audit.sqlite'),
      AUDIT_INGEST_PRODUCERS: undefined,
      AUDIT_INGEST_SECRET: undefined,
      // Outside tests the service logs its warnings (NODE_ENV=test keeps only errors).
      NODE_ENV: 'development',
    });
  });
  afterAll(async () => {
    await audit?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so at start and refuses everyone, loopback included', async () => {
    expect(audit.output()).toContain('AUDIT_INGEST_PRODUCERS is unset');
    const event = loginSucceeded(PRODUCER_SOURCES.authServer);
    const res = await fetch(`${audit.url}/internal/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([event]) });
    expect(res.status).toBe(401);
  });
});

describe('a malformed AUDIT_INGEST_PRODUCERS', () => {
  it('stops the service at start with one line that names the entry, not the credential', async () => {
    const credential = 'shared-by-two-producers-0123456789';
    const started = startService('audit-service', await freePort(), {
      BROKER_URL: undefined,
      DATABASE_URL: undefined,
      SQLITE_PATH: ':memory:',
      AUDIT_INGEST_PRODUCERS: `/portcullis/auth-server=${credential},/portcullis/mcp-server=${credential}`,
    });
    await expect(started).rejects.toThrow(/config: AUDIT_INGEST_PRODUCERS: entry 2 \(\/portcullis\/mcp-server\): the credential is also another producer's/);
    await expect(started).rejects.not.toThrow(credential);
  });
});
