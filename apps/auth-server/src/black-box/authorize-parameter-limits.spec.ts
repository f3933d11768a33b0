import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  AuthServer,
  BACKENDS,
  endpoint,
  EventSink,
  REDIRECT,
  RegisteredClient,
  registerPublicClient,
  sleep,
  startAuthServer,
} from '@portcullis/testing';

/**
 * Issue 9, "Unbounded storage from unauthenticated requests": every authorization parameter
 * has a documented length limit (authorize/authorization-parameter-limits.ts), and identical
 * refused requests become one audit event with a count per window instead of one each.
 */
describe.each(BACKENDS)('auth-server black box on %s: authorization parameter limits and repeated rejections', (backend) => {
  const WINDOW_SECONDS = 2;
  const sink = new EventSink();
  let server: AuthServer;
  let client: RegisteredClient;

  beforeAll(async () => {
    const ingest = (await sink.start()).url;
    server = await startAuthServer(backend, {
      AUDIT_INGEST_URL: ingest,
      AUDIT_INGEST_SECRET: 'bb-ingest-secret-7c1d0e9f42',
      AUDIT_REJECTION_WINDOW_SECONDS: String(WINDOW_SECONDS),
    });
    client = await registerPublicClient(server);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await sink.stop();
  });

  async function send(url: URL): Promise<Response> {
    const res = await fetch(url, { redirect: 'manual' });
    await res.arrayBuffer();
    return res;
  }

  function errorRedirect(res: Response): URL {
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('iss')).toBe(server.issuer);
    return location;
  }

  it('refuses a 14 KB state with invalid_request at the redirect URI, without echoing it and without starting an interaction', async () => {
    const { url } = await authorizationUrl(server, { client, state: 's'.repeat(14 * 1024) });
    const location = errorRedirect(await send(url));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/state.*1024/);
    expect(location.searchParams.get('state')).toBeNull();
  });

  it('accepts a state of exactly 1024 characters (it fits the stored column on every engine)', async () => {
    const { url } = await authorizationUrl(server, { client, state: 's'.repeat(1024) });
    const res = await send(url);
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location') ?? '').origin).toBe(server.issuer);
  });

  it.each([
    ['scope', 1024],
    ['resource', 2048],
    ['code_challenge', 128],
    ['code_challenge_method', 32],
    ['response_type', 32],
    ['response_mode', 32],
    ['prompt', 32],
  ])('refuses %s longer than %i characters with invalid_request and the state', async (name, limit) => {
    const prepared = await authorizationUrl(server, { client, extra: { [name]: 'x'.repeat(limit + 1) } });
    const location = errorRedirect(await send(prepared.url));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain(`'${name}' is longer than ${limit}`);
    expect(location.searchParams.get('state')).toBe(prepared.state);
    expect(() => oauth.validateAuthResponse(server.as, client, location, prepared.state)).toThrow(oauth.AuthorizationResponseError);
  });

  it.each([
    ['client_id', 255],
    ['redirect_uri', 2048],
  ])('answers %s longer than %i characters on an error page, never by redirect', async (name, limit) => {
    const value = name === 'redirect_uri' ? `http://127.0.0.1/callback?${'x'.repeat(limit)}` : 'c'.repeat(limit + 1);
    const { url } = await authorizationUrl(server, { client, extra: { [name]: value } });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain(`longer than ${limit} characters`);
  });

  it('records 200 identical refusals (a 2 KB client_id) as a few events whose counts add up to 200', async () => {
    await sleep(WINDOW_SECONDS * 1000 + 500);
    const before = sink.ofType('auth.authorization.denied').length;
    const url = new URL(endpoint(server, 'authorization_endpoint'));
    url.searchParams.set('client_id', 'z'.repeat(2048));
    url.searchParams.set('response_type', 'code');
    for (let i = 0; i < 200; i++) expect((await send(url)).status).toBe(400);

    const counted = () =>
      sink
        .ofType('auth.authorization.denied')
        .slice(before)
        .reduce((sum, e) => sum + (typeof e.data.count === 'number' ? e.data.count : 1), 0);
    await sink.waitUntil(() => counted() >= 200);
    await sleep(WINDOW_SECONDS * 1000 + 1500);
    const events = sink.ofType('auth.authorization.denied').slice(before);
    expect(counted()).toBe(200);
    // One when the first arrives, one with the count at each window's end it spans.
    expect(events.length).toBeLessThanOrEqual(2 + Math.ceil(30 / WINDOW_SECONDS));
    expect(events.length).toBeLessThan(20);
    for (const e of events) expect(JSON.stringify(e.data)).not.toContain('z'.repeat(256));
  }, 60_000);
});
