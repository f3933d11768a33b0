import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SunkEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Stands in for the audit service's ingest endpoint (the producers' AUDIT_INGEST_URL when
 * there is no broker): accepts every batch and keeps the events, so a test can count what
 * the auth-server recorded.
 */
export class EventSink {
  readonly events: SunkEvent[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SunkEvent[];
          this.events.push(...(Array.isArray(batch) ? batch : [batch]));
          res.writeHead(202).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/internal/events`;
  }

  ofType(type: string): SunkEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  /** Waits until `predicate` holds for the events received (polling; fails after `ms`). */
  async until(predicate: (sink: EventSink) => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`events never matched; received ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
