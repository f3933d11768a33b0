import {
  AuthServer,
  BACKENDS,
  Browser,
  clientCredentials,
  codeFlow,
  EventSink,
  oauthError,
  refresh,
  RegisteredClient,
  registerPublicClient,
  USERS,
} from '@portcullis/testing';
import { admin, adminActor, jtiOf, revokedJtis, startAdminServer } from './harness/admin-api';

/** The clients part of the admin API, end to end: each change, its effect and its event. */
describe.each(BACKENDS)('auth-server black box on %s: admin API, clients', (backend) => {
  let server: AuthServer;
  let token: string;
  let rootId: string;
  const sink = new EventSink();

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
