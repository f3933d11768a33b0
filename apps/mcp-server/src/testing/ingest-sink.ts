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
 * Stands in for the audit service's embedded ingest endpoint (POST a JSON array of CloudEvents,
 * 200 once stored), so tests see what a producer delivers and never post to a real :3100.
 */
export class IngestSink {
  readonly events: ReceivedEvent[] = [];
  readonly bodies: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        this.bodies.push(body);
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

  /** Waits until an event matches (the relay delivers asynchronously). */
  async waitFor(match: (e: ReceivedEvent) => boolean, timeoutMs = 10_000): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event among ${this.events.length}: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
