import {
  AuthServer,
  BACKENDS,
  Browser,
  clientCredentials,
  codeFlow,
  EventSink,
  introspect,
  MCP,
  oauthError,
  refresh,
  RegisteredClient,
  registerPublicClient,
  resourceServerClient,
  USERS,
} from '@portcullis/testing';
import { admin, adminActor, claimsOf, jtiOf, revokedJtis, startAdminServer } from './harness/admin-api';

type ClientCutoff = { client_id: string; issued_through: number; expires_at: number };

/** The clients part of the admin API, end to end: each change, its effect and its event. */
describe.each(BACKENDS)('auth-server black box on %s: admin API, clients', (backend) => {
  let server: AuthServer;
  let token: string;
  let rootId: string;
  const sink = new EventSink();
  const mcpServer = resourceServerClient('mcp');
  const clientCutoffs = async () => ((await (await fetch(`${server.issuer}/revocations`)).json()) as { clients: ClientCutoff[] }).clients;
  const active = async (accessToken: string) => (await introspect(server, mcpServer, accessToken)).active;
  /** A trusted machine client made through the admin API, with a client_credentials token for the MCP server. */
  async function robotWithToken(name: string) {
    const created = await admin(server, token, 'POST', '/admin/clients', { client_name: name, grant_types: ['client_credentials'], scope: 'sentiment:read', token_endpoint_auth_method: 'client_secret_basic' });
    const robot = { client_id: created.body.client_id as string, client_secret: created.body.client_secret as string, token_endpoint_auth_method: 'client_secret_basic' };
    const accessToken = async () => ((await (await clientCredentials(server, robot, { resource: MCP, scope: 'sentiment:read' })).json()) as { access_token: string }).access_token;
    return { robot, accessToken, first: await accessToken() };
  }

  beforeAll(async () => {
    ({ server, token, rootId } = await startAdminServer(backend, sink));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await sink.stop();
  });

  it('creates a trusted client with its secret shown once, finds it by search and pages through the list', async () => {
    const created = await admin(server, token, 'POST', '/admin/clients', {
      client_name: 'Nightly report robot',
      grant_types: ['client_credentials'],
      scope: 'sentiment:read',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({ client_name: 'Nightly report robot', trusted: true, disabled: false, origin: 'preregistered' });
    const robot = { client_id: created.body.client_id as string, client_secret: created.body.client_secret as string, token_endpoint_auth_method: 'client_secret_basic' };
    expect(robot.client_secret.length).toBeGreaterThanOrEqual(43);
    expect((await clientCredentials(server, robot, { scope: 'sentiment:read' })).status).toBe(200);

    const event = await sink.waitFor((e) => e.type === 'auth.client.registered' && e.data.client_id === robot.client_id);
    expect(event.data).toMatchObject({ registration: 'admin', trusted: true, grant_types: ['client_credentials'] });
    expect(sink.bodies.join('')).not.toContain(robot.client_secret);
    expect(server.service.output()).not.toContain(robot.client_secret);

    const again = await admin(server, token, 'GET', `/admin/clients/${encodeURIComponent(robot.client_id)}`);
    expect(again.body.client_secret).toBeUndefined();
    expect((await admin(server, token, 'GET', '/admin/clients?q=NIGHTLY')).body.items?.map((c) => c.client_id)).toEqual([robot.client_id]);

    const first = await admin(server, token, 'GET', '/admin/clients?limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await admin(server, token, 'GET', `/admin/clients?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.items?.[0].client_id).not.toBe(first.body.items?.[0].client_id);
    expect((await admin(server, token, 'GET', '/admin/clients?cursor=not-ours')).status).toBe(400);
    // LIKE's wildcard in q is a plain character: no client has a '%' in its id or name.
    expect((await admin(server, token, 'GET', '/admin/clients?q=%25')).body).toEqual({ items: [], next_cursor: null });
  });

  it('rotates a secret: the old one stops working, the new one is shown once', async () => {
    const created = (await admin(server, token, 'POST', '/admin/clients', { client_name: 'Rotating robot', grant_types: ['client_credentials'], scope: 'sentiment:read', token_endpoint_auth_method: 'client_secret_post' })).body;
    const id = created.client_id as string;
    const rotated = await admin(server, token, 'POST', `/admin/clients/${id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).not.toBe(created.client_secret);
    const old = { client_id: id, client_secret: created.client_secret as string, token_endpoint_auth_method: 'client_secret_post' };
    expect(await oauthError(await clientCredentials(server, old, { scope: 'sentiment:read' }))).toMatchObject({ status: 401, error: 'invalid_client' });
    expect((await clientCredentials(server, { ...old, client_secret: rotated.body.client_secret as string }, { scope: 'sentiment:read' })).status).toBe(200);
    const event = await sink.waitFor((e) => e.type === 'auth.client.updated' && e.data.client_id === id);
    expect(event.data).toEqual({ client_id: id, change: 'secret_rotated', actor: adminActor(rootId) });
    expect(sink.bodies.join('')).not.toContain(rotated.body.client_secret as string);
    expect(server.service.output()).not.toContain(rotated.body.client_secret as string);

    const open = await registerPublicClient(server);
    const publicRotation = await admin(server, token, 'POST', `/admin/clients/${open.client_id}/secret`);
    expect(publicRotation).toMatchObject({ status: 409, body: { error: 'conflict' } });
  });

  it('disables a client: it cannot get tokens, its live tokens are revoked; enabled, it works again', async () => {
    const open: RegisteredClient = await registerPublicClient(server);
    const { tokens } = await codeFlow(server, new Browser(server.issuer), open, USERS.alice, { scope: 'sentiment:read offline_access' });
    const disabled = await admin(server, token, 'POST', `/admin/clients/${open.client_id}/disable`);
    expect(disabled.body).toMatchObject({ disabled: true });
    expect(await revokedJtis(server)).toContain(jtiOf(tokens.access_token));
    expect(await oauthError(await refresh(server, open, tokens.refresh_token as string))).toMatchObject({ error: 'invalid_client' });
    const event = await sink.waitFor((e) => e.type === 'auth.client.updated' && e.data.client_id === open.client_id && e.data.change === 'disabled');
    expect(event.data.actor).toEqual(adminActor(rootId));

    expect((await admin(server, token, 'POST', `/admin/clients/${open.client_id}/enable`)).body).toMatchObject({ disabled: false });
    await sink.waitFor((e) => e.type === 'auth.client.updated' && e.data.client_id === open.client_id && e.data.change === 'enabled');
    // Re-enabled, the client works; what was revoked stays revoked.
    expect(await oauthError(await refresh(server, open, tokens.refresh_token as string))).toMatchObject({ error: 'invalid_grant' });
    await codeFlow(server, new Browser(server.issuer), open, USERS.alice, { scope: 'sentiment:read' });
  });

  it('disabling a client revokes its client_credentials tokens too (never stored: by the client cutoff); enabled again, its new tokens work', async () => {
    const robot = await robotWithToken('Disabled robot');
    const bystander = await robotWithToken('Bystander robot');
    expect(await active(robot.first)).toBe(true);

    expect((await admin(server, token, 'POST', `/admin/clients/${robot.robot.client_id}/disable`)).status).toBe(200);
    // Resource servers that start now find it in the catch-up list: every token of the client
    // issued at or before issued_through (the same second included), until the last has expired.
    const cutoff = (await clientCutoffs()).find((c) => c.client_id === robot.robot.client_id);
    expect(cutoff).toBeDefined();
    expect(cutoff!.issued_through).toBeGreaterThanOrEqual(claimsOf(robot.first).iat);
    expect(cutoff!.expires_at).toBeGreaterThanOrEqual(claimsOf(robot.first).exp);
    expect((await clientCutoffs()).map((c) => c.client_id)).not.toContain(bystander.robot.client_id);
    // Running ones are told on the broker (here: the same outbox, delivered to the sink).
    const revoked = await sink.waitFor((e) => e.type === 'auth.token.revoked' && e.data.client_id === robot.robot.client_id);
    expect(revoked.data).toEqual({ client_id: robot.robot.client_id, jtis: [], issued_through: cutoff!.issued_through, reason: 'client_disabled', expires_at: cutoff!.expires_at });
    expect(await active(robot.first)).toBe(false);
    expect(await active(bystander.first)).toBe(true);
    expect(await oauthError(await clientCredentials(server, robot.robot, { resource: MCP, scope: 'sentiment:read' }))).toMatchObject({ status: 401, error: 'invalid_client' });

    // Enabling waits out the cutoff, so the first token it gets is issued after it and works.
    expect((await admin(server, token, 'POST', `/admin/clients/${robot.robot.client_id}/enable`)).body).toMatchObject({ disabled: false });
    const fresh = await robot.accessToken();
    expect(claimsOf(fresh).iat).toBeGreaterThan(cutoff!.issued_through);
    expect(await active(fresh)).toBe(true);
    expect(await active(robot.first)).toBe(false);
  }, 30_000);

  it('deleting a client revokes its client_credentials tokens by the client cutoff, reason client_deleted', async () => {
    const robot = await robotWithToken('Deleted robot');
    const bystander = await robotWithToken('Surviving robot');
    expect((await admin(server, token, 'DELETE', `/admin/clients/${robot.robot.client_id}`)).status).toBe(204);
    const cutoff = (await clientCutoffs()).find((c) => c.client_id === robot.robot.client_id);
    expect(cutoff!.issued_through).toBeGreaterThanOrEqual(claimsOf(robot.first).iat);
    const revoked = await sink.waitFor((e) => e.type === 'auth.token.revoked' && e.data.client_id === robot.robot.client_id);
    expect(revoked.data).toMatchObject({ jtis: [], issued_through: cutoff!.issued_through, reason: 'client_deleted' });
    expect(await active(robot.first)).toBe(false);
    expect(await active(bystander.first)).toBe(true);
  });

  it('a disabled client cannot use its registration access token (RFC 7592): 401 invalid_token for read, update and delete', async () => {
    const open = (await registerPublicClient(server)) as RegisteredClient & { registration_access_token: string; registration_client_uri: string };
    const manage = (method: string, body?: unknown) =>
      fetch(open.registration_client_uri, {
        method,
        headers: { authorization: `Bearer ${open.registration_access_token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const current = (await (await manage('GET')).json()) as Record<string, unknown>;
    expect((await admin(server, token, 'POST', `/admin/clients/${open.client_id}/disable`)).body).toMatchObject({ disabled: true });

    const update = { client_id: open.client_id, client_name: 'Re-enabled by myself', redirect_uris: current.redirect_uris, token_endpoint_auth_method: 'none', grant_types: current.grant_types };
    for (const [method, body] of [['GET'], ['PUT', update], ['DELETE']] as const) {
      const res = await manage(method, body);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    }
    // Nothing changed: still disabled, still there, not renamed.
    expect((await admin(server, token, 'GET', `/admin/clients/${open.client_id}`)).body).toMatchObject({ disabled: true, client_name: current.client_name ?? null });
    // Enabled by an operator, the same token works again.
    await admin(server, token, 'POST', `/admin/clients/${open.client_id}/enable`);
    expect((await manage('GET')).status).toBe(200);
  }, 30_000);

  it('deletes a client with its grants and tokens, and says so in auth.client.deleted', async () => {
    const open = await registerPublicClient(server);
    const { tokens } = await codeFlow(server, new Browser(server.issuer), open, USERS.alice, { scope: 'sentiment:read offline_access' });
    const deleted = await admin(server, token, 'DELETE', `/admin/clients/${open.client_id}`);
    expect(deleted.status).toBe(204);
    expect(await revokedJtis(server)).toContain(jtiOf(tokens.access_token));
    expect((await admin(server, token, 'GET', `/admin/clients/${open.client_id}`)).status).toBe(404);
    expect((await admin(server, token, 'DELETE', `/admin/clients/${open.client_id}`)).status).toBe(404);
    const event = await sink.waitFor((e) => e.type === 'auth.client.deleted' && e.data.client_id === open.client_id);
    expect(event.data).toEqual({ client_id: open.client_id, actor: adminActor(rootId) });
  });
});
