import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { request } from 'node:http';
import { authorizationUrl, Browser, expectPage, isConsentPage, openLoginPage, PERSON, registerPublicClient, USERS } from '@portcullis/testing';
import { type GatewayStack, startGatewayStack, UPSTREAM_KEY } from '../testing/gateway-stack';

/*
 * The built gateway, two replicas, in front of upstreams nobody here wrote, with tokens from the
 * built authorization server (a person's code flow through its login and consent pages, or a
 * trusted client's client_credentials), spoken to by the official MCP SDK client.
 */

const ACCEPT = 'application/json, text/event-stream';

/** An SDK client on `resource` with a fixed token; `replicas` are tried in turn, request by request. */
async function connect(stack: GatewayStack, name: 'everything' | 'plain', token: string, replicas = [stack.gateways[0]]): Promise<Client> {
  let turn = 0;
  const roundRobin = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    url.port = String(replicas[turn++ % replicas.length].port);
    return fetch(url, init);
  };
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(stack.resource(name)), { fetch: roundRobin, requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  );
  return client;
}

function post(url: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
}

const call = (name: string, args: Record<string, unknown> = {}, id = 7) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

describe('mcp-gateway in front of real upstreams, with the real authorization server', () => {
  let stack: GatewayStack;
  let person: string;
  beforeAll(async () => {
    stack = await startGatewayStack();
    person = (await stack.as.codeFlow(stack.resource('everything'), 'everything:use')).access_token;
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it('challenges without a token and serves RFC 9728 metadata for each upstream at its path-inserted URL', async () => {
    const res = await post(stack.resource('everything'), undefined, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(401);
    const metadataUrl = `${stack.publicUrl}/.well-known/oauth-protected-resource/everything/mcp`;
    expect(res.headers.get('www-authenticate')).toBe(`Bearer scope="everything:use", resource_metadata="${metadataUrl}"`);
    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toMatchObject({
      resource: stack.resource('everything'),
      authorization_servers: [stack.as.issuer],
      scopes_supported: ['everything:use', 'everything:env', 'everything:images'],
      bearer_methods_supported: ['header'],
    });
  });

  it("shows the upstream's own scope descriptions from the gateway file on the consent page", async () => {
    const client = await registerPublicClient(stack.as.server);
    const { url } = await authorizationUrl(stack.as.server, { client, resource: stack.resource('everything'), scope: 'everything:use everything:env' });
    const browser = new Browser(stack.as.issuer);
    const login = await openLoginPage(browser, url);
    const consent = expectPage(await browser.submit(login, { username: PERSON.username, password: PERSON.password }));
    expect(isConsentPage(consent)).toBe(true);
    expect(consent.html).toContain('Use the reference server');
    expect(consent.html).toContain('Read the reference server environment');
  });

  it('lists to a person only the tools the policy permits, keeping the one a consent could add, and calls one', async () => {
    const client = await connect(stack, 'everything', person);
    const { tools } = await client.listTools();
    // get-env needs everything:env (a person could consent: listed); get-tiny-image a privileged
    // scope; gzip-* is denied; every other tool is not covered by policy (denied by default).
    expect(tools.map((t) => t.name).sort()).toEqual(['echo', 'get-env', 'get-sum', 'trigger-long-running-operation']);
    expect(await client.callTool({ name: 'echo', arguments: { message: 'through the gateway' } })).toMatchObject({
      content: [{ type: 'text', text: 'Echo: through the gateway' }],
    });
    await client.close();
  }, 30_000);

  it('applies the same policy to resources (by URI pattern) and prompts (by name)', async () => {
    const client = await connect(stack, 'everything', person);
    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.every((r) => r.uri.startsWith('demo://resource/static/document/'))).toBe(true);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(['demo://resource/dynamic/text/{resourceId}']);
    expect((await client.readResource({ uri: resources[0].uri })).contents[0].uri).toBe(resources[0].uri);
    await expect(client.readResource({ uri: 'demo://resource/dynamic/blob/1' })).rejects.toThrow(/Unknown resource: demo:\/\/resource\/dynamic\/blob\/1/);
    expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(['args-prompt', 'simple-prompt']);
    expect((await client.getPrompt({ name: 'simple-prompt' })).messages.length).toBeGreaterThan(0);
    await client.close();
    const refused = await post(stack.resource('everything'), person, { jsonrpc: '2.0', id: 3, method: 'prompts/get', params: { name: 'args-prompt', arguments: { city: 'x' } } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="everything:use everything:env"');
  }, 30_000);

  it('lists to a machine client only what it can call now (no person can widen its scope)', async () => {
    const service = await stack.as.registerTrusted('everything:use');
    const { access_token } = await stack.as.clientCredentials(service, stack.resource('everything'), 'everything:use');
    const client = await connect(stack, 'everything', access_token);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['echo', 'get-sum', 'trigger-long-running-operation']);
    await client.close();
  }, 30_000);

  it('answers a tool needing more scope with 403 insufficient_scope naming every scope it needs (step-up)', async () => {
    const res = await post(stack.resource('everything'), person, call('get-env'));
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="everything:use everything:env"');
    expect(challenge).toContain(`resource_metadata="${stack.publicUrl}/.well-known/oauth-protected-resource/everything/mcp"`);
  });

  it('refuses a tool the policy denies as an unknown tool, with no challenge (no scope would help)', async () => {
    const res = await post(stack.resource('everything'), person, call('gzip-file-as-resource', { name: 'x', data: 'http://x' }, 9));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32602, message: 'Unknown tool: gzip-file-as-resource' } });
  });

  it('refuses a token for another upstream (audience bound per upstream)', async () => {
    const res = await post(stack.resource('plain'), person, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('keeps a stateful upstream session across two gateway replicas', async () => {
    const client = await connect(stack, 'everything', person, stack.gateways);
    for (let i = 0; i < 3; i++) {
      expect(await client.callTool({ name: 'get-sum', arguments: { a: i, b: 1 } })).toMatchObject({ content: [{ text: expect.stringContaining(`${i + 1}`) }] });
    }
    await client.close();
  }, 30_000);

  it('streams SSE as it arrives: the first progress event comes long before the stream ends', async () => {
    const client = await connect(stack, 'everything', person);
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId as string;
    const started = Date.now();
    const res = await post(
      stack.resource('everything'),
      person,
      { ...call('trigger-long-running-operation', { duration: 3, steps: 3 }), params: { name: 'trigger-long-running-operation', arguments: { duration: 3, steps: 3 }, _meta: { progressToken: 1 } } },
      { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let firstProgressAt: number | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (firstProgressAt === undefined && text.includes('notifications/progress')) firstProgressAt = Date.now() - started;
    }
    const total = Date.now() - started;
    expect(text).toContain('Long running operation completed');
    expect(firstProgressAt).toBeDefined();
    expect(total - (firstProgressAt as number)).toBeGreaterThan(1500);
    await client.close();
  }, 30_000);

  it('never passes the client token upstream: the upstream gets its own credential and a gateway-signed identity JWT', async () => {
    const service = await stack.as.registerTrusted('plain:use');
    const { access_token } = await stack.as.clientCredentials(service, stack.resource('plain'), 'plain:use');
    stack.plain.requests.length = 0;
    const client = await connect(stack, 'plain', access_token);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['fail', 'whoami']);
    expect(await client.callTool({ name: 'whoami', arguments: { name: 'gw' } })).toMatchObject({ content: [{ text: 'hello gw' }] });
    expect(await client.callTool({ name: 'fail', arguments: {} })).toMatchObject({ isError: true });
    await client.close();
    expect(stack.plain.requests.length).toBeGreaterThan(0);
    const jwks = createRemoteJWKSet(new URL(`${stack.publicUrl}/.well-known/jwks.json`));
    for (const headers of stack.plain.requests) {
      expect(headers.authorization).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(access_token);
      expect(headers['x-upstream-key']).toBe(UPSTREAM_KEY);
      const { payload, protectedHeader } = await jwtVerify(headers['portcullis-identity'] as string, jwks, {
        issuer: stack.publicUrl,
        audience: stack.plain.url,
        typ: 'portcullis-identity+jwt',
        algorithms: ['EdDSA'],
      });
      expect(protectedHeader.alg).toBe('EdDSA');
      expect(payload).toMatchObject({ sub: service.client_id, client_id: service.client_id, scope: 'plain:use' });
      expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(60);
    }
  }, 30_000);

  it('passes batches, notifications and unknown methods untouched: the client gets what the upstream answers directly', async () => {
    const service = await stack.as.registerTrusted('plain:use');
    const { access_token } = await stack.as.clientCredentials(service, stack.resource('plain'), 'plain:use');
    const v = { 'mcp-protocol-version': '2025-03-26' };
    const bodies = [
      [
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', id: 2, method: 'some/future-method', params: { x: 1 } },
      ],
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: { name: 42 } } },
    ];
    for (const body of bodies) {
      const direct = await post(stack.plain.url, undefined, body, v);
      const through = await post(stack.resource('plain'), access_token, body, v);
      expect(through.status).toBe(direct.status);
      expect(through.headers.get('content-type')).toBe(direct.headers.get('content-type'));
      expect(await through.text()).toBe(await direct.text());
    }
  });

  it('answers browsers with CORS on streamed answers and preflights, exposing the MCP and challenge headers', async () => {
    const origin = 'https://inspector.example';
    const preflight = await fetch(stack.resource('everything'), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-session-id' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const res = await post(stack.resource('everything'), person, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'b', version: '1' } } }, { origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('Mcp-Session-Id');
    await res.text();
    const refused = await post(stack.resource('everything'), undefined, { jsonrpc: '2.0', id: 1, method: 'ping' }, { origin });
    expect(refused.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('answers for an upstream that is down with a JSON-RPC error (502), promptly', async () => {
    const service = await stack.as.registerTrusted('down:use');
    const { access_token } = await stack.as.clientCredentials(service, stack.resource('down'), 'down:use');
    const started = Date.now();
    const res = await post(stack.resource('down'), access_token, { jsonrpc: '2.0', id: 4, method: 'tools/list' });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32010, message: 'upstream down is unreachable' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers for an upstream that never answers with a JSON-RPC error (504) after its timeout, not a hang', async () => {
    const service = await stack.as.registerTrusted('silent:use');
    const { access_token } = await stack.as.clientCredentials(service, stack.resource('silent'), 'silent:use');
    const started = Date.now();
    const res = await post(stack.resource('silent'), access_token, { jsonrpc: '2.0', id: 'x', method: 'initialize', params: {} });
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 'x', error: { code: -32011, message: 'upstream silent did not answer within 800 ms' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('passes GET streams and DELETE through: a session ended through one replica is gone at the other', async () => {
    const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
    const started = await post(stack.resource('everything'), person, initialize);
    expect(started.status).toBe(200);
    await started.text();
    // The session the upstream created comes back through the gateway.
    const sessionHeaders = { 'mcp-session-id': started.headers.get('mcp-session-id') as string, 'mcp-protocol-version': '2025-06-18' };
    expect(sessionHeaders['mcp-session-id']).toMatch(/^[\w-]{8,}$/);
    const session = { ...sessionHeaders, authorization: `Bearer ${person}` };
    const stream = await fetch(stack.resource('everything'), { headers: { accept: 'text/event-stream', ...session }, signal: AbortSignal.timeout(5000) });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
    const other = `http://127.0.0.1:${stack.gateways[1].port}/everything/mcp`;
    expect((await fetch(other, { method: 'DELETE', headers: session })).status).toBe(200);
    // The upstream's own answer to a session it no longer has reaches the client as it is.
    const direct = await post(stack.everything.url, undefined, call('echo', { message: 'x' }), sessionHeaders);
    const through = await post(stack.resource('everything'), person, call('echo', { message: 'x' }), session);
    expect(direct.status).toBeGreaterThanOrEqual(400);
    expect(through.status).toBe(direct.status);
    expect(await through.text()).toBe(await direct.text());
  }, 30_000);

  it('applies revocations at every replica: a revoked token is refused as invalid_token', async () => {
    const tokens = await stack.as.codeFlow(stack.resource('everything'), 'everything:use');
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const urls = stack.gateways.map((g) => `http://127.0.0.1:${g.port}/everything/mcp`);
    for (const url of urls) expect((await post(url, tokens.access_token, list)).status).not.toBe(401);
    expect((await stack.as.revoke(tokens.client, tokens.access_token)).status).toBe(200);
    for (const url of urls) {
      const deadline = Date.now() + 5000;
      let res = await post(url, tokens.access_token, list);
      while (res.status !== 401 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        res = await post(url, tokens.access_token, list);
      }
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error_description="the access token has been revoked"');
    }
  }, 30_000);

  it("refuses a client_credentials token once its client is disabled or deleted (the client cutoff), at every replica and a late one; others' keep working", async () => {
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const urls = stack.gateways.map((g) => `http://127.0.0.1:${g.port}/everything/mcp`);
    const machine = async () => {
      const client = await stack.as.registerTrusted('everything:use');
      return { client, token: (await stack.as.clientCredentials(client, stack.resource('everything'), 'everything:use')).access_token };
    };
    const refusedEverywhere = async (token: string, at: string[]) => {
      for (const url of at) {
        const deadline = Date.now() + 5000;
        let res = await post(url, token, list);
        while (res.status !== 401 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          res = await post(url, token, list);
        }
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('error_description="the access token has been revoked"');
      }
    };
    const [disabled, deleted, bystander] = [await machine(), await machine(), await machine()];
    for (const url of urls) for (const m of [disabled, deleted, bystander]) expect((await post(url, m.token, list)).status).not.toBe(401);

    const operator = (await stack.as.codeFlow(`${stack.as.issuer}/admin`, 'admin:write', { trusted: true, person: USERS.root })).access_token;
    const disabling = await fetch(`${stack.as.issuer}/admin/clients/${encodeURIComponent(disabled.client.client_id)}/disable`, { method: 'POST', headers: { authorization: `Bearer ${operator}` } });
    expect(disabling.status).toBe(200);
    expect((await stack.as.deleteClient(deleted.client)).status).toBe(204);
    // No broker here: each replica polls /revocations (every 200 ms in this stack).
    await refusedEverywhere(disabled.token, urls);
    await refusedEverywhere(deleted.token, urls);
    for (const url of urls) expect((await post(url, bystander.token, list)).status).not.toBe(401);

    const late = await stack.startReplica();
    const lateUrl = `http://127.0.0.1:${late.port}/everything/mcp`;
    // It read the list before it served: refused on first sight.
    expect((await post(lateUrl, disabled.token, list)).status).toBe(401);
    expect((await post(lateUrl, deleted.token, list)).status).toBe(401);
    expect((await post(lateUrl, bystander.token, list)).status).not.toBe(401);
  }, 60_000);

  it('answers an unknown upstream with 404, and refuses an oversized session header without passing it on', async () => {
    expect((await post(`${stack.publicUrl}/nowhere/mcp`, person, { jsonrpc: '2.0', id: 1, method: 'ping' })).status).toBe(404);
    expect((await fetch(`${stack.publicUrl}/.well-known/oauth-protected-resource/nowhere/mcp`)).status).toBe(404);
    const res = await post(stack.resource('everything'), person, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': 'x'.repeat(257) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600, message: expect.stringContaining('mcp-session-id') } });
  });

  it('refuses a Host it does not serve (DNS rebinding) before anything else', async () => {
    // fetch will not send another Host; node:http will.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(stack.resource('everything'), { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('audits tool calls and refusals with the upstream named, and never a token', async () => {
    const called = await stack.sink.waitFor((e) => e.type === 'mcp.tool.called' && e.data['tool'] === 'echo');
    expect(called.source).toBe('/portcullis/mcp-gateway');
    expect(called.data).toMatchObject({ upstream: 'everything', outcome: 'success', client_id: expect.any(String), subject: expect.any(String) });
    const failed = await stack.sink.waitFor((e) => e.type === 'mcp.tool.called' && e.data['tool'] === 'fail');
    expect(failed.data).toMatchObject({ upstream: 'plain', outcome: 'error', error: 'tool_error' });
    const stepUp = await stack.sink.waitFor((e) => e.type === 'mcp.request.denied' && e.data['reason'] === 'insufficient_scope' && e.data['tool'] === 'get-env');
    expect(stepUp.data).toMatchObject({ status: 403, upstream: 'everything', tool: 'get-env', required_scopes: ['everything:use', 'everything:env'] });
    const policy = await stack.sink.waitFor((e) => e.type === 'mcp.request.denied' && e.data['reason'] === 'denied_by_policy' && e.data['method'] === 'tools/call');
    expect(policy.data).toMatchObject({ status: 403, upstream: 'everything', tool: 'gzip-file-as-resource' });
    const resource = await stack.sink.waitFor((e) => e.type === 'mcp.request.denied' && e.data['method'] === 'resources/read');
    expect(resource.data).toMatchObject({ status: 403, reason: 'denied_by_policy', upstream: 'everything' });
    expect(stack.sink.bodies.join('\n')).not.toContain(person);
  }, 30_000);
  // Last: it stops replica B.
  it('drains on SIGTERM: a streamed call in flight finishes, readiness fails first, then the replica exits', async () => {
    const replica = stack.gateways[1];
    const url = `http://127.0.0.1:${replica.port}/everything/mcp`;
    const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
    const started = await post(url, person, initialize);
    await started.text();
    const session = { 'mcp-session-id': started.headers.get('mcp-session-id') as string, 'mcp-protocol-version': '2025-06-18' };
    const long = await post(url, person, call('trigger-long-running-operation', { duration: 2, steps: 2 }), session);
    expect(long.status).toBe(200);
    const exited = replica.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`http://127.0.0.1:${replica.port}/health/ready`)).status).toBe(503);
    expect(await long.text()).toContain('Long running operation completed');
    await exited;
    await expect(fetch(`http://127.0.0.1:${replica.port}/health/live`)).rejects.toThrow();
  }, 30_000);
});
