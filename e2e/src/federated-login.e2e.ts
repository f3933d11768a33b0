import { EventType } from '@portcullis/contracts';
import {
  freePort,
  startUpstreamIdp,
  UPSTREAM_CLIENT,
  upstreamClient,
  type UpstreamIdp,
  writeConnectionsFile,
} from '@portcullis/testing';
import { BrowserClientProvider, type CallbackServer, connectWithAuthorization, type McpApp } from './support/mcp-app';
import { type Person } from './support/person';
import { auditReader, startSystemSession, type SystemSession, within } from './support/system-session';
import { type Topology } from './support/topology';

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
  let session: SystemSession | undefined;
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
    session = await startSystemSession(
      {
        replicas: 1,
        accessTokenTtl: 600,
        authPort,
        authEnv: { OIDC_CONNECTIONS_FILE: connections, OIDC_ALLOW_HTTP: 'true', ACME_OIDC_SECRET: UPSTREAM_CLIENT.secret, PASSWORD_LOGIN: passwordLogin },
      },
      { credentials: { username: '', password: '' }, upstream: { provider: 'Acme SSO', login: loginName } },
    );
    ({ topo, callback, person } = session);
  }, 180_000);

  afterAll(async () => {
    await session?.stop(app);
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

    const story = await auditReader(topo, 'E2E federated auditor');
    const events = await within(20_000, 'mcp.tool.called in the audit log', async () => {
      const found = await story(provider.clientId, startedAt);
      return found.some((e) => e.type === EventType.McpToolCalled) ? found : undefined;
    });
    const login = events.find((e) => e.type === EventType.LoginSucceeded);
    expect(login?.data).toMatchObject({ connection_id: 'acme', username: `acme/${loginName}`, provisioned: true });
    const call = events.find((e) => e.type === EventType.McpToolCalled);
    expect(call?.data).toMatchObject({ tool: 'analyze_sentiment', outcome: 'success', subject: login?.data['subject'] });
  }, 60_000);
});
