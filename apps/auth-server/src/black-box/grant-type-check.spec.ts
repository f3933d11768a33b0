import * as oauth from 'oauth4webapi';
import {
  AuthServer,
  Browser,
  codeFlow,
  oauthError,
  refresh,
  RegisteredClient,
  registerPublicClient,
  registerTrustedClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

type ManagedClient = RegisteredClient & { registration_access_token: string; registration_client_uri: string };

/**
 * RFC 6749 §5.2 `unauthorized_client`: every grant type is checked against the grant_types
 * the client registered, before any grant handler runs.
 */
describe('auth-server black box on sqlite: the client may use only the grant types it registered', () => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
  }, 60_000);
  afterAll(async () => server?.stop());

  it('refuses the refresh grant once the client is no longer registered for refresh_token', async () => {
    const client = (await registerPublicClient(server)) as ManagedClient;
    const { tokens } = await codeFlow(server, new Browser(server.issuer), client, USERS.alice, { scope: 'sentiment:read offline_access' });
    expect(tokens.refresh_token).toBeTruthy();

    // RFC 7592 §2.2: the client's registration now lists authorization_code only.
    const { registration_access_token: rat, registration_client_uri: uri, client_id } = client;
    const update = await fetch(uri, {
      method: 'PUT',
      headers: { authorization: `Bearer ${rat}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id,
        client_name: client.client_name,
        redirect_uris: client.redirect_uris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      }),
    });
    expect(update.status).toBe(200);
    expect(((await update.json()) as { grant_types: string[] }).grant_types).toEqual(['authorization_code']);

    const res = await refresh(server, client, tokens.refresh_token!);
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'unauthorized_client' });
  });

  it('checks the grant type before the handler looks at the request (no invalid_grant first)', async () => {
    const machine = await registerTrustedClient(server);
    const res = await refresh(server, machine, 'not-a-refresh-token');
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'unauthorized_client' });
  });

  it('still serves the grants a client did register', async () => {
    const machine = await registerTrustedClient(server);
    const res = await oauth.clientCredentialsGrantRequest(server.as, machine, oauth.ClientSecretBasic(machine.client_secret!), { scope: 'sentiment:read' }, { [oauth.allowInsecureRequests]: true });
    expect(res.status).toBe(200);
  });
});
