import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SunkEvent {
  id: string;
  type: string;
  source: string;
  subject?: string;
  data: Record<string, unknown>;
}

/**
 * Stands in for the audit service's HTTP ingest (POST a JSON array of CloudEvents, 200 once
 * stored) for a producer started without a broker: point its AUDIT_INGEST_URL at `url` and
 * read what it delivered, parsed (`events`) and as sent on the wire (`bodies`).
 */
export class EventSink {
  readonly events: SunkEvent[] = [];
  readonly bodies: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.bodies.push(body);
        try {
          this.events.push(...(JSON.parse(body) as SunkEvent[]));
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

  /** Waits until an event matches: the producer's outbox relay delivers asynchronously. */
  async waitFor(match: (e: SunkEvent) => boolean, timeoutMs = 10_000): Promise<SunkEvent> {
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
