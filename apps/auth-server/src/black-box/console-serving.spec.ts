import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthServer, startAuthServer } from '@portcullis/testing';

/**
 * The console (apps/console) as the auth-server serves it under /console/: the page for every
 * client-side route, hashed assets cached for good, its runtime configuration, a CSP with no
 * inline script or style and API calls only to this origin and the audit service.
 */
describe('auth-server black box on sqlite: the console under /console/', () => {
  let server: AuthServer;
  let dir: string;
  const audit = 'http://audit.test:3100/audit';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><script defer src="/console/assets/main.0123456789ab.js"></script>');
    writeFileSync(join(dir, 'assets', 'main.0123456789ab.js'), 'console.log("console")');
    writeFileSync(join(dir, 'assets', 'main.0123456789ab.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    server = await startAuthServer('sqlite', { CONSOLE_DIR: dir, AUDIT_RESOURCE_URL: audit });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${server.issuer}${path}`, { redirect: 'manual' });

  it('answers the page for the console and each of its client-side routes, under a strict CSP', async () => {
    for (const path of ['/console', '/console/', '/console/callback?code=abc&state=xyz', '/console/audit', '/console/a/b/c']) {
      const res = await get(path);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 200, type: 'text/html; charset=utf-8' });
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' http://audit.test:3100; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves hashed assets with their type and a year-long immutable cache, and nothing outside assets/', async () => {
    const js = await get('/console/assets/main.0123456789ab.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log("console")');
    expect((await get('/console/assets/main.0123456789ab.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const path of ['/console/assets/missing.js', '/console/assets/..%2Fsecret.txt', '/console/assets/%2e%2e%2findex.html', '/console/assets/secret.txt']) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.text()).not.toContain('not for the web');
    }
    // A path that walks up is a client-side route like any other: the page, never the file.
    const walk = await get('/console/../console/secret.txt');
    expect(await walk.text()).not.toContain('not for the web');
  });

  it('tells the console its issuer, client and the resources it takes tokens for (config.json)', async () => {
    const res = await get('/console/config.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      issuer: server.issuer,
      client_id: 'portcullis-console',
      redirect_uri: `${server.issuer}/console/callback`,
      resources: [
        { name: 'audit', resource: audit, scopes: ['audit:read'] },
        // The admin API, on this origin (so not named again in the page's connect-src).
        { name: 'admin', resource: `${server.issuer}/admin`, scopes: ['admin:read', 'admin:write'] },
      ],
    });
  });
});

describe('auth-server black box on sqlite: the console not built', () => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer('sqlite', { CONSOLE_DIR: join(tmpdir(), 'console-never-built-here') });
  }, 60_000);
  afterAll(async () => server?.stop());

  it('says how to build it instead of failing', async () => {
    const res = await fetch(`${server.issuer}/console/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('npm run build');
  });
});
