import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from '@portcullis/testing';
import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const ROBOT = { id: 'start-robot', secret: 'start-robot-secret-0123456789abcdef' };

/**
 * `npm start` as a newcomer runs it (scripts/start.mjs from the built output), on free ports and
 * a temporary data directory: the gateway comes up in front of the demo upstream, the
 * auth-server knows the demo upstream's resource and scopes from the same gateway file, and a
 * machine client's token reaches the demo upstream's tools through the gateway.
 */
describe('npm start with the MCP gateway', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let issuer: string;
  let gateway: string;
  let resource: string;

  beforeAll(async () => {
    for (const app of ['auth-server', 'audit-service', 'mcp-server', 'mcp-gateway']) {
      if (!existsSync(join(ROOT, 'dist/apps', app, 'main.js'))) throw new Error(`dist/apps/${app}/main.js is missing: build first`);
    }
    dir = mkdtempSync(join(tmpdir(), 'portcullis-start-'));
    const [authPort, mcpPort, auditPort, gatewayPort, upstreamPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    issuer = `http://localhost:${authPort}`;
    gateway = `http://localhost:${gatewayPort}`;
    resource = `${gateway}/demo/mcp`;
    const clientsFile = join(dir, 'clients.json');
    writeFileSync(
      clientsFile,
      JSON.stringify([{ client_id: ROBOT.id, client_name: 'Start robot', grant_types: ['client_credentials'], scope: 'demo:read', client_secret: ROBOT.secret }]),
    );
    const env: Record<string, string | undefined> = {
      ...process.env,
      SKIP_BUILD: 'true',
      DATA_DIR: join(dir, 'data'),
      ISSUER_URL: issuer,
      MCP_RESOURCE_URL: `http://localhost:${mcpPort}/mcp`,
      AUDIT_URL: `http://localhost:${auditPort}`,
      GATEWAY_URL: gateway,
      DEMO_UPSTREAM_PORT: String(upstreamPort),
      CLIENTS_FILE: clientsFile,
    };
    for (const k of ['PORT', 'GATEWAY_CONFIG_FILE', 'IDENTITY_KEY_FILE', 'DATABASE_URL', 'BROKER_URL', 'AUDIT_INGEST_PRODUCERS', 'AUDIT_INGEST_SECRET']) delete env[k];
    child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 90_000;
    while (!output.includes('Portcullis is running.')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the gateway, the demo upstream and how to add your own server', () => {
    expect(output).toContain(`MCP gateway               ${gateway}/<upstream>/mcp`);
    expect(output).toContain(resource);
    expect(output).toContain('Protect your own MCP server');
    expect(output).toContain(`Console                   ${issuer}/console/`);
    // The generated file both services read.
    const file = JSON.parse(readFileSync(join(dir, 'data/gateway.json'), 'utf8')) as { publicUrl: string; upstreams: { name: string }[] };
    expect(file.publicUrl).toBe(gateway);
    expect(file.upstreams.map((u) => u.name)).toEqual(['demo']);
  });

  it("serves the demo upstream's protected resource metadata (RFC 9728)", async () => {
    const res = await fetch(`${gateway}/.well-known/oauth-protected-resource/demo/mcp`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
    expect(body.resource).toBe(resource);
    expect(body.authorization_servers).toEqual([issuer]);
    expect(body.scopes_supported).toEqual(expect.arrayContaining(['demo:read', 'demo:write']));
  });

  it('answers an unauthenticated MCP request with 401 and the metadata URL', async () => {
    const res = await fetch(resource, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${gateway}/.well-known/oauth-protected-resource/demo/mcp"`);
  });

  it("lets the auth-server issue tokens for the demo upstream, and only with the file's scopes", async () => {
    const refused = await token('demo:write');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_scope');
    const granted = await token('demo:read');
    expect(granted.status).toBe(200);
    expect(granted.body.scope).toBe('demo:read');
  });

  it('calls a demo tool through the gateway, which vouches for the caller to the upstream', async () => {
    const { body } = await token('demo:read');
    const transport = new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${body.access_token}` } } });
    const client = new Client({ name: 'start-e2e', version: '1.0.0' });
    await client.connect(transport);
    try {
      const tools = await client.listTools();
      // A machine client has no person to consent to more: add_note (demo:write) is hidden from it.
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['echo', 'whoami']);
      const echoed = await client.callTool({ name: 'echo', arguments: { message: 'through the gateway' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'through the gateway' }]);
      // The demo upstream answers only with a valid Portcullis-Identity: these are its claims.
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      expect(JSON.parse((who.content as { text: string }[])[0].text)).toEqual({ sub: ROBOT.id, client_id: ROBOT.id, scope: 'demo:read' });
      await expect(client.callTool({ name: 'add_note', arguments: { text: 'x' } })).rejects.toThrow(/403|insufficient_scope/);
    } finally {
      await client.close();
    }
  });

  it("delivers the gateway's audit events to the audit service without a broker (HTTP ingest)", async () => {
    // Read-only look into the audit service's embedded store: its query API needs a token for
    // the audit resource, which is not what this test is about.
    const db = new Database(join(dir, 'data/audit-service.sqlite'), { readonly: true, fileMustExist: true });
    try {
      let types: string[] = [];
      for (let i = 0; i < 100 && !types.includes('mcp.tool.called'); i++) {
        types = (db.prepare('SELECT type FROM audit_events WHERE source = ?').all('/portcullis/mcp-gateway') as { type: string }[]).map((r) => r.type);
        if (!types.includes('mcp.tool.called')) await new Promise((r) => setTimeout(r, 200));
      }
      expect(types).toEqual(expect.arrayContaining(['mcp.tool.called', 'mcp.request.denied']));
    } finally {
      db.close();
    }
  });

  it('the demo upstream refuses a request that did not come through the gateway', async () => {
    const upstream = (JSON.parse(readFileSync(join(dir, 'data/gateway.json'), 'utf8')) as { upstreams: { url: string }[] }).upstreams[0].url;
    const res = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'portcullis-identity': 'not.a.jwt' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
  });

  async function token(scope: string): Promise<{ status: number; body: Record<string, string> }> {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${ROBOT.id}:${ROBOT.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }
});
