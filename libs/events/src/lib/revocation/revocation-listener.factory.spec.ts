import { createServer, Server } from 'node:http';
import { revocationListenerFor } from './revocation-listener.factory';

describe('revocationListenerFor', () => {
  let server: Server;
  let baseUrl: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/revocations') res.writeHead(200, { 'content-type': 'application/json' }).end('{"revocations":[]}');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('reads the revocations URL again every revocationsPollMs without a broker', async () => {
    const before = requests;
    const listener = revocationListenerFor({ revocationsUrl: `${baseUrl}/revocations`, revocationsPollMs: 40 }, () => undefined);
    await listener.start();
    await new Promise((r) => setTimeout(r, 300));
    await listener.stop();
    // The first read at start, then one per interval: a default 5 s interval would give 1.
    expect(requests - before).toBeGreaterThanOrEqual(4);
  });

  it('reports through the log it is given', async () => {
    const logs: string[] = [];
    const listener = revocationListenerFor({ revocationsUrl: `${baseUrl}/nothing-here`, revocationsPollMs: 60_000 }, (m) => logs.push(m));
    await listener.start();
    await listener.stop();
    expect(logs.join('\n')).toMatch(/answered 404/);
  });
});
