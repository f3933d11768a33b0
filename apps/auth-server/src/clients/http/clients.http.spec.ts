import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, freePort, RunningService, startService, TestDatabase } from '@portcullis/testing';

/*
 * Registration of clients, three ways, against the built server (dist/apps/auth-server):
 * RFC 7591/7592 at /register, pre-registration by CLI and CLIENTS_FILE, and Client ID
 * Metadata Documents through the authorization endpoint. Once on SQLite, once on PostgreSQL.
 */
jest.setTimeout(120_000);

const run = promisify(execFile);
const WORKSPACE = join(__dirname, '../../../../..');
const INITIAL_TOKEN = `iat-${randomBytes(16).toString('hex')}`;
const FILE_SECRET = randomBytes(32).toString('base64url');
const FILE_RS_SECRET = randomBytes(32).toString('base64url');
const MCP = 'http://localhost:3000/mcp';
const AUDIT = 'http://localhost:3100/audit';

type Json = Record<string, unknown>;

describe.each([['SQLite'], ['PostgreSQL']])('client registration over HTTP on %s', (engine) => {
  let server: RunningService;
  let database: TestDatabase | undefined;
  let dir: string;
  let documents: Server;
  let documentsOrigin: string;
  let cliClient: Json;
  let cliResourceServer: Json;
  let cliUnknownResource: unknown;
  /** Every secret the server handed out: none may appear in its output. */
  const secrets: string[] = [INITIAL_TOKEN, FILE_SECRET, FILE_RS_SECRET];

  async function register(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
    const res = await fetch(`${server.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as Json;
    for (const field of ['client_secret', 'registration_access_token']) if (typeof json[field] === 'string') secrets.push(json[field] as string);
    return { status: res.status, body: json, headers: res.headers };
  }

  async function clientCredentials(clientId: string, secret: string, resource: string, scope?: string): Promise<{ status: number; body: Json }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource, ...(scope ? { scope } : {}) });
    const res = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-clients-'));
    database = engine === 'PostgreSQL' ? await createTestDatabase('portcullis_clients') : undefined;
    const port = await freePort();
    const clientsFile = join(dir, 'clients.json');
    writeFileSync(
      clientsFile,
      JSON.stringify([
        { client_id: 'file-robot', client_name: 'File robot', grant_types: ['client_credentials'], scope: 'audit:read', client_secret: FILE_SECRET },
        { client_id: 'file-mcp-rs', client_name: 'MCP server', grant_types: ['client_credentials'], resource_server: MCP, client_secret: FILE_RS_SECRET },
      ]),
    );
    documents = createServer((req, res) => {
      const url = `${documentsOrigin}${req.url}`;
      const body =
        req.url === '/good.json'
          ? { client_id: url, client_name: 'Document client', redirect_uris: ['http://127.0.0.1:7777/callback'] }
          : { client_id: `${documentsOrigin}/someone-else.json`, client_name: 'Impostor', redirect_uris: ['http://127.0.0.1:7777/callback'] };
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    documentsOrigin = `http://127.0.0.1:${(documents.address() as AddressInfo).port}`;

    const env = {
      ISSUER_URL: `http://127.0.0.1:${port}`,
      SQLITE_PATH: join(dir, 'auth.sqlite'),
      DATABASE_URL: database?.url,
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_TOKEN,
      CLIENTS_FILE: clientsFile,
      CIMD_ALLOW_HTTP: 'true',
      CIMD_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      // Request and application logs on, so the no-secrets check below has something to read.
      NODE_ENV: 'development',
    };
    // Pre-registration by CLI, before the server starts, against the same database.
    const cli = await run(
      process.execPath,
      [
        join(WORKSPACE, 'dist/apps/auth-server/cli.js'),
        'clients:add',
        '--name',
        'CLI robot',
        '--grant-type',
        'client_credentials',
        '--scope',
        'sentiment:read audit:read',
        '--auth-method',
        'client_secret_basic',
        '--trusted',
        '--client-id',
        'cli-robot',
      ],
      { cwd: WORKSPACE, env: { ...process.env, ...env, NODE_ENV: 'test' } },
    );
    cliClient = JSON.parse(cli.stdout) as Json;
    secrets.push(cliClient.client_secret as string);
    const cliArgs = (...args: string[]) => [join(WORKSPACE, 'dist/apps/auth-server/cli.js'), 'clients:add', '--grant-type', 'client_credentials', '--trusted', ...args];
    const cliEnv = { cwd: WORKSPACE, env: { ...process.env, ...env, NODE_ENV: 'test' } };
    const rs = await run(process.execPath, cliArgs('--name', 'Audit API', '--client-id', 'cli-audit-rs', '--resource-server', `${AUDIT}/`), cliEnv);
    cliResourceServer = JSON.parse(rs.stdout) as Json;
    secrets.push(cliResourceServer.client_secret as string);
    cliUnknownResource = await run(process.execPath, cliArgs('--name', 'Elsewhere', '--resource-server', 'https://elsewhere.example/api'), cliEnv).catch(
      (err: { stderr: string; code: number }) => ({ code: err.code, stderr: err.stderr }),
    );
    server = await startService('auth-server', port, env, 60_000);
  });

  afterAll(async () => {
    await server?.stop();
    documents?.closeAllConnections();
    await new Promise((resolve) => documents?.close(resolve));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Dynamic Client Registration (RFC 7591)', () => {
    it('registers a public native client without a secret', async () => {
      const res = await register({
        client_name: 'Desktop MCP client',
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/callback', 'com.example.desktop:/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        unknown_field: 'ignored',
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        client_name: 'Desktop MCP client',
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/callback', 'com.example.desktop:/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        registration_client_uri: `${server.url}/register/${res.body.client_id}`,
      });
      expect(typeof res.body.client_id).toBe('string');
      expect(typeof res.body.client_id_issued_at).toBe('number');
      expect(typeof res.body.registration_access_token).toBe('string');
      expect(res.body).not.toHaveProperty('client_secret');
      expect(res.body).not.toHaveProperty('unknown_field');
    });

    it('registers a confidential web client and returns its secret once', async () => {
      const res = await register({ client_name: 'Web app', redirect_uris: ['https://app.example/cb'], scope: 'sentiment:read offline_access' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', client_secret_expires_at: 0, scope: 'sentiment:read offline_access' });
      expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const read = await fetch(res.body.registration_client_uri as string, { headers: { authorization: `Bearer ${res.body.registration_access_token}` } });
      expect(await read.json()).not.toHaveProperty('client_secret');
    });

    it('creates a trusted client for a request with the initial access token', async () => {
      const res = await register(
        { client_name: 'Audit reader', grant_types: ['client_credentials'], scope: 'audit:read' },
        { authorization: `Bearer ${INITIAL_TOKEN}` },
      );
      expect(res.status).toBe(201);
      const token = await clientCredentials(res.body.client_id as string, res.body.client_secret as string, AUDIT, 'audit:read');
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('audit:read');
    });

    it('answers a wrong initial access token with 401 invalid_token', async () => {
      const res = await register({ grant_types: ['client_credentials'] }, { authorization: 'Bearer not-the-initial-access-token' });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    });

    it.each([
      ['client_credentials', { grant_types: ['client_credentials'] }, 'invalid_client_metadata', /client_credentials is only for trusted clients/],
      ['a privileged scope', { redirect_uris: ['https://app.example/cb'], scope: 'sentiment:read audit:read' }, 'invalid_client_metadata', /'audit:read' is privileged/],
      ['an http redirect for a web client', { redirect_uris: ['http://app.example/cb'] }, 'invalid_redirect_uri', /not loopback/],
      ['a redirect with a fragment', { redirect_uris: ['https://app.example/cb#frag'] }, 'invalid_redirect_uri', /fragment/],
      ['a private-use scheme for a web client', { redirect_uris: ['com.example.app:/cb'] }, 'invalid_redirect_uri', /native/],
      ['an unknown scope', { redirect_uris: ['https://app.example/cb'], scope: 'root' }, 'invalid_client_metadata', /unknown/],
      ['the implicit grant', { redirect_uris: ['https://app.example/cb'], grant_types: ['implicit'] }, 'invalid_client_metadata', /not supported/],
    ])('refuses open registration asking for %s', async (_name, body, error, description) => {
      const res = await register(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(error);
      expect(res.body.error_description).toMatch(description);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('refuses malformed JSON, other content types and oversized bodies with precise 4xx', async () => {
      const bad = await register('{"redirect_uris": [');
      expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
      const form = await fetch(`${server.url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'redirect_uris=https://app.example/cb',
      });
      expect(form.status).toBe(415);
      expect(((await form.json()) as Json).error).toBe('invalid_request');
      const text = await fetch(`${server.url}/register`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
      expect(text.status).toBe(415);
      const big = await register({ redirect_uris: ['https://app.example/cb'], client_name: 'x'.repeat(200_000) });
      expect([big.status, big.body.error]).toEqual([413, 'invalid_request']);
      const array = await register('[]');
      expect([array.status, array.body.error]).toEqual([400, 'invalid_client_metadata']);
    });
  });

  describe('registration management (RFC 7592)', () => {
    it('reads, updates and deletes a registration with its registration access token', async () => {
      const created = await register({ client_name: 'Managed', redirect_uris: ['https://app.example/cb'] });
      const uri = created.body.registration_client_uri as string;
      const auth = { authorization: `Bearer ${created.body.registration_access_token}` };

      const read = await fetch(uri, { headers: auth });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ client_id: created.body.client_id, client_name: 'Managed', redirect_uris: ['https://app.example/cb'] });

      const wrong = await fetch(uri, { headers: { authorization: 'Bearer wrong' } });
      expect(wrong.status).toBe(401);

      const put = (body: Json) =>
        fetch(uri, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const updated = await put({ client_id: created.body.client_id, client_name: 'Managed v2', redirect_uris: ['https://app.example/v2'] });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({ client_name: 'Managed v2', redirect_uris: ['https://app.example/v2'], client_secret_expires_at: 0 });
      const escalate = await put({ client_id: created.body.client_id, grant_types: ['client_credentials'] });
      expect(escalate.status).toBe(400);
      expect(((await escalate.json()) as Json).error).toBe('invalid_client_metadata');
      const otherId = await put({ client_id: 'someone-else', redirect_uris: ['https://app.example/v2'] });
      expect(otherId.status).toBe(400);

      const deleted = await fetch(uri, { method: 'DELETE', headers: auth });
      expect(deleted.status).toBe(204);
      expect((await fetch(uri, { headers: auth })).status).toBe(401);
    });
  });

  describe('pre-registered clients', () => {
    it('lets a client created by the CLI use client_credentials with its printed secret', async () => {
      expect(cliClient).toMatchObject({ client_id: 'cli-robot', trusted: true, grant_types: ['client_credentials'] });
      const token = await clientCredentials('cli-robot', cliClient.client_secret as string, AUDIT, 'audit:read');
      expect(token.status).toBe(200);
      expect(token.body.token_type).toMatch(/^bearer$/i);
    });

    it('loads CLIENTS_FILE at start as trusted clients', async () => {
      const token = await clientCredentials('file-robot', FILE_SECRET, AUDIT, 'audit:read');
      expect(token.status).toBe(200);
      const wrong = await clientCredentials('file-robot', 'not-the-secret', AUDIT, 'audit:read');
      expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    });
  });

  describe('resource servers (introspection, RFC 7662 §4)', () => {
    async function introspect(clientId: string, secret: string, token: string): Promise<{ status: number; body: Json }> {
      const res = await fetch(`${server.url}/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token }),
      });
      return { status: res.status, body: (await res.json()) as Json };
    }

    it('clients:add --resource-server designates the resource server of a resource, printed in canonical form', () => {
      expect(cliResourceServer).toMatchObject({ client_id: 'cli-audit-rs', resource_server: AUDIT });
    });

    it('clients:add --resource-server refuses a resource this server does not protect', () => {
      expect(cliUnknownResource).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a resource of this server/) });
    });

    it('a resource server (CLI or CLIENTS_FILE) introspects the tokens of its own resource only', async () => {
      const audit = await clientCredentials('file-robot', FILE_SECRET, AUDIT, 'audit:read');
      const mcp = await clientCredentials('cli-robot', cliClient.client_secret as string, MCP, 'sentiment:read');
      const auditToken = audit.body.access_token as string;
      const mcpToken = mcp.body.access_token as string;
      const byAuditRs = (t: string) => introspect('cli-audit-rs', cliResourceServer.client_secret as string, t);
      const byMcpRs = (t: string) => introspect('file-mcp-rs', FILE_RS_SECRET, t);
      expect((await byAuditRs(auditToken)).body).toMatchObject({ active: true, aud: AUDIT, client_id: 'file-robot' });
      expect((await byAuditRs(mcpToken)).body).toEqual({ active: false });
      expect((await byMcpRs(mcpToken)).body).toMatchObject({ active: true, aud: MCP });
      expect((await byMcpRs(auditToken)).body).toEqual({ active: false });
    });

    it('a trusted client that is not a resource server may not introspect: 403 unauthorized_client', async () => {
      const audit = await clientCredentials('file-robot', FILE_SECRET, AUDIT, 'audit:read');
      const res = await introspect('file-robot', FILE_SECRET, audit.body.access_token as string);
      expect([res.status, res.body.error]).toEqual([403, 'unauthorized_client']);
    });
  });

  describe('Client ID Metadata Documents', () => {
    function authorize(clientId: string): Promise<Response> {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: 'http://127.0.0.1:7777/callback',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'xyz',
        resource: MCP,
      });
      return fetch(`${server.url}/authorize?${params}`, { redirect: 'manual' });
    }

    it('accepts a client described by its metadata document', async () => {
      const res = await authorize(`${documentsOrigin}/good.json`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/\/interaction\//);
    });

    it('shows an error page, never a redirect, for a document that names another client_id', async () => {
      const res = await authorize(`${documentsOrigin}/impostor.json`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toMatch(/does not equal its URL/);
    });
  });

  it('never writes a client secret or token to its output', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const output = server.output();
    // Runs last: the request log already shows the registrations made above.
    expect(output).toMatch(/"path":"\/register\/[^"]+"/);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});

describe('a CLIENTS_FILE the server cannot use', () => {
  it('stops the start with one clear config line and status 78, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-clients-bad-'));
    try {
      const clientsFile = join(dir, 'clients.json');
      writeFileSync(clientsFile, JSON.stringify([{ client_id: 'short-secret', grant_types: ['client_credentials'], client_secret: 'too-short' }]));
      // Its own port: the start fails before it would listen.
      const port = await freePort();
      const env = { ISSUER_URL: `http://127.0.0.1:${port}`, PORT: String(port), SQLITE_PATH: join(dir, 'auth.sqlite'), CLIENTS_FILE: clientsFile, NODE_ENV: 'test' };
      const outcome = await run(process.execPath, [join(WORKSPACE, 'dist/apps/auth-server/main.js')], { cwd: WORKSPACE, env: { ...process.env, ...env }, timeout: 60_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
      );
      expect(outcome.code).toBe(78);
      const lines = outcome.out.split('\n').filter((l) => l.includes('CLIENTS_FILE'));
      expect(lines).toEqual([`config: CLIENTS_FILE ${clientsFile}: entry 0 ('short-secret'): client_secret must be a string of at least 32 random characters`]);
      expect(outcome.out).not.toMatch(/^\s+at /m);
      expect(outcome.out).not.toContain('too-short');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
