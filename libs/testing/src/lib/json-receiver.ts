import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that takes JSON bodies, the part every test receiver shares (the event
 * sink, the OTLP collector): 200 `{}` once a body parsed and was kept, 400 when it is not JSON (or not the expected shape).
 */
export abstract class JsonReceiver {
  private server?: Server;

  /** Keeps one received body; `raw` is the body as sent on the wire. */
  protected abstract receive(parsed: unknown, raw: string, request: IncomingMessage): void;

  /** Listens on a free loopback port and returns `http://127.0.0.1:<port>`. */
  protected async listen(): Promise<string> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        try {
          this.receive(JSON.parse(body), body, req);
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
