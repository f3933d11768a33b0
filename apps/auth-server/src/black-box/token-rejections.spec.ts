import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  authorizeInBrowser,
  AuthServer,
  BACKENDS,
  Browser,
  clientCredentials,
  endpoint,
  exchangeCode,
  insecure,
  introspect,
  MCP,
  oauthError,
  PreparedAuthorization,
  RegisteredClient,
  registerPublicClient,
  registerTrustedClient,
  resourceServerClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/** Every way the token endpoint refuses a request: the precise RFC 6749 §5.2 error, never a 500. */
describe.each(BACKENDS)('auth-server black box on %s: token endpoint rejections', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  let trusted: RegisteredClient;
  let browser: Browser;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
    trusted = await registerTrustedClient(server);
    browser = new Browser(server.issuer);
  }, 60_000);
  afterAll(async () => server?.stop());

  /** A fresh authorization code for `client`, ready to exchange. */
  async function freshCode(): Promise<{ prepared: PreparedAuthorization; callback: URL; code: string }> {
    const prepared = await authorizationUrl(server, { client, scope: 'sentiment:read offline_access' });
    const { callback } = await authorizeInBrowser(browser, prepared.url, USERS.alice);
    return { prepared, callback, code: callback.searchParams.get('code') ?? '' };
  }

  /** Posts a raw body to the discovered token endpoint. */
  function postToken(body: string | Buffer, contentType = 'application/x-www-form-urlencoded', headers: Record<string, string> = {}) {
    return fetch(endpoint(server, 'token_endpoint'), { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  }

  async function expectError(res: Response, status: number, error: string) {
    const err = await oauthError(res);
    expect({ status: err.status, error: err.error }).toEqual({ status, error });
    expect(res.headers.get('cache-control')).toBe('no-store');
    return err;
  }

  it('wrong PKCE verifier: invalid_grant', async () => {
    const { prepared, callback } = await freshCode();
    const res = await exchangeCode(server, client, callback, { ...prepared, verifier: oauth.generateRandomCodeVerifier() });
    await expectError(res, 400, 'invalid_grant');
  });

  it('missing PKCE verifier at the token endpoint: invalid_request', async () => {
    const { prepared, code } = await freshCode();
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: prepared.redirectUri, client_id: client.client_id });
    await expectError(await postToken(body.toString()), 400, 'invalid_request');
  });

  it('code replay: invalid_grant, and the access token the code produced is revoked', async () => {
    const { prepared, callback } = await freshCode();
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, callback, prepared));
    expect((await introspect(server, resourceServerClient('mcp'), tokens.access_token)).active).toBe(true);

    await expectError(await exchangeCode(server, client, callback, prepared), 400, 'invalid_grant');
    expect((await introspect(server, resourceServerClient('mcp'), tokens.access_token)).active).toBe(false);
    // The refresh token of that grant is gone as well.
    const refreshed = await oauth.refreshTokenGrantRequest(server.as, client, oauth.None(), tokens.refresh_token!, insecure);
    await expectError(refreshed, 400, 'invalid_grant');
  });

  it('a code exchanged twice at once: one wins, and the replay still revokes what the winner got', async () => {
    // An attacker racing the client with a stolen code: OAuth 2.1 §4.1.3 says the replay
    // revokes the tokens the code produced, whichever request arrived first.
    for (let round = 0; round < 8; round++) {
      const { prepared, callback } = await freshCode();
      const responses = await Promise.all([exchangeCode(server, client, callback, prepared), exchangeCode(server, client, callback, prepared)]);
      const statuses = responses.map((r) => r.status).sort();
      // At most one exchange may succeed. When the replay's revocation lands before the
      // first exchange has recorded its token, both are refused: also correct, the code
      // was replayed and nothing it produced may live.
      expect([[200, 400], [400, 400]]).toContainEqual(statuses);
      const loser = responses.find((r) => r.status === 400)!;
      expect((await oauthError(loser)).error).toBe('invalid_grant');
      const winner = responses.find((r) => r.status === 200);
      if (!winner) continue;
      const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, winner);
      const state = await introspect(server, resourceServerClient('mcp'), tokens.access_token);
      if (state.active) throw new Error(`round ${round}: the access token of a replayed code is still active`);
    }
  });

  it('redirect URI differing from the authorization request: invalid_grant', async () => {
    const { prepared, callback } = await freshCode();
    const res = await exchangeCode(server, client, callback, { ...prepared, redirectUri: 'http://127.0.0.1:4000/callback' });
    await expectError(res, 400, 'invalid_grant');
  });

  it('a code issued to another client: invalid_grant', async () => {
    const { prepared, callback } = await freshCode();
    const other = await registerPublicClient(server, { client_name: 'Code thief' });
    const params = oauth.validateAuthResponse(server.as, client, callback, prepared.state);
    const res = await oauth.authorizationCodeGrantRequest(server.as, other, oauth.None(), params, prepared.redirectUri, prepared.verifier, insecure);
    await expectError(res, 400, 'invalid_grant');
  });

  it('an unknown code: invalid_grant', async () => {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'no-such-code-0123456789abcdef',
      redirect_uri: 'http://127.0.0.1/callback',
      code_verifier: oauth.generateRandomCodeVerifier(),
      client_id: client.client_id,
    });
    await expectError(await postToken(body.toString()), 400, 'invalid_grant');
  });

  it('wrong client secret: 401 invalid_client with a Basic challenge', async () => {
    const res = await oauth.clientCredentialsGrantRequest(server.as, trusted, oauth.ClientSecretBasic('wrong-secret-0123456789'), { resource: MCP }, insecure);
    const err = await expectError(res, 401, 'invalid_client');
    expect(err.headers.get('www-authenticate')).toMatch(/^Basic /i);
  });

  it('wrong client secret in the body: 401 invalid_client', async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: trusted.client_id, client_secret: 'wrong-secret-0123456789' });
    await expectError(await postToken(body.toString()), 401, 'invalid_client');
  });

  it('an unknown client: 401 invalid_client', async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody-0123456789', client_secret: 'x'.repeat(32) });
    await expectError(await postToken(body.toString()), 401, 'invalid_client');
  });

  it('a malformed form body: invalid_request', async () => {
    await expectError(await postToken('%%%&&&==\u0000grant_type'), 400, 'invalid_request');
  });

  it('a JSON body: invalid_request', async () => {
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: trusted.client_id, client_secret: trusted.client_secret });
    await expectError(await postToken(body, 'application/json'), 400, 'invalid_request');
  });

  it('malformed JSON: invalid_request', async () => {
    await expectError(await postToken('{"grant_type": ', 'application/json'), 400, 'invalid_request');
  });

  it('an empty body: invalid_request', async () => {
    await expectError(await postToken(''), 400, 'invalid_request');
  });

  it('an oversized body: 413', async () => {
    const body = `grant_type=client_credentials&padding=${'a'.repeat(200 * 1024)}`;
    const res = await postToken(body);
    expect(res.status).toBe(413);
    await res.arrayBuffer();
  });

  it('duplicate parameters: invalid_request', async () => {
    const body = 'grant_type=client_credentials&grant_type=client_credentials&scope=sentiment:read';
    const auth = `Basic ${Buffer.from(`${encodeURIComponent(trusted.client_id)}:${encodeURIComponent(trusted.client_secret!)}`).toString('base64')}`;
    await expectError(await postToken(body, undefined, { authorization: auth }), 400, 'invalid_request');
  });

  it('a duplicate code: invalid_request', async () => {
    const { prepared, code } = await freshCode();
    const body = new URLSearchParams([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['code', code],
      ['redirect_uri', prepared.redirectUri],
      ['code_verifier', prepared.verifier],
      ['client_id', client.client_id],
    ]);
    await expectError(await postToken(body.toString()), 400, 'invalid_request');
  });

  it('an unknown grant type: unsupported_grant_type', async () => {
    const body = new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'x', client_id: client.client_id });
    await expectError(await postToken(body.toString()), 400, 'unsupported_grant_type');
  });

  it('a missing grant type: invalid_request', async () => {
    const body = new URLSearchParams({ client_id: client.client_id });
    await expectError(await postToken(body.toString()), 400, 'invalid_request');
  });

  it('a wrong content type: 400 invalid_request (RFC 6749 §3.2: form-encoded only)', async () => {
    await expectError(await postToken('grant_type=client_credentials', 'text/plain'), 400, 'invalid_request');
  });

  it('two client authentication methods at once: invalid_request', async () => {
    const res = await clientCredentials(server, trusted, { resource: MCP, client_secret: trusted.client_secret! });
    await expectError(res, 400, 'invalid_request');
  });
});
