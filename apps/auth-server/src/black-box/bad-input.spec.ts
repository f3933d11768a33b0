import {
  authorizationUrl,
  AuthServer,
  BACKENDS,
  endpoint,
  RegisteredClient,
  registerPublicClient,
  registerTrustedClient,
  resourceServerClient,
  startAuthServer,
} from '@portcullis/testing';

interface Case {
  name: string;
  url: (s: AuthServer) => string | Promise<string>;
  init?: RequestInit;
  status: number;
  /** The OAuth error code of a JSON answer, 'html' for an error page, or a redirect's error. */
  error?: string;
  redirectError?: string;
  /** Authenticate as the trusted confidential client (HTTP Basic). */
  asTrusted?: boolean;
  /** Authenticate as the MCP server's resource server client (introspection). */
  asResourceServer?: boolean;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * A sweep of malformed and hostile requests at every discovered endpoint: each gets a precise
 * 4xx (RFC 6749 §5.2 JSON, an HTML page, or an error redirect), never a 500.
 */
describe.each(BACKENDS)('auth-server black box on %s: bad input never ends in a 500', (backend) => {
  let server: AuthServer;
  let client: RegisteredClient;
  let trusted: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer(backend);
    client = await registerPublicClient(server);
    trusted = await registerTrustedClient(server);
  }, 60_000);
  afterAll(async () => server?.stop());

  const basic = (c: RegisteredClient = trusted) => `Basic ${Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret!)}`).toString('base64')}`;
  const token = (s: AuthServer) => endpoint(s, 'token_endpoint');
  const authorize = async (s: AuthServer, edit: (u: URL) => void) => {
    const { url } = await authorizationUrl(s, { client });
    edit(url);
    return url.href;
  };

  const cases: Case[] = [
    { name: 'GET at the token endpoint', url: token, status: 404, error: 'not_found' },
    {
      name: 'garbage Basic credentials',
      url: token,
      init: { method: 'POST', headers: { ...FORM, authorization: 'Basic !!!!' }, body: 'grant_type=client_credentials' },
      status: 401,
      error: 'invalid_client',
    },
    {
      name: 'Basic credentials with broken percent-encoding',
      url: token,
      init: { method: 'POST', headers: { ...FORM, authorization: `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}` }, body: 'grant_type=client_credentials' },
      status: 401,
      error: 'invalid_client',
    },
    {
      name: 'a JSON array body at the token endpoint',
      url: token,
      init: { method: 'POST', headers: JSON_TYPE, body: '[1,2]' },
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'a garbage client assertion',
      url: token,
      init: {
        method: 'POST',
        headers: FORM,
        body: 'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c',
      },
      status: 401,
      error: 'invalid_client',
    },
    {
      name: 'a loopback client metadata document URL as client_id at the token endpoint (SSRF guard)',
      url: token,
      init: { method: 'POST', headers: FORM, body: `grant_type=client_credentials&client_id=${encodeURIComponent('https://127.0.0.1/client.json')}` },
      status: 401,
      error: 'invalid_client',
    },
    {
      name: 'a token that is a JWT with another algorithm at introspection',
      url: (s) => endpoint(s, 'introspection_endpoint'),
      init: { method: 'POST', headers: FORM, body: 'token=eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJqdGkiOiIxIn0.xx' },
      asResourceServer: true,
      status: 200,
    },
    {
      name: 'introspection without a token',
      url: (s) => endpoint(s, 'introspection_endpoint'),
      init: { method: 'POST', headers: FORM, body: '' },
      asResourceServer: true,
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'revocation without a token',
      url: (s) => endpoint(s, 'revocation_endpoint'),
      init: { method: 'POST', headers: FORM, body: 'client_id=PLACEHOLDER' },
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'a JSON body at revocation',
      url: (s) => endpoint(s, 'revocation_endpoint'),
      init: { method: 'POST', headers: JSON_TYPE, body: '{"token":"x"}' },
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'registration with a non-object body',
      url: (s) => endpoint(s, 'registration_endpoint'),
      init: { method: 'POST', headers: JSON_TYPE, body: '[]' },
      status: 400,
      error: 'invalid_client_metadata',
    },
    {
      name: 'registration with a form body',
      url: (s) => endpoint(s, 'registration_endpoint'),
      init: { method: 'POST', headers: FORM, body: 'redirect_uris=x' },
      status: 415,
      error: 'invalid_request',
    },
    {
      name: 'registration with the wrong types',
      url: (s) => endpoint(s, 'registration_endpoint'),
      init: { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ redirect_uris: [1, {}], grant_types: 'x', client_name: { a: 1 } }) },
      status: 400,
      error: 'invalid_client_metadata',
    },
    {
      name: 'registration with a javascript: redirect URI',
      url: (s) => endpoint(s, 'registration_endpoint'),
      init: { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ redirect_uris: ['javascript:alert(1)'], token_endpoint_auth_method: 'none', application_type: 'native' }) },
      status: 400,
      error: 'invalid_redirect_uri',
    },
    {
      name: 'registration asking for the implicit grant',
      url: (s) => endpoint(s, 'registration_endpoint'),
      init: {
        method: 'POST',
        headers: JSON_TYPE,
        body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none', application_type: 'native', grant_types: ['implicit'] }),
      },
      status: 400,
      error: 'invalid_client_metadata',
    },
    { name: 'authorize with a loopback metadata document URL as client_id', url: (s) => `${endpoint(s, 'authorization_endpoint')}?client_id=${encodeURIComponent('https://127.0.0.1:1/client.json')}&response_type=code`, status: 400, error: 'html' },
    { name: 'authorize with a private-network metadata document URL', url: (s) => `${endpoint(s, 'authorization_endpoint')}?client_id=${encodeURIComponent('https://10.0.0.1/client.json')}&response_type=code`, status: 400, error: 'html' },
    { name: 'authorize with a 5000-character client_id', url: (s) => `${endpoint(s, 'authorization_endpoint')}?client_id=${'a'.repeat(5000)}`, status: 400, error: 'html' },
    { name: 'authorize with a nested query parameter', url: (s) => `${endpoint(s, 'authorization_endpoint')}?client_id[a]=1`, status: 400, error: 'html' },
    { name: 'authorize with broken percent-encoding', url: (s) => `${endpoint(s, 'authorization_endpoint')}?client_id=%E0%A4%A&x=%`, status: 400, error: 'html' },
    { name: 'authorize with two resources', url: (s) => authorize(s, (u) => u.searchParams.append('resource', 'http://localhost:3100/audit')), status: 303, redirectError: 'invalid_request' },
    { name: 'authorize with two states', url: (s) => authorize(s, (u) => u.searchParams.append('state', 'other')), status: 303, redirectError: 'invalid_request' },
    { name: 'authorize with a malformed code_challenge', url: (s) => authorize(s, (u) => u.searchParams.set('code_challenge', 'short')), status: 303, redirectError: 'invalid_request' },
    { name: 'authorize with a request object (JAR not offered)', url: (s) => authorize(s, (u) => u.searchParams.set('request', 'x.y.z')), status: 303, redirectError: 'request_not_supported' },
    { name: 'authorize with response_mode=fragment', url: (s) => authorize(s, (u) => u.searchParams.set('response_mode', 'fragment')), status: 303, redirectError: 'invalid_request' },
    { name: 'authorize with forbidden scope characters', url: (s) => authorize(s, (u) => u.searchParams.set('scope', 'a"b')), status: 303, redirectError: 'invalid_scope' },
    { name: 'authorize with an unknown prompt', url: (s) => authorize(s, (u) => u.searchParams.set('prompt', 'select_account')), status: 303, redirectError: 'invalid_request' },
    { name: 'authorize with a loopback redirect on another loopback host', url: (s) => authorize(s, (u) => u.searchParams.set('redirect_uri', 'http://localhost:5000/callback')), status: 400, error: 'html' },
    { name: 'authorize with a loopback redirect plus a query', url: (s) => authorize(s, (u) => u.searchParams.set('redirect_uri', 'http://127.0.0.1:5000/callback?x=1')), status: 400, error: 'html' },
    { name: 'authorize with an out-of-range port', url: (s) => authorize(s, (u) => u.searchParams.set('redirect_uri', 'http://127.0.0.1:99999/callback')), status: 400, error: 'html' },
    // fetch resolves a bare `/interaction/%2e%2e` to `/`, which now serves the service
    // documentation; an encoded slash keeps the dots inside the interaction id.
    { name: 'an interaction path with dots', url: (s) => `${s.issuer}/interaction/%2e%2e%2flogin`, status: 400, error: 'html' },
    {
      name: 'a login post with malformed JSON',
      url: (s) => `${s.issuer}/interaction/${'A'.repeat(32)}/login`,
      init: { method: 'POST', headers: JSON_TYPE, body: '{' },
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'a login post for an unknown interaction',
      url: (s) => `${s.issuer}/interaction/${'A'.repeat(32)}/login`,
      init: { method: 'POST', headers: FORM, body: 'username=alice&password=x&csrf_token=y' },
      status: 400,
      error: 'html',
    },
  ];

  it.each(cases)('$name', async (c) => {
    const init = { ...c.init };
    if (typeof init.body === 'string') init.body = init.body.replace('PLACEHOLDER', client.client_id);
    if (c.asTrusted) init.headers = { ...(init.headers as Record<string, string>), authorization: basic() };
    if (c.asResourceServer) init.headers = { ...(init.headers as Record<string, string>), authorization: basic(resourceServerClient('mcp')) };
    const res = await fetch(await c.url(server), { redirect: 'manual', ...init });
    const text = await res.text();
    expect({ status: res.status, body: text.slice(0, 300) }).toEqual({ status: c.status, body: expect.any(String) });
    if (c.error === 'html') {
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('location')).toBeNull();
    } else if (c.error) {
      expect(JSON.parse(text).error).toBe(c.error);
    }
    if (c.redirectError) {
      const location = new URL(res.headers.get('location') ?? '');
      expect(location.searchParams.get('error')).toBe(c.redirectError);
      expect(location.searchParams.get('iss')).toBe(server.issuer);
    }
    if (c.status === 200) expect(JSON.parse(text)).toEqual({ active: false });
  });

  it('after the sweep, the server logged no error', () => {
    expect(server.service.output()).not.toMatch(/ERROR|"level":50|server_error/);
  });
});
