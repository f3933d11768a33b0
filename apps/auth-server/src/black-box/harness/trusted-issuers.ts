import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthServer, Backend, endpoint, EventSink, RESOURCE_SERVERS, startAuthServer, TestIdentityProvider } from '@portcullis/testing';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** The operator's clients of these tests, pre-registered through CLIENTS_FILE. */
export const CLIENTS = {
  /** An MCP client the enterprise IdP issues ID-JAGs to (client_secret_basic, as the conformance scenario). */
  enterprise: { client_id: 'bb-enterprise-client', client_secret: 'bb-enterprise-client-secret-5e0b7d2c9a41f3', token_endpoint_auth_method: 'client_secret_basic', scope: 'sentiment:read sentiment:analyze watchlist:read' },
  /** Registered for the grant, but not named by the IdP. */
  outsider: { client_id: 'bb-outsider-client', client_secret: 'bb-outsider-client-secret-8a3f6e1d0c27b9', token_endpoint_auth_method: 'client_secret_basic' },
  /** Named by the IdP, but not registered for the grant type. */
  unregistered: { client_id: 'bb-code-only-client', client_secret: 'bb-code-only-client-secret-2d9c4b7e1f0a86', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] },
  /** A workload's client: no secret at all (MCP WIF). */
  router: { client_id: 'bb-router-agent', token_endpoint_auth_method: 'none', scope: 'sentiment:read watchlist:read' },
  /** A workload rule's client that is not registered for the grant type. */
  codeOnlyWorkload: { client_id: 'bb-code-only-workload', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1/cb'] },
} as const;

export interface TrustSetup {
  server: AuthServer;
  sink: EventSink;
  /** An enterprise IdP ("acme") issuing ID-JAGs. */
  idp: TestIdentityProvider;
  /** A workload platform ("k8s"), e.g. a cluster's service-account issuer. */
  platform: TestIdentityProvider;
  /** An issuer nobody declared: it signs, publishes keys, and must never be asked for them. */
  stranger: TestIdentityProvider;
  /** A declared enterprise IdP ("globex") whose JWKS endpoint is down from the start. */
  downIdp: TestIdentityProvider;
  tokenEndpoint: string;
  stop(): Promise<void>;
}

/** Starts the IdPs, writes TRUSTED_ISSUERS_FILE and CLIENTS_FILE as an operator would, starts the server. */
export async function startWithTrustedIssuers(backend: Backend): Promise<TrustSetup> {
  const [idp, platform, stranger, downIdp, sink] = await Promise.all([
    new TestIdentityProvider().start(),
    new TestIdentityProvider().start(),
    new TestIdentityProvider().start(),
    new TestIdentityProvider().start(),
    new EventSink().start(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-trust-'));
  const trust = {
    enterprise_idps: [
      {
        name: 'acme',
        issuer: idp.issuer,
        jwks_uri: idp.jwksUri,
        clients: [CLIENTS.enterprise.client_id, CLIENTS.unregistered.client_id],
        scopes: ['sentiment:read', 'sentiment:analyze', 'watchlist:read', 'watchlist:write'],
      },
      { name: 'globex', issuer: downIdp.issuer, jwks_uri: downIdp.jwksUri, clients: [CLIENTS.enterprise.client_id] },
    ],
    workload_issuers: [
      {
        name: 'k8s',
        issuer: platform.issuer,
        jwks_uri: platform.jwksUri,
        rules: [
          { sub: 'system:serviceaccount:agents:router', client_id: CLIENTS.router.client_id, scopes: ['sentiment:read'] },
          { sub_pattern: 'repo:acme/*:ref:refs/heads/main', claims: { repository_owner: 'acme' }, client_id: CLIENTS.router.client_id },
          { sub: 'system:serviceaccount:agents:legacy', client_id: CLIENTS.codeOnlyWorkload.client_id },
          { sub: 'system:serviceaccount:agents:ghost', client_id: 'bb-no-such-client' },
        ],
      },
    ],
  };
  downIdp.down = true;
  const mcpServer = { ...RESOURCE_SERVERS.mcp, client_name: 'mcp', grant_types: ['client_credentials'] };
  const clients = [
    mcpServer,
    ...Object.values(CLIENTS).map((c) => ({ client_name: c.client_id, grant_types: [JWT_BEARER], ...c })),
  ];
  writeFileSync(join(dir, 'trust.json'), JSON.stringify(trust));
  writeFileSync(join(dir, 'clients.json'), JSON.stringify(clients));
  const server = await startAuthServer(backend, {
    TRUSTED_ISSUERS_FILE: join(dir, 'trust.json'),
    TRUSTED_ISSUERS_ALLOW_HTTP: 'true',
    CLIENTS_FILE: join(dir, 'clients.json'),
    AUDIT_INGEST_URL: sink.url,
  });
  return {
    server,
    sink,
    idp,
    platform,
    stranger,
    downIdp,
    tokenEndpoint: endpoint(server, 'token_endpoint'),
    async stop() {
      await server.stop();
      await Promise.all([idp.stop(), platform.stop(), stranger.stop(), downIdp.stop(), sink.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A jwt-bearer token request, form-encoded; `basic` authenticates with client_secret_basic. */
export function jwtBearerRequest(tokenEndpoint: string, params: Record<string, string>, basic?: { client_id: string; client_secret: string }): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.client_id)}:${encodeURIComponent(basic.client_secret)}`).toString('base64')}`;
  return fetch(tokenEndpoint, { method: 'POST', headers, body: new URLSearchParams({ grant_type: JWT_BEARER, ...params }) });
}
