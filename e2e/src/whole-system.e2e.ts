import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { EventType } from '@portcullis/contracts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Scope } from '@portcullis/scopes';
import {
  AuthorizationDenied,
  BrowserClientProvider,
  type CallbackServer,
  challengeScope,
  connectWithAuthorization,
  type McpApp,
  stepUp,
} from './support/mcp-app';
import { callToolDirectly, type CloudEvent } from './support/oauth-http';
import { type AuthServer, endpoint, registerTrustedClient } from '@portcullis/testing';
import { ARTIFACTS, type Person } from './support/person';
import { auditReader, startSystemSession, type SystemSession, within } from './support/system-session';
import { PERSON, type Topology } from './support/topology';

/*
 * The whole system as a user meets it: the production topology as processes from dist/
 * (PostgreSQL per service, RabbitMQ, auth-server, audit-service, three mcp-server replicas
 * behind a round-robin proxy), the official MCP SDK client, and a person in headless Chromium.
 * The tests of this file run in order and share one session, like one person's afternoon.
 */

const ACCESS_TOKEN_TTL = 10;
const REPLICAS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `exp` of a JWT, read without verifying (the servers verify; the test only schedules). */
function expiresAt(jwt: string): number {
  return (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
}

/** Whether `expected` occurs in `actual` in order (other entries may come between). */
function inOrder(actual: string[], expected: string[]): { ok: boolean; missingFrom?: number } {
  let i = 0;
  for (const type of actual) if (i < expected.length && type === expected[i]) i++;
  return i === expected.length ? { ok: true } : { ok: false, missingFrom: i };
}

describe('Portcullis end to end: SDK client, Chromium, three replicas, PostgreSQL, RabbitMQ', () => {
  let topo: Topology;
  let callback: CallbackServer;
  let person: Person;
  let as: AuthServer;
  let provider: BrowserClientProvider;
  let app: McpApp;
  let session: SystemSession | undefined;
  let story: (clientId: string, from: Date) => Promise<CloudEvent[]>;
  /** The access token revoked with its refresh token family, by `jti`. */
  let revokedJti: string | undefined;
  const startedAt = new Date(Date.now() - 1000);

  beforeAll(async () => {
    session = await startSystemSession({ replicas: REPLICAS, accessTokenTtl: ACCESS_TOKEN_TTL }, { credentials: PERSON });
    ({ topo, callback, person } = session);
    as = topo.authServer;
    story = await auditReader(topo, 'E2E auditor');
  }, 180_000);

  afterAll(() => session?.stop(app), 60_000);

  /** The later scenarios continue the first one's session. */
  function needSession(): void {
    if (!app || !provider.tokens()) throw new Error('no session: the first scenario (connect) did not complete');
  }

  it('a person connects: 401, discovery, registration, login and consent in Chromium, then tools on every replica', async () => {
    provider = new BrowserClientProvider(person, callback, 'E2E Desk Client');
    app = await connectWithAuthorization(topo.mcpUrl, provider);

    // The first request carried no token and got the RFC 9728 challenge.
    expect(app.challenges[0].status).toBe(401);
    expect(app.challenges[0].header).toContain(`resource_metadata="http://127.0.0.1:${topo.proxy.port}/.well-known/oauth-protected-resource/mcp"`);
    // Registered dynamically, sent to the authorization page with PKCE S256 and the resource.
    expect(provider.clientId).toBeTruthy();
    const authorizationUrl = provider.authorizationUrls[0];
    expect(authorizationUrl.origin).toBe(topo.issuer);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(topo.mcpUrl);
    // The person saw both pages; the response came back with the issuer (RFC 9207).
    expect(provider.visits[0].pages).toEqual(['login', 'consent']);
    for (const shot of ['session-login.png', 'session-consent.png']) expect(existsSync(join(ARTIFACTS, shot))).toBe(true);
    expect(provider.lastResponse().iss).toBe(topo.issuer);
    const tokens = provider.tokens()!;
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining([Scope.SentimentAnalyze, Scope.SentimentRead, Scope.WatchlistRead]));

    const before = topo.proxy.counts();
    const { tools } = await app.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['analyze_sentiment', 'ticker_sentiment', 'watchlist_add', 'watchlist_list', 'watchlist_remove']);
    for (const text of ['Acme beats estimates and raises guidance', 'Globex downgraded after guidance cut', 'Initech shares rally on record revenue']) {
      const result = await app.client.callTool({ name: 'analyze_sentiment', arguments: { text } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toHaveProperty('label');
    }
    expect((await app.client.callTool({ name: 'ticker_sentiment', arguments: { ticker: 'ACME', days: 30 } })).structuredContent).toMatchObject({ ticker: 'ACME' });
    expect((await app.client.callTool({ name: 'watchlist_list', arguments: {} })).structuredContent).toEqual({ tickers: [] });
    const served = topo.proxy.counts().map((n, i) => n - before[i]);
    console.log(`MCP requests per replica through the proxy: ${served.join(' / ')}`);
    expect(served).toHaveLength(REPLICAS);
    for (const n of served) expect(n).toBeGreaterThan(0);
  });

  it('steps up: watchlist_add is refused with 403 insufficient_scope, the client re-authorizes with the union of scopes and succeeds', async () => {
    needSession();
    const mark = topo.proxy.log().length;
    const challengesBefore = app.challenges.length;
    await expect(app.client.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } })).rejects.toThrow(/403/);
    const refused = topo.proxy.log().slice(mark).filter((e) => e.status === 403);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].wwwAuthenticate).toContain('error="insufficient_scope"');
    expect(refused[0].wwwAuthenticate).toContain(`scope="${Scope.WatchlistWrite}"`);

    // The application reads the challenge and steps up (the SDK's own attempt refreshes, which
    // cannot widen a grant, and gives up on the repeated 403).
    const challenge = app.challenges.slice(challengesBefore).find((c) => c.status === 403)!;
    provider.shotPrefix = 'step-up';
    const union = await stepUp(topo.mcpUrl, provider, challengeScope(challenge.header)!);
    expect(union.split(' ')).toEqual(expect.arrayContaining([Scope.SentimentAnalyze, Scope.SentimentRead, Scope.WatchlistRead, Scope.WatchlistWrite]));
    // Already signed in: only the consent page, for the wider request.
    expect(provider.visits.at(-1)!.pages).toEqual(['consent']);
    expect(provider.tokens()!.scope?.split(' ')).toEqual(expect.arrayContaining([Scope.WatchlistWrite, Scope.SentimentAnalyze]));

    const added = await app.client.callTool({ name: 'watchlist_add', arguments: { ticker: 'ACME' } });
    expect(added.structuredContent).toMatchObject({ added: true, tickers: ['ACME'] });
    // Nothing lost: what worked before still works.
    expect((await app.client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Acme beats' } })).isError).toBeFalsy();
  });

  it('refreshes by itself once the access token is refused as expired', async () => {
    needSession();
    const before = provider.tokens()!;
    const exp = expiresAt(before.access_token) * 1000;
    await sleep(Math.max(0, exp - Date.now()) + 1000);
    // The replicas allow some clock skew past `exp`: keep using the client until a replica
    // refuses the token and the SDK refreshes (bounded).
    const mark = topo.proxy.log().length;
    let refreshedAfterMs: number | undefined;
    while (refreshedAfterMs === undefined) {
      const result = await app.client.callTool({ name: 'watchlist_list', arguments: {} });
      expect(result.structuredContent).toHaveProperty('tickers');
      if (provider.tokens()!.access_token !== before.access_token) refreshedAfterMs = Date.now() - exp;
      else if (Date.now() - exp > 45_000) throw new Error('the expired access token was still accepted 45 s after its exp');
      else await sleep(1000);
    }
    console.log(`the expired access token was refused (and refreshed by the SDK) ${(refreshedAfterMs / 1000).toFixed(1)} s after its exp`);
    const after = provider.tokens()!;
    expect(after.refresh_token).toBeTruthy();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    const expired = topo.proxy.log().slice(mark).find((e) => e.status === 401);
    expect(expired?.wwwAuthenticate).toContain('error="invalid_token"');
    expect(expired?.wwwAuthenticate).toContain('expired');
  }, 90_000);

  it('revoking the refresh token family makes every replica refuse the access token', async () => {
    needSession();
    // A fresh access token of this family, so expiry cannot pass for revocation.
    if (expiresAt(provider.tokens()!.access_token) * 1000 - Date.now() < 7000) {
      expect(await auth(provider, { serverUrl: topo.mcpUrl })).toBe('AUTHORIZED');
    }
    const { access_token, refresh_token } = provider.tokens()!;
    const lifetimeLeft = expiresAt(access_token) * 1000 - Date.now();
    for (const replica of topo.replicas) {
      const ok = await callToolDirectly(replica.url, access_token, 'analyze_sentiment', { text: 'Acme beats' });
      expect(ok.status).toBe(200);
    }

    const revoked = await fetch(endpoint(as, 'revocation_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refresh_token!, token_type_hint: 'refresh_token', client_id: provider.clientId }).toString(),
    });
    expect(revoked.status).toBe(200);
    const t0 = performance.now();
    revokedJti = (JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    // The authorization server's side: the catch-up list resource servers read names the token.
    const list = (await (await fetch(`${topo.issuer}/revocations`)).json()) as { revocations: { jti: string }[] };
    expect(list.revocations.map((r) => r.jti)).toContain(revokedJti);

    const bound = Math.min(5000, lifetimeLeft - 1500);
    const latencies = await Promise.all(
      topo.replicas.map(async (replica, i) => {
        for (;;) {
          const res = await callToolDirectly(replica.url, access_token, 'analyze_sentiment', { text: 'Acme beats' });
          const elapsed = performance.now() - t0;
          if (res.status === 401) {
            const challenge = res.headers.get('www-authenticate') ?? '';
            expect(challenge).toContain('error="invalid_token"');
            expect(challenge).toContain('revoked');
            return Math.round(elapsed);
          }
          if (elapsed > bound) throw new Error(`replica ${i} still accepts the access token ${Math.round(elapsed)} ms after revocation (last status ${res.status})`);
          await sleep(20);
        }
      }),
    );
    // The measured figure, for the report (a speed goal is never asserted here).
    console.log(`revocation → refused by every replica: ${latencies.join(' / ')} ms (replicas 1..${REPLICAS})`);

    // The refresh token is dead too.
    const refresh = await fetch(endpoint(as, 'token_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh_token!, client_id: provider.clientId }).toString(),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  }, 60_000);

  it('deny at the consent page: the client gets access_denied and the audit log shows the denial', async () => {
    const denier = new BrowserClientProvider(person, callback, 'E2E Denied Client');
    denier.decision = 'deny';
    denier.shotPrefix = 'deny';
    const outcome = await connectWithAuthorization(topo.mcpUrl, denier).then(
      () => new Error('the denied client got connected'),
      (err: unknown) => err,
    );
    if (!(outcome instanceof AuthorizationDenied)) throw outcome;
    const response = denier.lastResponse();
    expect(response).toMatchObject({ error: 'access_denied', iss: topo.issuer });
    expect(response.code).toBeUndefined();
    expect(denier.visits[0].pages).toEqual(['consent']);

    const events = await within(20_000, 'auth.consent.denied in the audit log', async () => {
      const found = await story(denier.clientId, startedAt);
      return found.some((e) => e.type === EventType.ConsentDenied) ? found : undefined;
    });
    const denied = events.find((e) => e.type === EventType.ConsentDenied)!;
    expect(denied.data).toMatchObject({ client_id: denier.clientId, resource: topo.mcpUrl });
  });

  it('client credentials: a trusted machine client calls tools with no person involved', async () => {
    const scope = `${Scope.SentimentAnalyze} ${Scope.SentimentRead}`;
    const machine = await registerTrustedClient(as, { client_name: 'E2E nightly job', scope });
    const visitsBefore = callback.received.length;
    const machineProvider = new ClientCredentialsProvider({ clientId: machine.client_id, clientSecret: machine.client_secret!, scope, expectedIssuer: as.issuer });
    const client = new Client({ name: 'portcullis-e2e-machine', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(topo.mcpUrl), { authProvider: machineProvider }));
    try {
      const result = await client.callTool({ name: 'ticker_sentiment', arguments: { ticker: 'ACME', days: 30 } });
      expect(result.structuredContent).toMatchObject({ ticker: 'ACME' });
      expect((await client.callTool({ name: 'analyze_sentiment', arguments: { text: 'Globex misses' } })).isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(machineProvider.tokens()?.refresh_token).toBeUndefined();
    expect(callback.received.length).toBe(visitsBefore);

    const issued = await within(20_000, 'auth.token.issued of the machine client in the audit log', async () =>
      (await story(machine.client_id, startedAt)).find((e) => e.type === EventType.TokenIssued),
    );
    expect(issued.data).toMatchObject({ grant_type: 'client_credentials', subject: machine.client_id });
    const called = await within(20_000, 'mcp.tool.called ×2 of the machine client in the audit log (published by the mcp-server)', async () => {
      const found = (await story(machine.client_id, startedAt)).filter((e) => e.type === EventType.McpToolCalled);
      return found.length >= 2 ? found : undefined;
    });
    expect(called.map((e) => e.data['tool']).sort()).toEqual(['analyze_sentiment', 'ticker_sentiment']);
    expect(called[0].data).toMatchObject({ subject: machine.client_id, client_id: machine.client_id, outcome: 'success' });
  });

  it('the audit API returns the whole story of the session, in order, each event once', async () => {
    const expected = [
      EventType.ClientRegistered,
      EventType.LoginSucceeded,
      EventType.ConsentGranted,
      EventType.CodeIssued,
      EventType.TokenIssued,
      EventType.McpToolCalled,
      EventType.McpRequestDenied, // the 403 of the step-up
      EventType.ConsentGranted,
      EventType.CodeIssued,
      EventType.TokenIssued,
      EventType.McpToolCalled,
      EventType.TokenRefreshed,
      EventType.McpToolCalled,
      EventType.TokenRevoked,
    ];
    // Events reach the audit store asynchronously: read until the story is complete (bounded).
    let last: CloudEvent[] = [];
    const deadline = Date.now() + 20_000;
    do {
      last = await story(provider.clientId, startedAt);
      if (inOrder(last.map((e) => e.type), expected).ok) break;
      await sleep(500);
    } while (Date.now() < deadline);
    const told = last.map((e) => `  ${e.time} ${e.type}${e.data['reason'] ? ` (${e.data['reason']})` : ''}`).join('\n');
    console.log(`audit story of the session client ${provider.clientId}:\n${told}`);
    const types = last.map((e) => e.type);
    const lacking = (wanted: string[]) => {
      const check = inOrder(types, wanted);
      return check.ok ? undefined : `the story lacks ${wanted[check.missingFrom!]} (expected #${check.missingFrom! + 1} of ${wanted.join(', ')}); it is:\n${told}`;
    };
    // Each event once, in time order, whoever produced it.
    expect(new Set(last.map((e) => e.id)).size).toBe(last.length);
    const times = last.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(types[0]).toBe(EventType.ClientRegistered);
    // The authorization server's part of the story, then the whole of it with the MCP servers'.
    const authPart = lacking(expected.filter((t) => t.startsWith('auth.')));
    if (authPart) throw new Error(authPart);
    const revocation = last.find((e) => e.type === EventType.TokenRevoked);
    expect(revocation?.data).toMatchObject({ client_id: provider.clientId, reason: 'client_request' });
    if (revokedJti) expect(revocation?.data['jtis']).toContain(revokedJti);
    const whole = lacking(expected);
    if (whole) throw new Error(whole);
    const stepUpDenial = last.find((e) => e.type === EventType.McpRequestDenied);
    expect(stepUpDenial?.data).toMatchObject({ status: 403, reason: 'insufficient_scope', tool: 'watchlist_add', required_scopes: [Scope.WatchlistWrite] });
    // Tool calls name the person, not only the client.
    const personSubject = last.find((e) => e.type === EventType.LoginSucceeded)?.data['subject'];
    for (const call of last.filter((e) => e.type === EventType.McpToolCalled)) expect(call.data).toMatchObject({ subject: personSubject, outcome: 'success' });
  }, 60_000);
});
