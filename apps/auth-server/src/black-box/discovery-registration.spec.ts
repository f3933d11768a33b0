import * as oauth from 'oauth4webapi';
import { AuthServer, BACKENDS, oauthError, REDIRECT, register, registerPublicClient, registrationResponse, startAuthServer } from '@portcullis/testing';

/** Discovery (RFC 8414) and Dynamic Client Registration (RFC 7591), from the issuer URL only. */
describe.each(BACKENDS)('auth-server black box on %s: discovery and registration', (backend) => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer(backend);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('publishes RFC 8414 metadata for exactly the configured issuer, CORS-open and cacheable', async () => {
    const url = new URL('/.well-known/oauth-authorization-server', server.issuer);
    const res = await fetch(url, { headers: { origin: 'https://mcp-client.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const md = (await res.json()) as oauth.AuthorizationServer & Record<string, unknown>;
    // oauth4webapi's discovery already checked issuer equality; check the contract itself.
    expect(md.issuer).toBe(server.issuer);
    expect(server.as.issuer).toBe(server.issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'registration_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
      expect(typeof md[endpoint]).toBe('string');
      expect(new URL(md[endpoint] as string).origin).toBe(server.issuer);
    }
    expect(md.response_types_supported).toEqual(['code']);
    expect(md.code_challenge_methods_supported).toEqual(['S256']);
    expect(md.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(md.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']));
    expect(md.scopes_supported).toEqual(
      expect.arrayContaining(['sentiment:analyze', 'sentiment:read', 'watchlist:read', 'watchlist:write', 'audit:read', 'offline_access']),
    );
    expect(md.authorization_response_iss_parameter_supported).toBe(true);
    expect(md.client_id_metadata_document_supported).toBe(true);
    expect(Array.isArray(md.revocation_endpoint_auth_methods_supported)).toBe(true);
    expect(Array.isArray(md.introspection_endpoint_auth_methods_supported)).toBe(true);
    // RFC 8414 §2: no implicit flow, and the metadata never lists the password grant.
    expect(md.grant_types_supported).not.toContain('implicit');
    expect(md.grant_types_supported).not.toContain('password');
    // No TRUSTED_ISSUERS_FILE: no jwt-bearer grant, no ID-JAG profile.
    expect(md.grant_types_supported).not.toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(md).not.toHaveProperty('authorization_grant_profiles_supported');
  });

  it('answers the jwt-bearer grant with unsupported_grant_type while no issuer is trusted', async () => {
    const res = await fetch(server.as.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'a.b.c' }),
    });
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'unsupported_grant_type' });
  });

  it('publishes an Ed25519 JWKS with key ids at jwks_uri', async () => {
    const res = await fetch(server.as.jwks_uri!);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(typeof key.kid).toBe('string');
      expect(key.d).toBeUndefined();
    }
    expect(keys.some((k) => k.kty === 'OKP' && k.crv === 'Ed25519')).toBe(true);
  });

  it('answers a token error with CORS headers too (browser-based MCP clients read it)', async () => {
    const res = await fetch(server.as.token_endpoint!, {
      method: 'POST',
      headers: { origin: 'https://mcp-client.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=nope&client_id=nobody',
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const err = await oauthError(res);
    expect(err.status).toBe(401);
    expect(err.error).toBe('invalid_client');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('registers a public native client (RFC 7591) and returns no secret', async () => {
    const client = await registerPublicClient(server);
    expect(typeof client.client_id).toBe('string');
    expect(client.client_id.length).toBeGreaterThanOrEqual(16);
    expect(client.client_secret).toBeUndefined();
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.redirect_uris).toEqual([REDIRECT]);
    expect(client.grant_types).toEqual(expect.arrayContaining(['authorization_code']));
  });

  it('registers a confidential client with a secret returned once', async () => {
    const client = await register(server, {
      client_name: 'Black-box web app',
      redirect_uris: ['https://app.example/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'web',
    });
    expect(typeof client.client_secret).toBe('string');
    expect(client.client_secret!.length).toBeGreaterThanOrEqual(32);
    expect(client.client_secret_expires_at).toBe(0);
  });

  it('refuses client_credentials to an openly registered client (invalid_client_metadata)', async () => {
    const res = await registrationResponse(server, {
      client_name: 'Sneaky machine',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const err = await oauthError(res);
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_client_metadata');
  });

  it('refuses a privileged scope (audit:read) to an openly registered client (invalid_client_metadata)', async () => {
    const res = await registrationResponse(server, {
      client_name: 'Sneaky reader',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      scope: 'audit:read',
    });
    const err = await oauthError(res);
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_client_metadata');
  });

  it('refuses a wrong initial access token instead of registering an untrusted client', async () => {
    const res = await registrationResponse(
      server,
      { client_name: 'Wrong token', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' },
      'not-the-initial-access-token-000',
    );
    // RFC 7591 §3 / RFC 6750 §3.1: an invalid initial access token is invalid_token (401).
    const err = await oauthError(res);
    expect(err.status).toBe(401);
    expect(err.error).toBe('invalid_token');
  });

  it('refuses an http redirect URI for a web client (invalid_redirect_uri)', async () => {
    const res = await registrationResponse(server, {
      client_name: 'Plain web',
      redirect_uris: ['http://app.example/callback'],
      token_endpoint_auth_method: 'none',
      application_type: 'web',
    });
    const err = await oauthError(res);
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_redirect_uri');
  });

  it('answers a malformed JSON registration with invalid_request or invalid_client_metadata, never a 500', async () => {
    const res = await fetch(server.as.registration_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"redirect_uris": [',
    });
    const err = await oauthError(res);
    expect(err.status).toBe(400);
    expect(['invalid_request', 'invalid_client_metadata']).toContain(err.error);
  });
});
