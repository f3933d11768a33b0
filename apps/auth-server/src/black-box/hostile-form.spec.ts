import { authorizationUrl, AuthServer, endpoint, oauthError, RegisteredClient, registerPublicClient, startAuthServer } from '@portcullis/testing';

/** 64 KB less one byte of `a&a&a…`: under the body limit, 32 768 repeats of one name. */
const HOSTILE_BODY = `${'a&'.repeat(32 * 1024 - 1)}a`;

/**
 * The finding is about time: this body cost 8 s of CPU on main and stalled every other
 * request (metadata waited 8.5 s). A refusal must cost milliseconds; the bound is generous
 * for a shared machine and still far below what a quadratic parser needs.
 */
const FAR_BELOW_SECONDS_MS = 500;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/**
 * Issue 9, quadratic form parsing: form bodies and query strings with too many parameters, or
 * one name repeated too often, get a 400 `invalid_request` in milliseconds, never a 500, and
 * other requests are served meanwhile.
 */
describe('auth-server black box: hostile form bodies and query strings', () => {
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  const metadata = () => fetch(`${server.issuer}/.well-known/oauth-authorization-server`);

  it('64 KB of a&a&a… to POST /token: 400 invalid_request in milliseconds, and a concurrent metadata GET is not stalled', async () => {
    const hostile = timed(() =>
      fetch(endpoint(server, 'token_endpoint'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: HOSTILE_BODY }),
    );
    // Sent while the hostile body is being received and parsed.
    const concurrent = timed(metadata);
    const [refused, served] = await Promise.all([hostile, concurrent]);
    expect(await oauthError(refused.value)).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(refused.value.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
    expect(served.value.status).toBe(200);
    expect(served.ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
  });

  it('ten hostile bodies at once do not stall the metadata either', async () => {
    const flood = Array.from({ length: 10 }, () =>
      fetch(endpoint(server, 'token_endpoint'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: HOSTILE_BODY }),
    );
    const served = await timed(metadata);
    const refused = await Promise.all(flood);
    expect(served.value.status).toBe(200);
    expect(served.ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
    for (const res of refused) expect((await oauthError(res)).error).toBe('invalid_request');
  });

  it('too many distinct parameters to POST /token: 400 invalid_request', async () => {
    const body = Array.from({ length: 65 }, (_, i) => `p${i}=x`).join('&');
    const res = await fetch(endpoint(server, 'token_endpoint'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('GET /authorize with one parameter repeated 9 times, or 65 parameters: 400 invalid_request, never a 500', async () => {
    for (const edit of [
      (u: URL) => Array.from({ length: 9 }, () => u.searchParams.append('resource', 'http://localhost:3000/mcp')),
      (u: URL) => Array.from({ length: 65 }, (_, i) => u.searchParams.append(`x${i}`, '1')),
    ]) {
      const { url } = await authorizationUrl(server, { client });
      edit(url);
      const res = await fetch(url, { redirect: 'manual' });
      expect(await oauthError(res)).toMatchObject({ status: 400, error: 'invalid_request' });
    }
  });

  it('GET /authorize with a query string of a&a&a… up to the header limit: 400 in milliseconds', async () => {
    const url = `${endpoint(server, 'authorization_endpoint')}?${'a&'.repeat(6 * 1024)}a`;
    const { value: res, ms } = await timed(() => fetch(url, { redirect: 'manual' }));
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(ms).toBeLessThan(FAR_BELOW_SECONDS_MS);
  });

  it('a repeat within the caps is still seen and refused by name (RFC 6749 §3.2)', async () => {
    const res = await fetch(endpoint(server, 'token_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&grant_type=authorization_code',
    });
    expect(await oauthError(res)).toMatchObject({ status: 400, error: 'invalid_request', description: "parameter 'grant_type' must be given once, as a string" });
  });
});
