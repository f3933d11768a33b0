import { createTestDatabase, freePort, type RealAuthServer, type RunningService, scrapeMetrics, startRealAuthServer, startService, type TestDatabase } from '@portcullis/testing';

/*
 * /metrics of the built mcp-server and of the real authorization server it trusts, both on
 * PostgreSQL and RabbitMQ: the counts move after a token request, a tool call, a denial and a
 * revocation; the outbox gauges read the database; the scraper's token is required; no label
 * carries a client_id, a subject or a token.
 */

const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const METRICS_TOKEN = 'mcp-metrics-test-token-0123456789abcdef';

function call(url: string, token: string | undefined, tool = 'analyze_sentiment'): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: { text: 'Acme beats' } } }),
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mcp-server and auth-server black box: /metrics on PostgreSQL and RabbitMQ', () => {
  let as: RealAuthServer;
  let mcp: RunningService;
  let db: TestDatabase;
  let resource: string;

  beforeAll(async () => {
    db = await createTestDatabase('portcullis_metrics');
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    as = await startRealAuthServer('postgres', { MCP_RESOURCE_URL: resource, BROKER_URL });
    mcp = await startService('mcp-server', port, { RESOURCE_URL: resource, ISSUER_URL: as.issuer, DATABASE_URL: db.url, BROKER_URL, METRICS_TOKEN });
  }, 90_000);
  afterAll(async () => {
    await mcp?.stop();
    await as?.stop();
    await db?.drop();
  }, 30_000);

  it('asks for the scraper token, and is neither cached nor readable cross-origin', async () => {
    const none = await fetch(`${mcp.url}/metrics`, { headers: { origin: 'https://evil.example' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await fetch(`${mcp.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}`, origin: 'https://evil.example' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
    await ok.arrayBuffer();
    // Prometheus reaches replicas by IP: the Host check of /mcp does not apply here.
    const byIp = await fetch(`${mcp.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}`, host: '10.1.2.3:3000' } });
    expect(byIp.status).toBe(200);
    await byIp.arrayBuffer();
  });

  it('counts tokens, tool calls, denials and revocations, with no client, subject or token in any label', async () => {
    const asBefore = await scrapeMetrics(as.issuer);
    const before = await scrapeMetrics(mcp.url, METRICS_TOKEN);

    const client = await as.registerTrusted('sentiment:analyze');
    const { access_token } = await as.clientCredentials(client, resource, 'sentiment:analyze');
    const badClient = await fetch(`${as.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:wrong`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'sentiment:analyze' }),
    });
    expect(badClient.status).toBe(401);
    const odd = await fetch(`${as.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=urn%3Aattacker%3Achosen' });
    expect(odd.status).toBe(400);

    expect((await call(mcp.url, access_token)).status).toBe(200);
    // A name the caller made up: a JSON-RPC error, counted under "other", never as a label of its own.
    expect((await call(mcp.url, access_token, 'no_such_tool_from_a_caller')).status).toBe(200);
    expect((await call(mcp.url, undefined)).status).toBe(401);
    expect((await as.revoke(client, access_token)).status).toBe(200);

    // Tokens: issued, a bad client, a grant type nobody registered (named "unsupported", not as sent).
    const asAfter = await scrapeMetrics(as.issuer);
    const grants = (grant_type: string, outcome: string) => asAfter.since(asBefore, 'portcullis_auth_token_requests_total', { grant_type, outcome });
    expect(grants('client_credentials', 'issued')).toBe(1);
    expect(grants('client_credentials', 'invalid_client')).toBe(1);
    expect(grants('unsupported', 'unsupported_grant_type')).toBe(1);
    expect(asAfter.labelValues().has('urn:attacker:chosen')).toBe(false);

    // The mcp-server: the tool call, the denials, the revocation applied (pushed over RabbitMQ).
    let after = before;
    await eventually(async () => {
      after = await scrapeMetrics(mcp.url, METRICS_TOKEN);
      return after.value('portcullis_revocation_lag_seconds') > before.value('portcullis_revocation_lag_seconds');
    });
    const delta = (name: string, labels: Record<string, string> = {}) => after.since(before, name, labels);
    expect(delta('portcullis_mcp_tool_call_duration_seconds', { tool: 'analyze_sentiment', outcome: 'success' })).toBe(1);
    expect(delta('portcullis_mcp_request_denials_total', { reason: 'missing_token' })).toBe(1);
    expect(delta('portcullis_mcp_tool_call_duration_seconds', { tool: 'other', outcome: 'error' })).toBe(1);
    expect(delta('portcullis_mcp_request_denials_total')).toBe(1);
    expect(after.labelValues().has('no_such_tool_from_a_caller')).toBe(false);
    expect(delta('portcullis_revocation_lag_seconds')).toBe(1);

    // The outbox (PostgreSQL): the events of the call and the denials were published, none waits for long.
    await eventually(async () => {
      after = await scrapeMetrics(mcp.url, METRICS_TOKEN);
      return after.value('portcullis_outbox_backlog_events') === 0 && delta('portcullis_outbox_published_events_total') >= 3;
    });
    expect(after.value('portcullis_outbox_oldest_event_age_seconds')).toBe(0);
    expect(after.value('portcullis_metrics_sample_failures_total')).toBe(0);

    for (const scrape of [asAfter, after]) {
      const values = scrape.labelValues();
      for (const secret of [client.client_id, access_token]) expect(values.has(secret)).toBe(false);
      for (const name of ['client_id', 'subject', 'sub', 'jti', 'username']) expect(scrape.labelNames().has(name)).toBe(false);
    }
  }, 60_000);
});
