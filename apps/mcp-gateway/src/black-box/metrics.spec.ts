import { scrapeMetrics } from '@portcullis/testing';
import { type GatewayStack, startGatewayStack } from '../testing/gateway-stack';

/*
 * /metrics of the built gateway, scraped by Prometheus's rules: after real tool calls through it
 * (to the stateless SDK upstream, with tokens of the real authorization server), the latency
 * histogram counts each call by upstream, tool and outcome, and the denial counter each refusal
 * by upstream and reason. A tool is a label only when the policy names it exactly; a name a
 * caller or upstream made up is "other". The scraper's token is required; METRICS_ENABLED=false
 * turns the endpoint off.
 */

const METRICS_TOKEN = 'gateway-metrics-test-token-0123456789abcdef';
const CALLS = 'portcullis_gateway_tool_call_duration_seconds';
const DENIALS = 'portcullis_gateway_request_denials_total';
/** The per-subject limit of the "counted" upstream: calls past it in the window are refused. */
const PER_SUBJECT = 5;

function callTool(url: string, token: string | undefined, name: string, args: Record<string, unknown> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
}

describe('mcp-gateway black box: /metrics', () => {
  let stack: GatewayStack;

  beforeAll(async () => {
    stack = await startGatewayStack({
      env: { METRICS_TOKEN },
      upstreams: ({ plain }) => [
        {
          name: 'counted',
          url: plain,
          auth: { type: 'header', header: 'x-upstream-key', valueFromEnv: 'PLAIN_UPSTREAM_KEY' },
          scopes: [{ name: 'counted:use', description: 'Use a server whose calls are counted' }],
          connectScopes: ['counted:use'],
          tools: [
            { tool: 'whoami', scopes: [] },
            { tool: 'fail', scopes: [] },
            { tool: 'internal-*', deny: true },
          ],
          uncoveredTools: 'allow',
          limits: { perSubject: { requests: PER_SUBJECT, perSeconds: 300 } },
        },
      ],
    });
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it('asks for the scraper token: 401 without it or with a wrong one, 200 with it', async () => {
    const url = `${stack.gateways[0].url}/metrics`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    await none.arrayBuffer();
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('portcullis_gateway');
    const right = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(right.headers.get('cache-control')).toBe('no-store');
    expect(await right.text()).toContain(`# TYPE ${CALLS} histogram`);
  });

  it('counts allowed calls by upstream, exact tool name and outcome, and refusals by reason, with no caller in any label', async () => {
    const resource = stack.resource('counted');
    const client = await stack.as.registerTrusted('counted:use');
    const { access_token } = await stack.as.clientCredentials(client, resource, 'counted:use');
    const gateway = stack.gateways[0];
    const before = await scrapeMetrics(gateway.url, METRICS_TOKEN);

    // Allowed: two named tools (one succeeding, one answering isError), and a name the policy
    // does not spell out (the upstream answers "unknown tool"), which must not become a label.
    expect((await callTool(resource, access_token, 'whoami', { name: 'ada' })).status).toBe(200);
    expect((await callTool(resource, access_token, 'whoami', { name: 'bob' })).status).toBe(200);
    expect((await callTool(resource, access_token, 'fail')).status).toBe(200);
    expect((await callTool(resource, access_token, 'made-up-by-a-caller')).status).toBe(200);
    // Refused before the upstream: by policy, without a token, with a token for another upstream.
    expect((await callTool(resource, access_token, 'internal-reset')).status).toBe(403);
    expect((await callTool(resource, undefined, 'whoami', { name: 'eve' })).status).toBe(401);
    expect((await callTool(stack.resource('plain'), access_token, 'whoami', { name: 'eve' })).status).toBe(401);
    // The limit counts every request the access guard let through: 4 so far, so one more passes, the next is refused.
    expect((await callTool(resource, access_token, 'whoami', { name: 'cy' })).status).toBe(200);
    expect((await callTool(resource, access_token, 'whoami', { name: 'dee' })).status).toBe(429);

    const after = await scrapeMetrics(gateway.url, METRICS_TOKEN);
    const calls = (labels: Record<string, string>) => after.since(before, CALLS, { upstream: 'counted', ...labels });
    expect(calls({ tool: 'whoami', outcome: 'success' })).toBe(3);
    expect(calls({ tool: 'fail', outcome: 'error' })).toBe(1);
    expect(calls({ tool: 'other', outcome: 'error' })).toBe(1);
    // Nothing refused reached the histogram, and no call was counted for another upstream.
    expect(calls({})).toBe(5);
    expect(after.since(before, CALLS)).toBe(5);
    // The histogram's time is real: every observation is above 0 and lands in a finite bucket.
    const sum = after.families.get(CALLS)!.samples.find((s) => s.name === `${CALLS}_sum` && s.labels.upstream === 'counted' && s.labels.tool === 'whoami');
    expect(sum!.value).toBeGreaterThan(0);

    const denials = (upstream: string, reason: string) => after.since(before, DENIALS, { upstream, reason });
    expect(denials('counted', 'denied_by_policy')).toBe(1);
    expect(denials('counted', 'missing_token')).toBe(1);
    expect(denials('plain', 'wrong_audience')).toBe(1);
    expect(denials('counted', 'rate_limited')).toBe(1);
    expect(after.since(before, DENIALS)).toBe(4);

    const values = after.labelValues();
    for (const secret of ['made-up-by-a-caller', 'internal-reset', client.client_id, access_token]) expect(values.has(secret)).toBe(false);
    for (const name of ['client_id', 'subject', 'sub', 'jti']) expect(after.labelNames().has(name)).toBe(false);
  }, 60_000);

  it('answers 404 on a replica started with METRICS_ENABLED=false', async () => {
    const off = await stack.startReplica({ METRICS_ENABLED: 'false' });
    const res = await fetch(`${off.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('portcullis_');
    // The replica serves all the same: metrics off is not the gateway off.
    expect((await fetch(`${off.url}/health/live`)).status).toBe(200);
  }, 60_000);
});
