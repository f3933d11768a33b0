import { AUDIT, BACKENDS, MCP, oauthError, verifyAccessToken } from '@portcullis/testing';
import { CLIENTS, ID_JAG_TYP, JWT_BEARER, jwtBearerRequest, startWithTrustedIssuers, TrustSetup } from './harness/trusted-issuers';

const ROUTER_SA = 'system:serviceaccount:agents:router';

/**
 * Workload identity federation (MCP ext-auth draft; SEP-1933): a workload's JWT from a declared
 * platform — a Kubernetes service-account token, a CI provider's OIDC token — is the only
 * credential; a rule on iss/sub (and claims) names the client. Errors as the draft and the
 * conformance scenario auth/wif-jwt-bearer list them: invalid_grant, invalid_scope,
 * unauthorized_client. On PostgreSQL and on SQLite.
 */
describe.each(BACKENDS)('auth-server black box on %s: jwt-bearer with a workload JWT', (backend) => {
  let t: TrustSetup;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await startWithTrustedIssuers(backend);
  }, 90_000);
  afterAll(async () => t?.stop());

  /** A projected service-account token for this server (no typ, as Kubernetes issues them; aud an array). */
  function workloadJwt(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, forged = false): Promise<string> {
    return t.platform.mint({ claims: { sub: ROUTER_SA, aud: [t.server.issuer], ...claims }, header, forged });
  }

  const exchange = (assertion: string, extra: Record<string, string> = {}) => jwtBearerRequest(t.tokenEndpoint, { assertion, resource: MCP, ...extra });

  async function expectError(res: Response, error: string, description?: RegExp): Promise<void> {
    const body = await oauthError(res);
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error });
    if (description) expect(body.description).toMatch(description);
  }

  it('issues a token to the client the rule names, with no client authentication, for the requested resource, recording which issuer vouched', async () => {
    const res = await exchange(await workloadJwt());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string; refresh_token?: string };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'sentiment:read' });
    expect(body.refresh_token).toBeUndefined();
    const { claims } = await verifyAccessToken(t.server, body.access_token, MCP);
    expect(claims).toMatchObject({ sub: `k8s:${ROUTER_SA}`, client_id: CLIENTS.router.client_id, aud: MCP });
    const event = await t.sink.waitFor((e) => e.type === 'auth.token.issued' && e.data.jti === claims.jti);
    expect(event.data).toMatchObject({ grant_type: JWT_BEARER, client_id: CLIENTS.router.client_id, vouched_by: { profile: 'workload', connection: 'k8s', issuer: t.platform.issuer } });
    expect(event.data.consent).toBeUndefined();
  });

  it('refuses a replayed workload JWT (same jti) with invalid_grant', async () => {
    const assertion = await workloadJwt();
    expect((await exchange(assertion)).status).toBe(200);
    await expectError(await exchange(assertion), 'invalid_grant', /already used/);
  });

  it('accepts aud as the issuer string, the issuer with a slash, or the token endpoint URL (the WIF draft)', async () => {
    for (const aud of [t.server.issuer, `${t.server.issuer}/`, t.tokenEndpoint]) {
      expect((await exchange(await workloadJwt({ aud }))).status).toBe(200);
    }
  });

  it('matches a pattern rule with a claim condition, as for a CI provider token', async () => {
    const ci = (owner: string) => workloadJwt({ sub: 'repo:acme/agents:ref:refs/heads/main', repository_owner: owner }, { typ: 'JWT' });
    const res = await exchange(await ci('acme'), { scope: 'watchlist:read' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scope: string }).scope).toBe('watchlist:read');
    await expectError(await exchange(await ci('evil')), 'invalid_grant', /no rule/);
    await expectError(await exchange(await workloadJwt({ sub: 'repo:acme/agents:ref:refs/heads/feature', repository_owner: 'acme' })), 'invalid_grant', /no rule/);
  });

  it('accepts client_id when it names the mapped client; refuses another client_id (invalid_grant) and any client secret (invalid_request)', async () => {
    expect((await exchange(await workloadJwt(), { client_id: CLIENTS.router.client_id })).status).toBe(200);
    await expectError(await exchange(await workloadJwt(), { client_id: CLIENTS.enterprise.client_id }), 'invalid_grant', /another client/);
    await expectError(await exchange(await workloadJwt(), { client_id: CLIENTS.router.client_id, client_secret: 'anything-at-all' }), 'invalid_request', /no other client authentication/);
  });

  it('refuses wrong aud, expired, forged, typed-as-something-else and jti-less workload JWTs: invalid_grant', async () => {
    await expectError(await exchange(await workloadJwt({ aud: 'https://wrong.example' })), 'invalid_grant', /audience/);
    await expectError(await exchange(await workloadJwt({ iat: now() - 7200, exp: now() - 60 })), 'invalid_grant', /expired/);
    await expectError(await exchange(await workloadJwt({}, {}, true)), 'invalid_grant', /signature/);
    await expectError(await exchange(await workloadJwt({}, { typ: 'at+jwt' })), 'invalid_grant', /wrong type/);
    await expectError(await exchange(await workloadJwt({ exp: now() + 7200 })), 'invalid_grant', /longer than/);
    await expectError(await exchange(await t.platform.mint({ claims: { sub: ROUTER_SA, aud: t.server.issuer }, omit: ['jti'] })), 'invalid_grant', /jti/);
    // Typed as an ID-JAG, it is read as one: that needs an authenticated client (and an enterprise IdP).
    const asIdJag = await oauthError(await exchange(await workloadJwt({}, { typ: ID_JAG_TYP })));
    expect({ status: asIdJag.status, error: asIdJag.error }).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('refuses an untrusted issuer (invalid_grant) without fetching its keys, and an unmatched workload (invalid_grant)', async () => {
    const stranger = await t.stranger.mint({ claims: { sub: ROUTER_SA, aud: t.server.issuer } });
    await expectError(await exchange(stranger), 'invalid_grant', /not trusted/);
    expect(t.stranger.jwksFetches).toBe(0);
    await expectError(await exchange(await workloadJwt({ sub: 'system:serviceaccount:agents:intruder' })), 'invalid_grant', /no rule of 'k8s'/);
  });

  it('refuses scopes outside the rule (invalid_scope), a client not registered for the grant or not registered at all (unauthorized_client), an unknown resource (invalid_target)', async () => {
    await expectError(await exchange(await workloadJwt(), { scope: 'watchlist:read' }), 'invalid_scope');
    await expectError(await exchange(await workloadJwt({ sub: 'system:serviceaccount:agents:legacy' })), 'unauthorized_client');
    await expectError(await exchange(await workloadJwt({ sub: 'system:serviceaccount:agents:ghost' })), 'unauthorized_client');
    await expectError(await exchange(await workloadJwt(), { resource: 'https://unknown.example/mcp' }), 'invalid_target');
    // The rule's client holds no audit scope: nothing left to grant at the audit API.
    await expectError(await exchange(await workloadJwt(), { resource: AUDIT }), 'invalid_scope');
  });
});
