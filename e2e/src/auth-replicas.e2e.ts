import * as oauth from 'oauth4webapi';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  atReplica,
  authorizationUrl,
  type AuthServer,
  Browser,
  codeFlow,
  endpoint,
  exchangeCode,
  authorizeInBrowser,
  expectPage,
  oauthError,
  openLoginPage,
  refresh,
  registerPublicClient,
  registerTrustedClient,
  readForm,
  type RegisteredClient,
  USERS,
} from '@portcullis/testing';
import { callToolDirectly } from './support/oauth-http';
import { PERSON, startTopology, type Topology } from './support/topology';

/*
 * The auth-server scaled out: two replicas on one PostgreSQL database behind a round-robin
 * proxy at the issuer URL, alongside three mcp-server replicas, RabbitMQ and the audit
 * service. What one replica learns (an assertion used, a failed login, a registration, a
 * rotated refresh token) the other must know. Where a scenario needs "the other replica", it
 * sends straight to that replica's port; everything else goes through the proxy.
 */

/** Registrations from a source address of their own (loopback too), so the other tests' are not in their window. */
const OWN_ADDRESS = '127.0.0.2';

/** POSTs JSON from `localAddress` (fetch cannot choose its source address); answers the status. */
function postFrom(localAddress: string, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const REGISTRATION_LIMIT = 6;
const LOGIN_FREE_FAILURES = 2;

describe('two auth-server replicas share their state (PostgreSQL, RabbitMQ, three mcp-server replicas)', () => {
  let topo: Topology;
  let as: AuthServer;

  beforeAll(async () => {
    topo = await startTopology({
      replicas: 3,
      accessTokenTtl: 60,
      authReplicas: 2,
      authEnv: {
        REFRESH_GRACE_SECONDS: '0',
        REGISTRATION_RATE_LIMIT: String(REGISTRATION_LIMIT),
        LOGIN_MAX_FAILURES: String(LOGIN_FREE_FAILURES),
        LOGIN_DELAY_SECONDS: '60',
      },
    });
    as = topo.authServer;
    expect(as.replicas).toHaveLength(2);
  }, 240_000);

  afterAll(async () => topo?.stop(), 60_000);

  it('a code flow whose authorization, login, consent and token requests land on both replicas, then a tool call', async () => {
    const before = as.proxy!.counts();
    const client = await registerPublicClient(as);
    const { tokens, sawLogin, sawConsent } = await codeFlow(as, new Browser(as.issuer), client, PERSON, { resource: topo.mcpUrl, scope: 'sentiment:read offline_access' });
    expect([sawLogin, sawConsent]).toEqual([true, true]);
    const after = as.proxy!.counts();
    // Round robin: every other request of the flow went to the other replica.
    expect(after[0] - before[0]).toBeGreaterThanOrEqual(2);
    expect(after[1] - before[1]).toBeGreaterThanOrEqual(2);
    const paths = as.proxy!.log().slice(before[0] + before[1]).map((r) => `${r.upstream} ${r.method} ${r.path}`);
    expect(paths).toEqual(expect.arrayContaining([expect.stringMatching(/^[01] POST \/token$/)]));

    const res = await callToolDirectly(topo.replicas[0].url, tokens.access_token, 'ticker_sentiment', { ticker: 'ACME' });
    expect(res.status).toBe(200);
  });

  it('a code issued through one replica is exchanged at the other, once', async () => {
    const client = await registerPublicClient(as);
    const prepared = await authorizationUrl(as, { client, scope: 'sentiment:read', resource: topo.mcpUrl });
    const { callback } = await authorizeInBrowser(new Browser(as.issuer), prepared.url, PERSON);
    const exchange = (i: number) => exchangeCode(atReplica(as, i), client, callback, prepared, { resource: topo.mcpUrl });
    const first = await exchange(1);
    expect(first.status).toBe(200);
    const second = await oauthError(await exchange(0));
    expect(second).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('a private_key_jwt assertion accepted by one replica is refused by the other', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const client: RegisteredClient = await registerTrustedClient(as, {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), alg: 'ES256', use: 'sig' }] },
    });
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(client.client_id)
      .setSubject(client.client_id)
      .setAudience(as.issuer)
      .setExpirationTime('2m')
      .sign(pair.privateKey);
    const tokenRequest = (i: number) =>
      fetch(endpoint(atReplica(as, i), 'token_endpoint'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: topo.mcpUrl, scope: 'sentiment:read', client_assertion_type: JWT_BEARER, client_assertion: assertion }),
      });
    expect((await tokenRequest(0)).status).toBe(200);
    const replay = await oauthError(await tokenRequest(1));
    expect(replay).toMatchObject({ status: 401, error: 'invalid_client', description: 'client assertion was already used' });
  });

  it('a rotated refresh token reused at the other replica is theft: the whole family is revoked', async () => {
    const client = await registerPublicClient(as);
    const { tokens } = await codeFlow(as, new Browser(as.issuer), client, PERSON, { resource: topo.mcpUrl, scope: 'sentiment:read offline_access' });
    const first = tokens.refresh_token!;
    const rotated = await oauth.processRefreshTokenResponse(as.as, client, await refresh(atReplica(as, 0), client, first));
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(first);
    // The old one again, at the other replica, past the (zero) grace window.
    expect(await oauthError(await refresh(atReplica(as, 1), client, first))).toMatchObject({ status: 400, error: 'invalid_grant' });
    // The family is gone: the newest token no longer works on either replica.
    expect(await oauthError(await refresh(atReplica(as, 0), client, rotated.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await oauthError(await refresh(atReplica(as, 1), client, rotated.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('the login throttle counts failures made at either replica', async () => {
    const client = await registerPublicClient(as);
    const browser = new Browser(as.issuer);
    const prepared = await authorizationUrl(as, { client, scope: 'sentiment:read', resource: topo.mcpUrl });
    let page = await openLoginPage(browser, prepared.url);
    const statuses: number[] = [];
    // Wrong passwords at each replica in turn: neither replica alone sees enough failures to delay.
    for (let i = 0; i < LOGIN_FREE_FAILURES + 1; i++) {
      const form = readForm(page.html);
      const action = new URL(form.action);
      const at = as.replicas[i % 2].url + action.pathname + action.search;
      const res = await browser.postForm(at, { ...form.hidden, username: USERS.bob.username, password: 'not-bobs-password' });
      page = expectPage(await browser.settle(res, at));
      statuses.push(page.status);
    }
    // The free failures answer 401; the next attempt, at whichever replica, waits (429) without checking the password.
    expect(statuses).toEqual([401, 401, 429]);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('the registration brake counts registrations made at either replica', async () => {
    const path = new URL(as.as.registration_endpoint!).pathname;
    const answers: number[] = [];
    for (let i = 0; i < 2 * REGISTRATION_LIMIT; i++) {
      const body = JSON.stringify({ client_name: `flood ${i}`, redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' });
      answers.push(await postFrom(OWN_ADDRESS, `${as.replicas[i % 2].url}${path}`, body));
    }
    // Counted per process, each replica would admit the limit (twice the limit in all).
    expect(answers).toEqual([...Array(REGISTRATION_LIMIT).fill(201), ...Array(REGISTRATION_LIMIT).fill(429)]);
  });
});
