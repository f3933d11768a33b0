import { AuthServer, endpoint, startAuthServer } from '@portcullis/testing';

/** RFC 8414 §2 `service_documentation`: the advertised URL is a page that answers. */
describe('auth-server black box on sqlite: service documentation', () => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
  }, 60_000);
  afterAll(async () => server?.stop());

  it('serves a page for people at the advertised service_documentation URL', async () => {
    const url = endpoint(server, 'service_documentation');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toContain(server.issuer);
    expect(html).toContain('/.well-known/oauth-authorization-server');
  });
});
