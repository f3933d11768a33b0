import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { EventType } from '@portcullis/contracts';
import { createTestDatabase, freePort, TestIssuer, type TestDatabase } from '@portcullis/testing';
import { createAuditApp } from '../bootstrap';
import { AuditEventEntity } from '../events/audit-event.entity';
import { auditConfig } from '../testing/audit-test-support';
import type { AuditStats } from '@portcullis/contracts';

jest.setTimeout(60_000);

const RESOURCE = 'http://localhost:3100/audit';
const T0 = Date.UTC(2026, 10, 28, 8, 0, 0);
const MINUTE = 60_000;

/** A stored row as the store would write it, with the lag (stored minus event time) chosen. */
function row(type: string, minute: number, data: Record<string, unknown>, lagMs = 5) {
  const timeMs = T0 + minute * MINUTE + 1000;
  return {
    id: randomUUID(),
    type,
    source: '/test/stats',
    subject: null,
    clientId: typeof data.client_id === 'string' ? data.client_id : null,
    traceId: null,
    requestId: null,
    timeMs,
    storedMs: timeMs + lagMs,
    event: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/test/stats', type, time: new Date(timeMs).toISOString(), data }),
  };
}

const rows = [
  // Minute 0: two codes exchanged, one client_credentials, one refresh; tool calls; one MCP denial.
  row(EventType.TokenIssued, 0, { grant_type: 'authorization_code', client_id: 'c1' }, 10),
  row(EventType.TokenIssued, 0, { grant_type: 'authorization_code', client_id: 'c1' }, 20),
  row(EventType.TokenIssued, 0, { grant_type: 'client_credentials', client_id: 'c2' }, 30),
  row(EventType.TokenRefreshed, 0, { client_id: 'c1' }, 40),
  row(EventType.McpToolCalled, 0, { tool: 'echo', outcome: 'success' }, 1000),
  row(EventType.McpToolCalled, 0, { tool: 'echo', outcome: 'success' }, 5),
  row(EventType.McpToolCalled, 0, { tool: 'echo', outcome: 'error' }, 5),
  row(EventType.McpRequestDenied, 0, { status: 403, reason: 'insufficient_scope' }, 5),
  // Minute 2: aggregated rejections count for as many as they stand for.
  row(EventType.AuthorizationDenied, 2, { error: 'invalid_request', count: 7 }),
  row(EventType.TokenRejected, 2, { error: 'invalid_grant' }),
  row(EventType.McpRequestDenied, 2, { status: 429, reason: 'rate_limited', count: 3 }),
  // Outside the window, and a type the dashboard does not count.
  row(EventType.TokenIssued, -1, { grant_type: 'authorization_code' }),
  row(EventType.TokenIssued, 5, { grant_type: 'authorization_code' }),
  row('auth.login.succeeded', 1, { subject: 'alice' }, 50),
];

function statsSuite(name: string, open: () => Promise<{ env: Record<string, string>; close(): Promise<void> }>) {
  describe(`GET /audit/stats on ${name}`, () => {
    let issuer: TestIssuer;
    let app: NestFastifyApplication;
    let base: string;
    let token: string;
    let storage: { close(): Promise<void> };

    beforeAll(async () => {
      issuer = await new TestIssuer(RESOURCE).start();
      const opened = await open();
      storage = opened;
      app = await createAuditApp(auditConfig({ ...opened.env, ISSUER_URL: issuer.issuer, RESOURCE_URL: RESOURCE, CONSOLE_ORIGINS: 'http://console.test:9000' }));
      const port = await freePort();
      await app.listen(port, '127.0.0.1');
      base = `http://127.0.0.1:${port}`;
      await app.get(DataSource).getRepository(AuditEventEntity).insert(rows);
      token = await issuer.mint({ claims: { aud: RESOURCE, scope: 'audit:read' } });
    });
    afterAll(async () => {
      await app?.close();
      await issuer?.stop();
      await storage?.close();
    });

    const get = (query: string, bearer = token) => fetch(`${base}/audit/stats?${query}`, { headers: { authorization: `Bearer ${bearer}` } });
    const window = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 5 * MINUTE).toISOString()}&bucket_seconds=60`;

    it('counts tokens by grant type, denials by reason and tool calls by tool and outcome, per bucket', async () => {
      const res = await get(window);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const stats = (await res.json()) as AuditStats;
      expect(stats).toMatchObject({ from: '2026-11-28T08:00:00.000Z', to: '2026-11-28T08:05:00.000Z', bucket_seconds: 60 });
      expect(stats.buckets.map((b) => b.start)).toEqual([0, 1, 2, 3, 4].map((m) => new Date(T0 + m * MINUTE).toISOString()));
      const [first, second, third, fourth] = stats.buckets;
      const byName = <T>(list: T[], key: (t: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
      expect(byName(first.tokens_issued, (t) => t.grant_type)).toEqual([
        { grant_type: 'authorization_code', count: 2 },
        { grant_type: 'client_credentials', count: 1 },
        { grant_type: 'refresh_token', count: 1 },
      ]);
      expect(byName(first.tool_calls, (t) => t.outcome)).toEqual([
        { tool: 'echo', outcome: 'error', count: 1 },
        { tool: 'echo', outcome: 'success', count: 2 },
      ]);
      expect(first.denials).toEqual([{ type: EventType.McpRequestDenied, reason: 'insufficient_scope', count: 1 }]);
      expect(byName(third.denials, (d) => d.type)).toEqual([
        { type: EventType.AuthorizationDenied, reason: 'invalid_request', count: 7 },
        { type: EventType.TokenRejected, reason: 'invalid_grant', count: 1 },
        { type: EventType.McpRequestDenied, reason: 'rate_limited', count: 3 },
      ]);
      // Eight events in the first minute with lags 5,5,5,10,20,30,40,1000: nearest rank p50 = 4th, p95 = 8th.
      expect(first.pipeline_lag_ms).toEqual({ p50: 10, p95: 1000, events: 8 });
      // The login event counts for the lag though not for the charts.
      expect(second).toMatchObject({ tokens_issued: [], denials: [], tool_calls: [], pipeline_lag_ms: { p50: 50, p95: 50, events: 1 } });
      expect(fourth).toMatchObject({ tokens_issued: [], pipeline_lag_ms: null });
    });

    it('cuts the window into wider buckets on request', async () => {
      const res = await get(`from=${new Date(T0).toISOString()}&to=${new Date(T0 + 5 * MINUTE).toISOString()}&bucket_seconds=300`);
      const stats = (await res.json()) as AuditStats;
      expect(stats.buckets).toHaveLength(1);
      expect(stats.buckets[0].tokens_issued.reduce((n, t) => n + t.count, 0)).toBe(4);
      expect(stats.buckets[0].denials.reduce((n, t) => n + t.count, 0)).toBe(12);
    });

    it('refuses a window it cannot answer with invalid_request, never a 500', async () => {
      const from = new Date(T0).toISOString();
      for (const query of [
        `from=${from}&to=${from}`,
        `from=${from}&to=${new Date(T0 + 40 * 24 * 3600_000).toISOString()}&bucket_seconds=86400`,
        `from=${from}&to=${new Date(T0 + 2 * 24 * 3600_000).toISOString()}&bucket_seconds=60`,
        'bucket_seconds=0',
        'bucket_seconds=abc',
        'from=yesterday',
        'tool=echo',
      ]) {
        const res = await get(query);
        expect({ query, status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({ query, status: 400, error: 'invalid_request' });
      }
    });

    it('is guarded like the query API: a bearer token for this resource with audit:read', async () => {
      expect((await fetch(`${base}/audit/stats`)).status).toBe(401);
      expect((await get(window, await issuer.mint({ claims: { aud: RESOURCE, scope: 'mcp:tools' } }))).status).toBe(403);
      expect((await get(window, await issuer.mint({ claims: { aud: 'http://localhost:3000/mcp', scope: 'audit:read' } }))).status).toBe(401);
    });

    it('answers browsers on the console origin only, with bearer tokens and never credentials (CORS)', async () => {
      const preflight = (origin: string, path = '/audit/stats') =>
        fetch(`${base}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      const allowed = await preflight('http://console.test:9000');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://console.test:9000');
      expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      expect((await preflight('http://evil.test', '/audit/events')).headers.get('access-control-allow-origin')).toBeNull();
      const res = await fetch(`${base}/audit/stats?${window}`, { headers: { authorization: `Bearer ${token}`, origin: 'http://console.test:9000' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('http://console.test:9000');
      expect(res.headers.get('vary')?.toLowerCase()).toContain('origin');
      // The resource metadata stays open to every browser-based client (RFC 9728 discovery).
      expect((await preflight('http://evil.test', '/.well-known/oauth-protected-resource/audit')).headers.get('access-control-allow-origin')).toBe('*');
    });
  });
}

statsSuite('PostgreSQL (partitioned)', async () => {
  const db: TestDatabase = await createTestDatabase('console_audit_stats');
  return { env: { DATABASE_URL: db.url }, close: () => db.drop() };
});

statsSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-audit-stats-'));
  return { env: { SQLITE_PATH: join(dir, 'audit.sqlite') }, close: async () => rmSync(dir, { recursive: true, force: true }) };
});
