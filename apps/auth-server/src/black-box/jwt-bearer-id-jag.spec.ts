import { BACKENDS, MCP, AUDIT, oauthError, verifyAccessToken } from '@portcullis/testing';
import { CLIENTS, ID_JAG_TYP, JWT_BEARER, jwtBearerRequest, startWithTrustedIssuers, TrustSetup } from './harness/trusted-issuers';

/**
 * Enterprise-Managed Authorization (MCP ext-auth, stable) / draft-ietf-oauth-identity-assertion-
 * authz-grant: an ID-JAG minted by a test IdP with its own keys and JWKS endpoint is exchanged
 * at the token endpoint for an access token; every rejection the profile lists is its precise
 * error, on PostgreSQL and on SQLite (the embedded default).
 */
describe.each(BACKENDS)('auth-server black box on %s: jwt-bearer with an ID-JAG', (backend) => {
  let t: TrustSetup;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await startWithTrustedIssuers(backend);
  }, 90_000);
  afterAll(async () => t?.stop());

  /** An ID-JAG as the conformance suite's IdP makes one, for the enterprise client and the MCP server. */
  function idJag(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, forged = false): Promise<string> {
    return t.idp.mint({
      header: { typ: ID_JAG_TYP, ...header },
      claims: { sub: 'U019488227', aud: t.server.issuer, client_id: CLIENTS.enterprise.client_id, resource: MCP, scope: 'sentiment:read watchlist:read', ...claims },
      forged,
    });
  }

  const exchange = (assertion: string, extra: Record<string, string> = {}, client: { client_id: string; client_secret: string } = CLIENTS.enterprise) =>
    jwtBearerRequest(t.tokenEndpoint, { assertion, ...extra }, client);

  async function expectError(res: Response, error: string, description?: RegExp): Promise<void> {
    const body = await oauthError(res);
    expect({ status: body.status, error: body.error }).toEqual({ status: error === 'invalid_client' ? 401 : 400, error });
    if (description) expect(body.description).toMatch(description);
  }

  it('advertises the grant type and the ID-JAG grant profile', () => {
    expect(t.server.as.grant_types_supported).toContain(JWT_BEARER);
    expect(t.server.as['authorization_grant_profiles_supported']).toEqual(['urn:ietf:params:oauth:grant-profile:id-jag']);
  });

  it('issues an access token for the ID-JAG resource: the asserted person under the IdP name, the scopes of the grant, no refresh token, recorded as the IdP policy', async () => {
    const res = await exchange(await idJag());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; scope: string; refresh_token?: string };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'sentiment:read watchlist:read' });
    expect(body.refresh_token).toBeUndefined();
    const { claims } = await verifyAccessToken(t.server, body.access_token, MCP);
    expect(claims).toMatchObject({ sub: 'acme:U019488227', client_id: CLIENTS.enterprise.client_id, aud: MCP, scope: 'sentiment:read watchlist:read' });
    const event = await t.sink.waitFor((e) => e.type === 'auth.token.issued' && e.data.jti === claims.jti);
    expect(event.data).toMatchObject({
      grant_type: JWT_BEARER,
      client_id: CLIENTS.enterprise.client_id,
      subject: 'acme:U019488227',
      vouched_by: { profile: 'id-jag', connection: 'acme', issuer: t.idp.issuer },
      consent: 'idp_policy',
    });
  });

  it('refuses a replayed ID-JAG (same jti) with invalid_grant, and records the rejection without the assertion', async () => {
    const assertion = await idJag();
    expect((await exchange(assertion)).status).toBe(200);
    await expectError(await exchange(assertion), 'invalid_grant', /already used/);
    await t.sink.waitFor((e) => e.type === 'auth.token.rejected' && /already used/.test(String(e.data.error_description)));
    for (const body of t.sink.bodies) expect(body).not.toContain(assertion.split('.')[2]);
  });

  it('accepts one of several concurrent uses of the same ID-JAG: the ledger insert is the atomic check', async () => {
    const assertion = await idJag();
    const statuses = await Promise.all(Array.from({ length: 6 }, async () => (await exchange(assertion)).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
  });

  it('accepts the issuer with a trailing slash as aud, as the profile example writes it', async () => {
    expect((await exchange(await idJag({ aud: `${t.server.issuer}/` }))).status).toBe(200);
  });

  it('reads typ as a media type: application/oauth-id-jag+jwt is the same type (RFC 7515 §4.1.9)', async () => {
    expect((await exchange(await idJag({}, { typ: 'application/OAuth-ID-JAG+JWT' }))).status).toBe(200);
  });

  it('grants the intersection of the requested and the asserted scopes', async () => {
    const res = await exchange(await idJag(), { scope: 'sentiment:read sentiment:analyze' });
    expect(((await res.json()) as { scope: string }).scope).toBe('sentiment:read');
  });

  it('refuses wrong aud, wrong typ, an expired, a future, a too-long-lived, a forged ID-JAG and one without jti: invalid_grant', async () => {
    await expectError(await exchange(await idJag({ aud: 'https://other-as.example' })), 'invalid_grant', /audience/);
    await expectError(await exchange(await idJag({ aud: [t.server.issuer, 'https://other-as.example'] })), 'invalid_grant', /only audience/);
    await expectError(await exchange(await idJag({}, { typ: 'JWT' })), 'invalid_grant', /wrong type/);
    await expectError(await exchange(await idJag({ iat: now() - 900, exp: now() - 600 })), 'invalid_grant', /expired/);
    await expectError(await exchange(await idJag({ iat: now() + 600, exp: now() + 800 })), 'invalid_grant', /future/);
    await expectError(await exchange(await idJag({ exp: now() + 3600 })), 'invalid_grant', /longer than/);
    await expectError(await exchange(await idJag({}, {}, true)), 'invalid_grant', /signature/);
    await expectError(await exchange(await t.idp.mint({ header: { typ: ID_JAG_TYP }, omit: ['jti'], claims: { sub: 'U1', aud: t.server.issuer, client_id: CLIENTS.enterprise.client_id } })), 'invalid_grant', /jti/);
  });

  it('refuses an ID-JAG from an untrusted issuer without fetching its keys', async () => {
    const forged = await t.stranger.mint({ header: { typ: ID_JAG_TYP }, claims: { sub: 'U1', aud: t.server.issuer, client_id: CLIENTS.enterprise.client_id, resource: MCP } });
    await expectError(await exchange(forged), 'invalid_grant', /not a trusted enterprise IdP/);
    expect(t.stranger.jwksFetches).toBe(0);
  });

  it('refuses a client mismatch: another client in the ID-JAG, a client the IdP does not name, a client not registered for the grant', async () => {
    await expectError(await exchange(await idJag({ client_id: 'someone-else' })), 'invalid_grant', /another client/);
    await expectError(await exchange(await idJag({ client_id: CLIENTS.outsider.client_id }), {}, CLIENTS.outsider), 'invalid_grant', /may not present grants of 'acme'/);
    await expectError(await exchange(await idJag({ client_id: CLIENTS.unregistered.client_id }), {}, CLIENTS.unregistered), 'unauthorized_client');
    // Client authentication is still required for an ID-JAG (the profile §5).
    await expectError(await jwtBearerRequest(t.tokenEndpoint, { assertion: await idJag() }), 'invalid_client');
    await expectError(await exchange(await idJag(), {}, { client_id: CLIENTS.enterprise.client_id, client_secret: 'wrong-secret' }), 'invalid_client');
  });

  it('refuses scopes outside the grant: invalid_scope; an asserted scope the resource does not have: invalid_grant', async () => {
    await expectError(await exchange(await idJag(), { scope: 'sentiment:analyze' }), 'invalid_scope');
    await expectError(await exchange(await idJag(), { scope: 'no-such:scope' }), 'invalid_scope', /no-such:scope/);
    await expectError(await exchange(await idJag({ scope: 'sentiment:read audit:read' })), 'invalid_grant', /audit:read/);
    // The client's own registered scope caps it too: watchlist:write is granted by the IdP, not registered.
    await expectError(await exchange(await idJag({ scope: 'watchlist:write' })), 'invalid_scope');
  });

  it('refuses a resource not known (invalid_grant), a resource parameter that contradicts the ID-JAG (invalid_target)', async () => {
    await expectError(await exchange(await idJag({ resource: 'https://unknown.example/mcp' })), 'invalid_grant', /does not protect/);
    await expectError(await exchange(await idJag(), { resource: AUDIT }), 'invalid_target');
    // Without a resource claim, the parameter decides as in every grant.
    await expectError(await exchange(await idJag({ resource: undefined }), { resource: 'https://unknown.example/mcp' }), 'invalid_target');
    const ok = await exchange(await idJag({ resource: undefined }), { resource: `${MCP}/` });
    expect(ok.status).toBe(200);
  });

  it('refuses malformed input precisely: no assertion, an oversized one, one that is not a JWT', async () => {
    await expectError(await jwtBearerRequest(t.tokenEndpoint, {}, CLIENTS.enterprise), 'invalid_request', /assertion/);
    await expectError(await exchange('x'.repeat(9000)), 'invalid_request', /at most 8192/);
    await expectError(await exchange('not-a-jwt'), 'invalid_grant', /not a signed JWT/);
  });

  it('answers invalid_grant, never a 500, while the IdP JWKS is down', async () => {
    const assertion = await t.downIdp.mint({ header: { typ: ID_JAG_TYP }, claims: { sub: 'U1', aud: t.server.issuer, client_id: CLIENTS.enterprise.client_id, resource: MCP } });
    await expectError(await exchange(assertion), 'invalid_grant', /keys could not be fetched|could not be verified/);
    expect(t.downIdp.jwksFetches).toBeGreaterThan(0);
  });
});
