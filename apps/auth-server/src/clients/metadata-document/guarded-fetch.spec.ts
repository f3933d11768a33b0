import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { guardedFetch, GuardedFetchError, guardedFetchForJose, GuardedFetchOptions, vetHost } from './guarded-fetch';

const base: GuardedFetchOptions = { allowedPrivateHosts: [], timeoutMs: 2_000, maxBytes: 1024 };

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GuardedFetchError) return err.reason;
    throw err;
  }
  throw new Error('expected the fetch to be refused');
}

describe('vetHost', () => {
  it('refuses a name that resolves to loopback (real DNS: localhost)', async () => {
    expect(await reason(vetHost('localhost', base))).toMatch(/loopback address/);
  });

  it('refuses literal private and loopback addresses', async () => {
    expect(await reason(vetHost('127.0.0.1', base))).toMatch(/loopback/);
    expect(await reason(vetHost('[::1]', base))).toMatch(/loopback/);
    expect(await reason(vetHost('169.254.169.254', base))).toMatch(/link-local/);
    expect(await reason(vetHost('10.0.0.8', base))).toMatch(/private/);
  });

  it('refuses a name when any one of its addresses is not public', async () => {
    const resolveHost = async () => [
      { address: '93.184.215.14', family: 4 as const },
      { address: '10.0.0.1', family: 4 as const },
    ];
    expect(await reason(vetHost('mixed.test', { ...base, resolveHost }))).toMatch(/private address/);
  });

  it('refuses a name that resolves to an IPv4-mapped IPv6 loopback', async () => {
    const resolveHost = async () => [{ address: '::ffff:127.0.0.1', family: 6 as const }];
    expect(await reason(vetHost('mapped.test', { ...base, resolveHost }))).toMatch(/ipv4-mapped/);
  });

  it('lets a public address through', async () => {
    const resolveHost = async () => [{ address: '93.184.215.14', family: 4 as const }];
    await expect(vetHost('public.test', { ...base, resolveHost })).resolves.toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('lets an operator-allowed host resolve to a private address', async () => {
    await expect(vetHost('localhost', { ...base, allowedPrivateHosts: ['LOCALHOST'] })).resolves.toMatchObject({ family: expect.any(Number) });
    await expect(vetHost('127.0.0.1', { ...base, allowedPrivateHosts: ['127.0.0.1'] })).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('reports a name that does not resolve', async () => {
    const resolveHost = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await reason(vetHost('nowhere.test', { ...base, resolveHost }))).toMatch(/could not be resolved/);
  });
});

describe('guardedFetch', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/doc') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-host-seen': String(req.headers.host) });
        res.end('{"ok":true}');
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: '/doc' });
        res.end();
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ pad: 'x'.repeat(5000) }));
      } else if (req.url === '/big-chunked') {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 10; i++) res.write('x'.repeat(500));
        res.end();
      } else if (req.url === '/slow') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        setTimeout(() => res.end('}'), 3_000).unref();
      } else if (req.url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const allowed: GuardedFetchOptions = { ...base, allowedPrivateHosts: ['127.0.0.1', 'pinned.test'] };

  it('fetches a JSON document from an allowed host', async () => {
    const doc = await guardedFetch(new URL(`http://127.0.0.1:${port}/doc`), allowed);
    expect(doc.status).toBe(200);
    expect(JSON.parse(doc.body.toString())).toEqual({ ok: true });
  });

  it('refuses the same host when it is not allowed', async () => {
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/doc`), base))).toMatch(/loopback/);
  });

  it('connects to the vetted address, never resolving the name again', async () => {
    // pinned.test exists in no DNS: the request can only arrive if the vetted address is used.
    const resolveHost = jest.fn(async () => [{ address: '127.0.0.1', family: 4 as const }]);
    const doc = await guardedFetch(new URL(`http://pinned.test:${port}/doc`), { ...allowed, resolveHost });
    expect(resolveHost).toHaveBeenCalledTimes(1);
    expect(doc.headers['x-host-seen']).toBe(`pinned.test:${port}`);
  });

  it('does not follow redirects', async () => {
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/redirect`), allowed))).toMatch(/redirect \(HTTP 302\)/);
  });

  it('refuses an oversized document, declared or streamed', async () => {
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/big`), allowed))).toMatch(/larger than 1024 bytes/);
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/big-chunked`), allowed))).toMatch(/larger than 1024 bytes/);
  });

  it('gives up on a slow server', async () => {
    const started = Date.now();
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/slow`), { ...allowed, timeoutMs: 300 }))).toMatch(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses content that is not JSON, and error statuses', async () => {
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/html`), allowed))).toMatch(/application\/json/);
    expect(await reason(guardedFetch(new URL(`http://127.0.0.1:${port}/missing`), allowed))).toMatch(/HTTP 404/);
  });

  it('reports a refused connection', async () => {
    const closed = { ...allowed, allowedPrivateHosts: ['127.0.0.1'] };
    expect(await reason(guardedFetch(new URL('http://127.0.0.1:1/doc'), closed))).toMatch(/connection failed/);
  });

  it('serves jose remote JWK sets through the same guard', async () => {
    const refused = guardedFetchForJose(base)(`http://127.0.0.1:${port}/doc`);
    await expect(refused).rejects.toThrow(/jwks_uri host 127.0.0.1 resolves to a loopback address/);
    const res = await guardedFetchForJose(allowed)(`http://127.0.0.1:${port}/doc`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
