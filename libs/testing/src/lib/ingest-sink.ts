import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  id: string;
  type: string;
  source: string;
  subject?: string;
  data: Record<string, unknown>;
}

/**
 * Stands in for the audit service's ingest endpoint (POST a JSON array of CloudEvents, 200
 * once stored): a producer started with AUDIT_INGEST_URL = `url` delivers its events here, so
 * a test can count them. (Same shape as apps/mcp-server's testing sink, for any app's tests.)
 */
export class IngestSink {
  readonly events: ReceivedEvent[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        try {
          this.events.push(...(JSON.parse(body) as ReceivedEvent[]));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/events`;
    return this;
  }

  /** Waits until `done` holds for the events received so far (delivery is asynchronous). */
  async waitUntil(done: (events: readonly ReceivedEvent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (Date.now() > deadline) throw new Error(`the expected events did not arrive; received ${this.events.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
