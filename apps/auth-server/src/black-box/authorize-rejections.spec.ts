import * as oauth from 'oauth4webapi';
import {
  AUDIT,
  AuthorizationParams,
  authorizationUrl,
  AuthServer,
  BACKENDS,
  Browser,
  expectPage,
  isLoginPage,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
} from '@portcullis/testing';

/**
 * Every way an authorization request is refused (OAuth 2.1 §4.1.2.1): errors about the client
 * or its redirect URI on a page, never redirected; everything else redirected to the client
 * with `state` and `iss` (RFC 9207).
 */
describe.each(BACKENDS)('auth-server black box on %s: authorization endpoint rejections', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  /** Sends the request and expects an error redirect to the client, checked by oauth4webapi. */
  async function expectErrorRedirect(url: URL, state: string, error: string): Promise<URL> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1/callback');
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(server.issuer);
    expect(location.searchParams.get('code')).toBeNull();
    let thrown: unknown;
    try {
      oauth.validateAuthResponse(server.as, client, location, state);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((thrown as oauth.AuthorizationResponseError).error).toBe(error);
    return location;
  }

  /** Sends the request and expects an HTML error page with no redirect. */
  async function expectErrorPage(url: URL): Promise<string> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    return res.text();
  }

  async function prepare(p: Omit<AuthorizationParams, 'client'>) {
    return authorizationUrl(server, { client, ...p });
  }

  it('accepts the well-formed request (the baseline the rejections differ from)', async () => {
    const { url } = await prepare({});
    const page = expectPage(await new Browser(server.issuer).navigate(url));
    expect(page.status).toBe(200);
    expect(isLoginPage(page)).toBe(true);
  });

  it('missing PKCE: invalid_request redirect', async () => {
    const { url, state } = await prepare({ extra: { code_challenge: null, code_challenge_method: null } });
    await expectErrorRedirect(url, state, 'invalid_request');
  });

  it('plain PKCE: invalid_request redirect', async () => {
    const { url, state } = await prepare({ extra: { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' } });
    await expectErrorRedirect(url, state, 'invalid_request');
  });

  it('a challenge without a method (RFC 7636 default: plain) is refused too', async () => {
    const { url, state } = await prepare({ extra: { code_challenge_method: null } });
    await expectErrorRedirect(url, state, 'invalid_request');
  });

  it('redirect URI mismatch: an HTML error page, status 400, no redirect', async () => {
    const { url } = await prepare({ redirectUri: 'https://attacker.example/callback' });
    const html = await expectErrorPage(url);
    expect(html).not.toContain('attacker.example');
  });

  it('a redirect URI differing only in path from the registered one is a mismatch too', async () => {
    const { url } = await prepare({ redirectUri: 'http://127.0.0.1/callback/extra' });
    await expectErrorPage(url);
  });

  it('unknown client: an HTML error page, status 400, no redirect', async () => {
    const { url } = await authorizationUrl(server, { client: { client_id: 'no-such-client-0123456789' } });
    await expectErrorPage(url);
  });

  it('missing client_id: an HTML error page, no redirect', async () => {
    const { url } = await prepare({ extra: { client_id: null } });
    await expectErrorPage(url);
  });

  it('unknown resource: invalid_target redirect with state and iss', async () => {
    const { url, state } = await prepare({ resource: 'https://unknown.example/mcp' });
    await expectErrorRedirect(url, state, 'invalid_target');
  });

  it('a resource with a fragment is invalid_target (RFC 8707 §2)', async () => {
    const { url, state } = await prepare({ resource: 'http://localhost:3000/mcp#frag' });
    await expectErrorRedirect(url, state, 'invalid_target');
  });

  it('scope escalation to a privileged scope: invalid_scope redirect', async () => {
    const { url, state } = await prepare({ resource: AUDIT, scope: 'audit:read' });
    await expectErrorRedirect(url, state, 'invalid_scope');
  });

  it('a scope the resource does not accept: invalid_scope redirect', async () => {
    const { url, state } = await prepare({ scope: 'sentiment:read audit:read' });
    await expectErrorRedirect(url, state, 'invalid_scope');
  });

  it('an unknown scope: invalid_scope redirect', async () => {
    const { url, state } = await prepare({ scope: 'sentiment:read admin' });
    await expectErrorRedirect(url, state, 'invalid_scope');
  });

  it('duplicate parameters: invalid_request redirect (RFC 6749 §3.1)', async () => {
    const { url, state } = await prepare({ scope: 'sentiment:read' });
    url.searchParams.append('scope', 'watchlist:write');
    await expectErrorRedirect(url, state, 'invalid_request');
  });

  it('a duplicate client_id: an HTML error page, no redirect', async () => {
    const { url } = await prepare({});
    url.searchParams.append('client_id', 'another-client');
    await expectErrorPage(url);
  });

  it('response_type=token: unsupported_response_type redirect', async () => {
    const { url, state } = await prepare({ extra: { response_type: 'token' } });
    await expectErrorRedirect(url, state, 'unsupported_response_type');
  });

  it('prompt=none without a session: login_required redirect', async () => {
    const { url, state } = await prepare({ prompt: 'none' });
    await expectErrorRedirect(url, state, 'login_required');
  });
});
