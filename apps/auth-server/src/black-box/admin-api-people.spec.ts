import {
  AuthServer,
  BACKENDS,
  Browser,
  codeFlow,
  EventSink,
  expectPage,
  isConsentPage,
  oauthError,
  openLoginPage,
  refresh,
  registerPublicClient,
  authorizationUrl,
  RegisteredClient,
  USERS,
} from '@portcullis/testing';
import { admin, adminActor, jtiOf, revokedJtis, startAdminServer } from './harness/admin-api';

/** People, grants, keys and resources through the admin API, end to end with their events. */
describe.each(BACKENDS)('auth-server black box on %s: admin API, people and grants', (backend) => {
  let server: AuthServer;
  let token: string;
  let rootId: string;
  let app: RegisteredClient;
  const sink = new EventSink();
  const userEvent = (id: string, change: string) => sink.waitFor((e) => e.type === 'auth.user.updated' && e.data.subject === id && e.data.change === change);
  /** The status of the login page's answer to this person's password. */
  const signIn = async (person: { username: string; password: string }) => {
    const browser = new Browser(server.issuer);
    const page = await openLoginPage(browser, (await authorizationUrl(server, { client: app, scope: 'sentiment:read' })).url);
    const after = await browser.submit(page, person);
    // Signed in: on to the consent page (or straight back to the client).
    return after.kind === 'redirect' || isConsentPage(expectPage(after)) ? 'signed_in' : expectPage(after).status;
  };

  beforeAll(async () => {
    ({ server, token, rootId } = await startAdminServer(backend, sink));
    app = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await sink.stop();
  });

  it('adds a person who can then sign in, and refuses the same name again with 409', async () => {
    const created = await admin(server, token, 'POST', '/admin/users', { username: 'erin', password: 'erin-long-password', roles: [] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'erin', roles: [], disabled: false, federated: false });
    const event = await sink.waitFor((e) => e.type === 'auth.user.created' && e.data.username === 'erin');
    expect(event.data).toEqual({ subject: created.body.id, username: 'erin', roles: [], actor: adminActor(rootId) });
    expect(sink.bodies.join('')).not.toContain('erin-long-password');
    expect(await signIn({ username: 'erin', password: 'erin-long-password' })).toBe('signed_in');
    expect((await admin(server, token, 'POST', '/admin/users', { username: 'erin', password: 'another-password' })).status).toBe(409);
    // The bootstrap admin carries its role and actor too.
    const root = await sink.waitFor((e) => e.type === 'auth.user.created' && e.data.username === 'root');
    expect(root.data).toMatchObject({ roles: ['admin'], actor: { via: 'bootstrap' } });
  });

  it('resets a password, unlocks, and changes roles, each with its event; an admin cannot demote themselves', async () => {
    const frank = (await admin(server, token, 'POST', '/admin/users', { username: 'frank', password: 'frank-first-pass' })).body.id as string;
    expect((await admin(server, token, 'POST', `/admin/users/${frank}/password`, { password: 'frank-second-pass' })).status).toBe(200);
    expect((await userEvent(frank, 'password_reset')).data.actor).toEqual(adminActor(rootId));
    expect(await signIn({ username: 'frank', password: 'frank-first-pass' })).toBe(401);
    expect(await signIn({ username: 'frank', password: 'frank-second-pass' })).toBe('signed_in');
    expect((await admin(server, token, 'POST', `/admin/users/${frank}/password`, { password: 'short' })).body.error_description).toMatch(/^body\.password: /);

    expect((await admin(server, token, 'POST', `/admin/users/${frank}/unlock`)).status).toBe(200);
    await userEvent(frank, 'unlocked');

    expect((await admin(server, token, 'PUT', `/admin/users/${frank}/roles`, { roles: ['admin'] })).body.roles).toEqual(['admin']);
    expect((await userEvent(frank, 'roles_changed')).data.roles).toEqual(['admin']);
    expect((await admin(server, token, 'PUT', `/admin/users/${frank}/roles`, { roles: ['root'] })).status).toBe(400);
    expect((await admin(server, token, 'PUT', `/admin/users/${rootId}/roles`, { roles: [] })).status).toBe(409);
    expect((await admin(server, token, 'POST', `/admin/users/${rootId}/disable`)).status).toBe(409);
  });

  it("disables a person: no sign-in, their tokens revoked, no refresh; enabled, they sign in again", async () => {
    const gina = (await admin(server, token, 'POST', '/admin/users', { username: 'gina', password: 'gina-long-password' })).body.id as string;
    const { tokens } = await codeFlow(server, new Browser(server.issuer), app, { username: 'gina', password: 'gina-long-password' }, { scope: 'sentiment:read offline_access' });
    expect((await admin(server, token, 'POST', `/admin/users/${gina}/disable`)).body).toMatchObject({ disabled: true });
    expect((await userEvent(gina, 'disabled')).data.actor).toEqual(adminActor(rootId));
    expect(await revokedJtis(server)).toContain(jtiOf(tokens.access_token));
    expect(await oauthError(await refresh(server, app, tokens.refresh_token as string))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await signIn({ username: 'gina', password: 'gina-long-password' })).toBe(403);
    expect(await signIn({ username: 'gina', password: 'wrong-password' })).toBe(401);

    expect((await admin(server, token, 'POST', `/admin/users/${gina}/enable`)).body).toMatchObject({ disabled: false });
    await userEvent(gina, 'enabled');
    expect(await signIn({ username: 'gina', password: 'gina-long-password' })).toBe('signed_in');
    const list = await admin(server, token, 'GET', '/admin/users?q=GIN');
    expect(list.body.items?.map((u) => u.username)).toEqual(['gina']);
  });

  it("lists a person's grants and revokes one with its tokens (auth.grant.revoked)", async () => {
    const alice = (await admin(server, token, 'GET', '/admin/users?q=alice')).body.items?.[0].id as string;
    const { tokens } = await codeFlow(server, new Browser(server.issuer), app, USERS.alice, { scope: 'sentiment:read offline_access' });
    const grants = await admin(server, token, 'GET', `/admin/users/${alice}/grants`);
    const grant = grants.body.items?.find((g) => g.client_id === app.client_id) as Record<string, unknown>;
    expect(grant).toMatchObject({ scopes: ['sentiment:read', 'offline_access'], resource: 'http://localhost:3000/mcp' });
    expect(typeof grant.approved_at).toBe('number');
    // The code exchange just used it (NumericDate, to the minute on PostgreSQL).
    expect(grant.last_used_at).toBeGreaterThanOrEqual((grant.approved_at as number) - 60);

    expect((await admin(server, token, 'DELETE', `/admin/grants/${grant.grant_id}`)).status).toBe(204);
    expect(await revokedJtis(server)).toContain(jtiOf(tokens.access_token));
    expect(await oauthError(await refresh(server, app, tokens.refresh_token as string))).toMatchObject({ error: 'invalid_grant' });
    const event = await sink.waitFor((e) => e.type === 'auth.grant.revoked' && e.data.grant_id === grant.grant_id);
    expect(event.data).toMatchObject({ client_id: app.client_id, subject: alice, revoked_jtis: 1, actor: adminActor(rootId) });
    expect((await admin(server, token, 'DELETE', `/admin/grants/${grant.grant_id}`)).status).toBe(404);
  });

  it('lists and rotates the signing keys; tokens signed before stay valid', async () => {
    const before = (await admin(server, token, 'GET', '/admin/keys')).body.items as { kid: string; status: string }[];
    expect(before.map((k) => k.status)).toEqual(['next', 'active']);
    expect(JSON.stringify(before)).not.toMatch(/private|PRIVATE|"d":/);
    const rotated = await admin(server, token, 'POST', '/admin/keys/rotate');
    expect(rotated.body.active_kid).toBe(before[0].kid);
    await sink.waitFor((e) => e.type === 'auth.signing_key.rotated' && e.data.kid === before[0].kid);
    // `token` was signed by the key now retired: still published, still accepted.
    const listed = await admin(server, token, 'GET', '/admin/keys');
    expect(listed.status).toBe(200);
    const after = listed.body.items as { kid: string; status: string }[];
    expect(after.map((k) => k.status)).toEqual(['next', 'active', 'retired']);
  });

  it('lists every resource with its scopes, as the consent page describes them', async () => {
    const items = (await admin(server, token, 'GET', '/admin/resources')).body.items as { resource: string; kind: string; scopes: { name: string; role: string | null; description: string }[] }[];
    expect(items.map((r) => r.kind)).toEqual(['mcp', 'audit', 'admin']);
    const adminResource = items.find((r) => r.kind === 'admin');
    expect(adminResource?.resource).toBe(`${server.issuer}/admin`);
    expect(adminResource?.scopes.map((s) => [s.name, s.role])).toEqual([['admin:read', 'admin'], ['admin:write', 'admin']]);
    expect(adminResource?.scopes[0].description).toMatch(/See every client/);
  });

  it('describes in /admin/openapi.json every admin route the server registered, and nothing it did not', async () => {
    const document = (await (await fetch(`${server.issuer}/admin/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const registered = [...server.service.output().matchAll(/Mapped \{(\/admin[^,]*), (\w+)\} route/g)].map(([, path, method]) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`).sort();
    expect(registered.length).toBeGreaterThan(20);
    expect(documented).toEqual(registered);
  });
});
