import * as oauth from 'oauth4webapi';
import {
  AUDIT,
  AuthServer,
  BACKENDS,
  Browser,
  clientAuth,
  clientCredentials,
  codeFlow,
  insecure,
  introspect,
  MCP,
  oauthError,
  refresh,
  register,
  RegisteredClient,
  registerPublicClient,
  registerTrustedClient,
  resourceServerClient,
  revoke,
  startAuthServer,
  USERS,
  verifyAccessToken,
} from '@portcullis/testing';

/** Machine clients (OAuth 2.1 §4.2), revocation (RFC 7009) and introspection (RFC 7662). */
describe.each(BACKENDS)('auth-server black box on %s: client credentials, revocation, introspection', (backend) => {
  let server: AuthServer;
  let publicClient: RegisteredClient;
  let trusted: RegisteredClient;
  let untrustedConfidential: RegisteredClient;
  let browser: Browser;
  const mcpServer = resourceServerClient('mcp');
  const auditApi = resourceServerClient('audit');

  beforeAll(async () => {
    server = await startAuthServer(backend);
    publicClient = await registerPublicClient(server);
    trusted = await registerTrustedClient(server);
    untrustedConfidential = await register(server, {
      client_name: 'Ordinary web app',
      redirect_uris: ['https://app.example/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_post',
      application_type: 'web',
    });
    browser = new Browser(server.issuer);
  }, 60_000);
  afterAll(async () => server?.stop());

  async function peopleTokens() {
    const { tokens } = await codeFlow(server, browser, publicClient, USERS.alice, { scope: 'watchlist:read offline_access' });
    return tokens;
  }

  it('issues a client_credentials token to a trusted client: audience, scope, sub = client_id, no refresh token', async () => {
    const res = await clientCredentials(server, trusted, { resource: MCP, scope: 'sentiment:analyze sentiment:read' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const tokens = await oauth.processClientCredentialsResponse(server.as, trusted, res);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBe(600);
    const { header, claims } = await verifyAccessToken(server, tokens.access_token, MCP);
    expect(header.typ).toBe('at+jwt');
    expect(claims.aud).toBe(MCP);
    expect(claims.sub).toBe(trusted.client_id);
    expect(claims.client_id).toBe(trusted.client_id);
    expect(String(claims.scope).split(' ').sort()).toEqual(['sentiment:analyze', 'sentiment:read']);
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it('issues an audit:read token for the audit API to a trusted client', async () => {
    const res = await clientCredentials(server, trusted, { resource: AUDIT, scope: 'audit:read' });
    const tokens = await oauth.processClientCredentialsResponse(server.as, trusted, res);
    const { claims } = await verifyAccessToken(server, tokens.access_token, AUDIT);
    expect(claims.aud).toBe(AUDIT);
    expect(claims.scope).toBe('audit:read');
  });

  it('refuses a scope the resource does not accept (audit:read at the MCP server) with invalid_scope', async () => {
    const err = await oauthError(await clientCredentials(server, trusted, { resource: MCP, scope: 'audit:read' }));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_scope');
  });

  it('refuses an unknown resource at the token endpoint with invalid_target', async () => {
    const err = await oauthError(await clientCredentials(server, trusted, { resource: 'https://elsewhere.example/api', scope: 'sentiment:read' }));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_target');
  });

  it('refuses client_credentials to a public client', async () => {
    const err = await oauthError(await clientCredentials(server, publicClient, { resource: MCP }));
    expect(err.status).toBe(400);
    expect(err.error).toBe('unauthorized_client');
  });

  it('refuses client_credentials to an openly registered confidential client (unauthorized_client)', async () => {
    const err = await oauthError(await clientCredentials(server, untrustedConfidential, { resource: MCP, scope: 'sentiment:read' }));
    expect(err.status).toBe(400);
    expect(err.error).toBe('unauthorized_client');
  });

  it("introspection by the token's resource server: active with the claims (RFC 7662 §2.2)", async () => {
    const tokens = await peopleTokens();
    const { claims } = await verifyAccessToken(server, tokens.access_token, MCP);
    const result = await introspect(server, mcpServer, tokens.access_token);
    expect(result.active).toBe(true);
    expect(result.client_id).toBe(publicClient.client_id);
    expect(result.sub).toBe(claims.sub);
    expect(result.aud).toBe(MCP);
    expect(result.iss).toBe(server.issuer);
    expect(result.scope).toBe('watchlist:read');
    expect(result.jti).toBe(claims.jti);
    expect(result.exp).toBe(claims.exp);
    expect(result.token_type).toBe('Bearer');
  });

  // Rewritten for issue 9: this used to pin "a trusted client can introspect any token". Only
  // resource servers may introspect now (RFC 7662 §4), each only tokens for its own resource.
  it.each([
    ['a trusted client registered with the initial access token', () => trusted],
    ['an openly registered confidential client', () => untrustedConfidential],
  ])('introspection by %s that is not a resource server: 403 unauthorized_client', async (_name, caller) => {
    const tokens = await peopleTokens();
    const res = await oauth.introspectionRequest(server.as, caller(), clientAuth(caller()), tokens.access_token, insecure);
    const err = await oauthError(res);
    expect(err.status).toBe(403);
    expect(err.error).toBe('unauthorized_client');
  });

  it('a trusted client cannot introspect even the tokens issued to itself', async () => {
    const own = await oauth.processClientCredentialsResponse(server.as, trusted, await clientCredentials(server, trusted, { resource: MCP, scope: 'sentiment:read' }));
    const err = await oauthError(await oauth.introspectionRequest(server.as, trusted, clientAuth(trusted), own.access_token, insecure));
    expect(err.status).toBe(403);
  });

  it('a resource server learns nothing about tokens for another resource: active false', async () => {
    const forAudit = await oauth.processClientCredentialsResponse(server.as, trusted, await clientCredentials(server, trusted, { resource: AUDIT, scope: 'audit:read' }));
    expect(await introspect(server, mcpServer, forAudit.access_token)).toEqual({ active: false });
    expect((await introspect(server, auditApi, forAudit.access_token)).active).toBe(true);
    const forMcp = await peopleTokens();
    expect(await introspect(server, auditApi, forMcp.access_token)).toEqual({ active: false });
  });

  it('a resource server learns nothing about refresh tokens: active false, whatever the hint', async () => {
    const tokens = await peopleTokens();
    expect(await introspect(server, mcpServer, tokens.refresh_token!)).toEqual({ active: false });
    const hinted = await oauth.introspectionRequest(server.as, mcpServer, clientAuth(mcpServer), tokens.refresh_token!, {
      additionalParameters: { token_type_hint: 'refresh_token' },
      ...insecure,
    });
    expect(await oauth.processIntrospectionResponse(server.as, mcpServer, hinted)).toEqual({ active: false });
  });

  it('introspection of garbage is active false, and without client authentication is invalid_client', async () => {
    expect(await introspect(server, mcpServer, 'eyJhbGciOiJub25lIn0.e30.')).toEqual({ active: false });
    const tokens = await peopleTokens();
    const res = await oauth.introspectionRequest(server.as, publicClient, oauth.None(), tokens.access_token, insecure);
    const err = await oauthError(res);
    expect(err.status).toBe(401);
    expect(err.error).toBe('invalid_client');
  });

  it('introspection with a wrong resource server secret is invalid_client (401)', async () => {
    const tokens = await peopleTokens();
    const res = await oauth.introspectionRequest(server.as, mcpServer, oauth.ClientSecretBasic('not-the-resource-server-secret'), tokens.access_token, insecure);
    expect(await oauthError(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('revoking a refresh token revokes its family: refresh fails, the access token is inactive', async () => {
    const tokens = await peopleTokens();
    const rotated = await oauth.processRefreshTokenResponse(server.as, publicClient, await refresh(server, publicClient, tokens.refresh_token!));
    const res = await revoke(server, publicClient, rotated.refresh_token!, 'refresh_token');
    expect(res.status).toBe(200);
    await oauth.processRevocationResponse(res);

    const err = await oauthError(await refresh(server, publicClient, rotated.refresh_token!));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_grant');
    expect((await introspect(server, mcpServer, rotated.access_token)).active).toBe(false);
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(false);
  });

  it('revoking an access token makes introspection say active false', async () => {
    const tokens = await peopleTokens();
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(true);
    const res = await revoke(server, publicClient, tokens.access_token, 'access_token');
    expect(res.status).toBe(200);
    await oauth.processRevocationResponse(res);
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(false);
  });

  it('a wrong token_type_hint does not stop revocation (RFC 7009 §2.1: the server extends its search)', async () => {
    const tokens = await peopleTokens();
    await oauth.processRevocationResponse(await revoke(server, publicClient, tokens.access_token, 'refresh_token'));
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(false);
  });

  it('revoking a client_credentials access token works for the confidential client that holds it', async () => {
    const tokens = await oauth.processClientCredentialsResponse(server.as, trusted, await clientCredentials(server, trusted, { resource: MCP, scope: 'sentiment:read' }));
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(true);
    await oauth.processRevocationResponse(await revoke(server, trusted, tokens.access_token));
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(false);
  });

  it('revoking an unknown token answers 200 (RFC 7009 §2.2)', async () => {
    const res = await revoke(server, publicClient, 'never-issued-token-value-0123456789');
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("refuses to revoke another client's token and leaves it active", async () => {
    const tokens = await peopleTokens();
    const res = await revoke(server, untrustedConfidential, tokens.access_token);
    const err = await oauthError(res);
    expect(err.status).toBe(400);
    expect(err.error).toBe('unauthorized_client');
    expect((await introspect(server, mcpServer, tokens.access_token)).active).toBe(true);
  });
});
