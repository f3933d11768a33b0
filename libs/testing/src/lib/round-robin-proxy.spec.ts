import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRoundRobinProxy } from './round-robin-proxy';

/** An upstream that echoes what it received, and challenges requests to /private. */
async function echoServer(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (req.url === '/private') headers['www-authenticate'] = 'Bearer error="invalid_token"';
      res.writeHead(req.url === '/private' ? 401 : 200, headers);
      res.end(JSON.stringify({ name, method: req.method, url: req.url, host: req.headers.host, auth: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('startRoundRobinProxy', () => {
  it('sends each request to the next upstream, unchanged, and counts them', async () => {
    const upstreams = await Promise.all(['a', 'b', 'c'].map(echoServer));
    const proxy = await startRoundRobinProxy(upstreams.map((u) => u.url));
    try {
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${proxy.url}/mcp?x=${i}`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'text/plain' }, body: `n${i}` });
        const echo = (await res.json()) as Record<string, string>;
        expect(echo).toMatchObject({ method: 'POST', url: `/mcp?x=${i}`, host: `127.0.0.1:${proxy.port}`, auth: 'Bearer t', body: `n${i}` });
        seen.push(echo['name']);
      }
      expect(seen).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
      expect(proxy.counts()).toEqual([2, 2, 2]);
      const refused = await fetch(`${proxy.url}/private`);
      expect(refused.status).toBe(401);
      expect(proxy.log().at(-1)).toEqual({ method: 'GET', path: '/private', upstream: 0, status: 401, wwwAuthenticate: 'Bearer error="invalid_token"' });
      expect(proxy.log()[0].path).toBe('/mcp');
    } finally {
      await proxy.close();
      for (const u of upstreams) u.server.close();
    }
  });

  it('sets the headers it was given on every forwarded request, replacing the client\'s', async () => {
    const upstream = await echoServer('a');
    const proxy = await startRoundRobinProxy([upstream.url], 0, { Authorization: 'Bearer added' });
    try {
      const plain = (await (await fetch(`${proxy.url}/mcp`)).json()) as Record<string, string>;
      expect(plain['auth']).toBe('Bearer added');
      const replaced = (await (await fetch(`${proxy.url}/mcp`, { headers: { authorization: 'Bearer own' } })).json()) as Record<string, string>;
      expect(replaced['auth']).toBe('Bearer added');
    } finally {
      await proxy.close();
      upstream.server.close();
    }
  });

  it('answers 502 when an upstream is down', async () => {
    const proxy = await startRoundRobinProxy(['http://127.0.0.1:1']);
    try {
      const res = await fetch(`${proxy.url}/x`);
      expect(res.status).toBe(502);
      expect(proxy.log()[0].status).toBe(502);
    } finally {
      await proxy.close();
    }
  });
});
