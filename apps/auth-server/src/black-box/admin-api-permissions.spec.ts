import {
  AuthServer,
  authorizationUrl,
  authorizeInBrowser,
  BACKENDS,
  Browser,
  clientCredentials,
  codeFlow,
  expectPage,
  isConsentPage,
  openLoginPage,
  oauthError,
  refresh,
  registerPublicClient,
  registerTrustedClient,
  revoke,
  startAuthServer,
  USERS,
} from '@portcullis/testing';
import { admin, adminResource, adminTokens, CONSOLE, ConsoleBrowser, consoleAuthorization, consoleCallback, ROOT } from './harness/admin-api';
import { DEFAULT_RESOURCES } from '@portcullis/scopes';

const DAVE = { username: 'dave', password: 'dave-admin-pass-2' };

/**
 * Every way into the admin API that must fail, each with its status and error: the scopes are
 * privileged (trusted clients only), for people with the admin role (at authorization and at
 * every refresh), never by client_credentials, and the API takes only tokens for its own
 * resource with the scope each route needs.
 */
describe.each(BACKENDS)('auth-server black box on %s: admin API permission boundaries', (backend) => {
  let server: AuthServer;

  beforeAll(async () => {
    const people = [USERS.alice, USERS.bob].map((u) => `${u.username}:${u.password}`);
    server = await startAuthServer(backend, { BOOTSTRAP_USERS: [...people, `${ROOT.username}:${ROOT.password}:admin`, `${DAVE.username}:${DAVE.password}:admin`].join(',') });
  }, 60_000);
  afterAll(async () => server?.stop());

  it('answers a request without a token with a bare 401 challenge naming the resource metadata and scope', async () => {
    const res = await admin(server, undefined, 'GET', '/admin/clients');
    expect(res.status).toBe(401);
    expect(res.body.error).toBeUndefined();
    expect(res.headers.get('www-authenticate')).toBe(`Bearer scope="admin:read", resource_metadata="${server.issuer}/.well-known/oauth-protected-resource/admin"`);
    const metadata = await (await fetch(`${server.issuer}/.well-known/oauth-protected-resource/admin`)).json();
    expect(metadata).toMatchObject({ resource: adminResource(server), authorization_servers: [server.issuer], scopes_supported: ['admin:read', 'admin:write'] });
  });

  it('describes the admin scopes and resource on the consent page', async () => {
    const prepared = await authorizationUrl(server, { client: CONSOLE, scope: 'admin:read admin:write', resource: adminResource(server), redirectUri: consoleCallback(server), prompt: 'consent' });
    const browser = new ConsoleBrowser(server.issuer);
    const consent = expectPage(await browser.submit(await openLoginPage(browser, prepared.url), ROOT));
    expect(isConsentPage(consent)).toBe(true);
    expect(consent.html).toContain('See every client, user, grant, signing key and resource of this authorization server');
    expect(consent.html).toContain('Change clients, users, grants and signing keys of this authorization server');
    expect(consent.html).toContain(adminResource(server));
  });

  it('refuses the admin scopes to a person without the admin role, even through the trusted console client', async () => {
    const { callback } = await consoleAuthorization(server, USERS.bob, 'admin:read offline_access');
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
    expect(callback.searchParams.get('error_description')).toMatch(/admin:read.*admin role/);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('refuses audit:read to a person without the admin role through the console client; an operator gets it', async () => {
    const audit = DEFAULT_RESOURCES.audit;
    const asBob = await authorizationUrl(server, { client: CONSOLE, scope: 'audit:read offline_access', resource: audit, redirectUri: consoleCallback(server) });
    const refused = (await authorizeInBrowser(new ConsoleBrowser(server.issuer), asBob.url, USERS.bob)).callback;
    expect(refused.searchParams.get('error')).toBe('invalid_scope');
    expect(refused.searchParams.get('error_description')).toMatch(/audit:read.*admin role/);
    const asRoot = await authorizationUrl(server, { client: CONSOLE, scope: 'audit:read', resource: audit, redirectUri: consoleCallback(server) });
    const granted = (await authorizeInBrowser(new ConsoleBrowser(server.issuer), asRoot.url, ROOT)).callback;
    expect(granted.searchParams.get('code')).toBeTruthy();
  });

  it('refuses the admin scopes to an openly registered client, whoever signs in', async () => {
    const open = await registerPublicClient(server);
    const prepared = await authorizationUrl(server, { client: open, scope: 'admin:read', resource: adminResource(server) });
    const { callback } = await authorizeInBrowser(new Browser(server.issuer), prepared.url, ROOT);
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
    expect(callback.searchParams.get('error_description')).toMatch(/may not hold scope 'admin:read'/);
  });

  it('refuses a token for another resource (the MCP server) with invalid_token', async () => {
    const open = await registerPublicClient(server);
    const { tokens } = await codeFlow(server, new Browser(server.issuer), open, ROOT, { scope: 'sentiment:read' });
    const res = await admin(server, tokens.access_token, 'GET', '/admin/clients');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses a write with a read-only token: 403 insufficient_scope naming admin:write', async () => {
    const tokens = await adminTokens(server, ROOT, 'admin:read');
    expect((await admin(server, tokens.access_token, 'GET', '/admin/users')).status).toBe(200);
    const res = await admin(server, tokens.access_token, 'POST', '/admin/keys/rotate');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers.get('www-authenticate')).toMatch(/scope="admin:write"/);
    // admin:write does not imply admin:read either.
    const writeOnly = await adminTokens(server, ROOT, 'admin:write');
    expect((await admin(server, writeOnly.access_token, 'GET', '/admin/keys')).status).toBe(403);
  });

  it('takes the admin scopes away once the person is demoted: the live token at once, the refresh with invalid_scope', async () => {
    const daves = await adminTokens(server, DAVE);
    expect(typeof daves.refresh_token).toBe('string');
    expect((await admin(server, daves.access_token, 'GET', '/admin/keys')).status).toBe(200);
    const roots = await adminTokens(server, ROOT);
    const dave = (await admin(server, roots.access_token, 'GET', '/admin/users?q=dave')).body.items?.[0] as { id: string };
    expect((await admin(server, roots.access_token, 'PUT', `/admin/users/${dave.id}/roles`, { roles: [] })).status).toBe(200);
    const live = await admin(server, daves.access_token, 'GET', '/admin/keys');
    expect(live.status).toBe(401);
    expect(live.body.error).toBe('invalid_token');
    // The operator who demoted him keeps working.
    expect((await admin(server, roots.access_token, 'GET', '/admin/keys')).status).toBe(200);
    const res = await refresh(server, CONSOLE, daves.refresh_token as string, { resource: adminResource(server) });
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'invalid_scope' });
    // And a fresh authorization is refused too.
    const { callback } = await consoleAuthorization(server, DAVE, 'admin:read');
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
  });

  it('never grants the admin scopes by client_credentials, even to a trusted client', async () => {
    const robot = await registerTrustedClient(server, { scope: 'audit:read' });
    const res = await clientCredentials(server, robot, { scope: 'admin:read', resource: adminResource(server) });
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'invalid_scope' });
    const none = await clientCredentials(server, robot, { resource: adminResource(server) });
    expect(await oauthError(none)).toMatchObject({ status: 400, error: 'invalid_scope' });
  });

  it('refuses a revoked admin token at once', async () => {
    const tokens = await adminTokens(server, ROOT, 'admin:read');
    expect((await admin(server, tokens.access_token, 'GET', '/admin/keys')).status).toBe(200);
    expect((await revoke(server, CONSOLE, tokens.access_token)).status).toBe(200);
    const res = await admin(server, tokens.access_token, 'GET', '/admin/keys');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('checks the input of a permitted request and names the field', async () => {
    const tokens = await adminTokens(server, ROOT);
    const long = await admin(server, tokens.access_token, 'POST', '/admin/clients', { client_name: 'x'.repeat(300), grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'invalid_request' });
    expect(String(long.body.error_description)).toMatch(/^body\.client_name: /);
    const extra = await admin(server, tokens.access_token, 'POST', '/admin/users', { username: 'eve', password: 'long-enough-pw', admin: true });
    expect(extra.body.error_description).toBe('body.admin: is not a known field');
    const limit = await admin(server, tokens.access_token, 'GET', '/admin/users?limit=5000');
    expect(String(limit.body.error_description)).toMatch(/^query\.limit: /);
    expect((await admin(server, tokens.access_token, 'GET', '/admin/users/nobody')).status).toBe(404);
  });
});
