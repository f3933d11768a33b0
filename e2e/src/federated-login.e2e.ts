import { EventType } from '@portcullis/contracts';
import { Scope } from '@portcullis/scopes';
import {
  clientCredentialsTokens,
  freePort,
  registerTrustedClient,
  startUpstreamIdp,
  UPSTREAM_CLIENT,
  upstreamClient,
  type UpstreamIdp,
  writeConnectionsFile,
} from '@portcullis/testing';
import { BrowserClientProvider, CallbackServer, connectWithAuthorization, type McpApp } from './support/mcp-app';
import { auditStory, type CloudEvent } from './support/oauth-http';
import { Person } from './support/person';
import { startTopology, type Topology } from './support/topology';

/*
 * Issue 12 end to end: an organisation signs its people in with its own OpenID Provider, beside
 * Portcullis's own password form and with no passwords at all (PASSWORD_LOGIN=false). The official MCP SDK client
 * connects; the person, in headless Chromium, goes from our login page through "Continue with
 * Acme SSO" to the IdP's own login and consent pages (oidc-provider, on another site), back to
 * our consent page; the SDK exchanges the code and calls a tool; the audit trail names the
 * connection that vouched and the person the tool call ran for.
 */
describe.each([
  { passwords: 'beside the password form', passwordLogin: 'true', person: 'grace@acme.test' },
  { passwords: 'with passwords off', passwordLogin: 'false', person: 'frank@acme.test' },
])('Portcullis end to end: an MCP client, a person signed in by their organisation’s IdP ($passwords), a tool call', ({ passwordLogin, person: loginName }) => {
  let idp: UpstreamIdp;
  let topo: Topology;
  let callback: CallbackServer;
  let person: Person;
  let app: McpApp | undefined;
  const startedAt = new Date(Date.now() - 1000);

  beforeAll(async () => {
    const authPort = await freePort();
    idp = await startUpstreamIdp([upstreamClient(`http://127.0.0.1:${authPort}`, ['acme'])], 'localhost');
    const connections = writeConnectionsFile([
      { id: 'acme', display_name: 'Acme SSO', issuer: idp.issuer, client_id: UPSTREAM_CLIENT.id, client_secret: { env: 'ACME_OIDC_SECRET' } },
    ]);
    topo = await startTopology({
      replicas: 1,
      accessTokenTtl: 600,
      authPort,
      authEnv: { OIDC_CONNECTIONS_FILE: connections, OIDC_ALLOW_HTTP: 'true', ACME_OIDC_SECRET: UPSTREAM_CLIENT.secret, PASSWORD_LOGIN: passwordLogin },
    });
    callback = await new CallbackServer().start();
    person = new Person({ username: '', password: '' }, callback.url, { provider: 'Acme SSO', login: loginName });
    await person.open();
  }, 180_000);

  afterAll(async () => {
    await app?.client.close().catch(() => undefined);
    await person?.close();
    await callback?.stop();
    await topo?.stop();
    await idp?.stop();
  }, 60_000);

  it('connects through the IdP, calls a tool, and the audit trail names the connection and the person', async () => {
    const provider = new BrowserClientProvider(person, callback, 'E2E Federated Client');
    provider.shotPrefix = 'federated';
    app = await connectWithAuthorization(topo.mcpUrl, provider);
    expect(provider.visits[0].pages).toEqual(['login', 'idp-login', 'idp-consent', 'consent']);
    expect(provider.lastResponse().iss).toBe(topo.issuer);

    const result = await app.client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates and raises guidance' } });
    expect(result.isError).toBeFalsy();

    const auditor = await registerTrustedClient(topo.authServer, { client_name: 'E2E federated auditor', scope: Scope.AuditRead });
    let events: CloudEvent[] = [];
    const deadline = Date.now() + 20_000;
    do {
      const { access_token: token } = await clientCredentialsTokens(topo.authServer, auditor, { resource: topo.auditResource, scope: Scope.AuditRead });
      events = await auditStory(topo.auditUrl, token, provider.clientId, startedAt, new Date(Date.now() + 60_000));
      if (events.some((e) => e.type === EventType.McpToolCalled)) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    const login = events.find((e) => e.type === EventType.LoginSucceeded);
    expect(login?.data).toMatchObject({ connection_id: 'acme', username: `acme/${loginName}`, provisioned: true });
    const call = events.find((e) => e.type === EventType.McpToolCalled);
    expect(call?.data).toMatchObject({ tool: 'analyze_sentiment', outcome: 'success', subject: login?.data['subject'] });
  }, 60_000);
});
