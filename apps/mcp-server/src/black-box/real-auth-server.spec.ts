import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DEFAULT_RESOURCES } from '@portcullis/scopes';
import { type Backend, createTestDatabase, EventSink, freePort, type RealAuthServer, type RunningService, startRealAuthServer, startService, type TestDatabase } from '@portcullis/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * The built mcp-server against the built authorization server: every token here was issued by
 * the real thing (client credentials, or a person's code flow through its login and consent
 * pages), and the MCP side is the official SDK client.
 */

const ALL_MCP = 'sentiment:analyze sentiment:read watchlist:read watchlist:write';

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'real-as-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

async function callEachTool(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(['analyze_sentiment', 'ticker_sentiment', 'watchlist_add', 'watchlist_list', 'watchlist_remove']);
  expect((await client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Globex downgraded after guidance cut' } })).structuredContent).toMatchObject({
    label: 'negative',
  });
  expect((await client.callTool({ name: 'ticker_sentiment', arguments: { ticker: 'ACME', days: 30 } })).structuredContent).toMatchObject({
    ticker: 'ACME',
    label: 'positive',
  });
  expect((await client.callTool({ name: 'watchlist_add', arguments: { ticker: 'INIT' } })).structuredContent).toMatchObject({ added: true });
  expect((await client.callTool({ name: 'watchlist_list', arguments: {} })).structuredContent).toEqual({ tickers: ['INIT'] });
  expect((await client.callTool({ name: 'watchlist_remove', arguments: { ticker: 'INIT' } })).structuredContent).toMatchObject({ removed: true, tickers: [] });
}

function postTool(url: string, token: string, name: string, args: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
}

interface Stack {
  as: RealAuthServer;
  resource: string;
  replicas: RunningService[];
  stop(): Promise<void>;
}

/** One authorization server and `replicas` mcp-server processes sharing one resource identifier. */
async function startStack(backend: Backend, replicas: number): Promise<Stack> {
  const ports = await Promise.all(Array.from({ length: replicas }, () => freePort()));
  const resource = `http://127.0.0.1:${ports[0]}/mcp`;
  const as = await startRealAuthServer(backend, { MCP_RESOURCE_URL: resource });
  const sink = await new EventSink().start();
  let db: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-real-'));
  const running: RunningService[] = [];
  try {
    if (backend === 'postgres') db = await createTestDatabase('mcp_real');
    for (const [i, port] of ports.entries()) {
      running.push(
        await startService('mcp-server', port, {
          RESOURCE_URL: resource,
          ISSUER_URL: as.issuer,
          AUDIT_INGEST_URL: sink.url,
          ...(db ? { DATABASE_URL: db.url } : { DATABASE_URL: undefined, SQLITE_PATH: join(dir, `mcp-${i}.sqlite`) }),
        }),
      );
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.stop()));
    await as.stop();
    await sink.stop();
    await db?.drop();
    throw err;
  }
  return {
    as,
    resource,
    replicas: running,
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
      await as.stop();
      await sink.stop();
      await db?.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('mcp-server with the real authorization server (SQLite)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('sqlite', 2);
  }, 90_000);
  afterAll(() => stack?.stop(), 30_000);

  const mcp = () => stack.replicas[0].url;

  it('serves a client_credentials token of a trusted client: lists the tools and calls each', async () => {
    const service = await stack.as.registerTrusted(ALL_MCP);
    const { access_token } = await stack.as.clientCredentials(service, stack.resource, ALL_MCP);
    const client = await connect(mcp(), access_token);
    await callEachTool(client);
    await client.close();
  });

  it('serves a token from the code flow (login, consent, PKCE S256, resource bound)', async () => {
    const tokens = await stack.as.codeFlow(stack.resource, `${ALL_MCP} offline_access`);
    expect(tokens.refresh_token).toBeDefined();
    const client = await connect(mcp(), tokens.access_token);
    await callEachTool(client);
    await client.close();
  }, 30_000);

  it('steps up: without watchlist:write a 403 names the scope; a new token with it succeeds', async () => {
    const reader = await stack.as.codeFlow(stack.resource, 'sentiment:analyze watchlist:read');
    const refused = await postTool(mcp(), reader.access_token, 'watchlist_add', { ticker: 'ACME' });
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="watchlist:write"');
    expect(challenge).toContain(`resource_metadata="${new URL(stack.resource).origin}/.well-known/oauth-protected-resource/mcp"`);
    const sdkReader = await connect(mcp(), reader.access_token);
    await expect(sdkReader.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } })).rejects.toThrow(/insufficient_scope/);
    await sdkReader.close();

    const writer = await stack.as.codeFlow(stack.resource, 'sentiment:analyze watchlist:read watchlist:write');
    const client = await connect(mcp(), writer.access_token);
    expect((await client.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } })).structuredContent).toMatchObject({ added: true });
    await client.close();
  }, 45_000);

  it('refuses a token the same authorization server issued for the audit resource (401 invalid_token)', async () => {
    const auditor = await stack.as.registerTrusted('audit:read');
    const { access_token } = await stack.as.clientCredentials(auditor, DEFAULT_RESOURCES.audit, 'audit:read');
    const res = await postTool(mcp(), access_token, 'analyze_sentiment', { text: 'Acme beats' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain('issued for another resource');
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('two mcp-server processes accept the same real token', async () => {
    const service = await stack.as.registerTrusted('sentiment:analyze');
    const { access_token } = await stack.as.clientCredentials(service, stack.resource, 'sentiment:analyze');
    for (const replica of stack.replicas) {
      const client = await connect(replica.url, access_token);
      expect((await client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates' } })).structuredContent).toMatchObject({
        label: 'positive',
      });
      await client.close();
      expect(replica.output()).not.toContain(access_token);
    }
  });
});

describe('mcp-server with the real authorization server (PostgreSQL for both)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('postgres', 1);
  }, 90_000);
  afterAll(() => stack?.stop(), 30_000);

  it('serves client_credentials and code-flow tokens: lists the tools and calls each', async () => {
    const service = await stack.as.registerTrusted(ALL_MCP);
    const machine = await stack.as.clientCredentials(service, stack.resource, ALL_MCP);
    const client = await connect(stack.replicas[0].url, machine.access_token);
    await callEachTool(client);
    await client.close();
    const person = await stack.as.codeFlow(stack.resource, ALL_MCP);
    const personClient = await connect(stack.replicas[0].url, person.access_token);
    await callEachTool(personClient);
    await personClient.close();
  }, 45_000);
});
