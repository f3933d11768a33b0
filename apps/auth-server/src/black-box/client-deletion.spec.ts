import {
  AuthServer,
  BACKENDS,
  Browser,
  codeFlow,
  introspect,
  RegisteredClient,
  registerPublicClient,
  resourceServerClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/** RFC 7592 §2.3: deleting a client invalidates what was issued to it. */
describe.each(BACKENDS)('auth-server black box on %s: client deletion', (backend) => {
  let server: AuthServer;
  const resourceServer = resourceServerClient('mcp');

  beforeAll(async () => {
    server = await startAuthServer(backend);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('revokes the access and refresh tokens of a deleted client, and lists the access token for resource servers', async () => {
    const client = (await registerPublicClient(server)) as RegisteredClient & { registration_access_token: string; registration_client_uri: string };
    const { tokens } = await codeFlow(server, new Browser(server.issuer), client, USERS.alice, { scope: 'sentiment:read offline_access' });
    expect((await introspect(server, resourceServer, tokens.access_token)).active).toBe(true);

    const deleted = await fetch(client.registration_client_uri, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${client.registration_access_token}` },
    });
    expect(deleted.status).toBe(204);

    expect((await introspect(server, resourceServer, tokens.access_token)).active).toBe(false);
    expect((await introspect(server, resourceServer, tokens.refresh_token as string)).active).toBe(false);
    const { revocations } = (await (await fetch(`${server.issuer}/revocations`)).json()) as { revocations: { jti: string }[] };
    const jti = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()).jti;
    expect(revocations.map((r) => r.jti)).toContain(jti);
  });
});
