import { JsonReceiver } from './json-receiver';

/** An event as a producer delivered it (a CloudEvents 1.0 structured event). */
export interface SunkEvent {
  id: string;
  type: string;
  source: string;
  subject?: string;
  /** The request that made it (docs/events.md). */
  requestid?: string;
  data: Record<string, unknown>;
}

/**
 * Stands in for the audit service's HTTP ingest (POST a JSON array of CloudEvents, 200 once
 * stored) for a producer started without a broker: point its AUDIT_INGEST_URL at `url` and
 * read what it delivered, parsed (`events`) and as sent on the wire (`bodies`). It accepts any
 * credential: what the audit service checks is tested against the audit service itself.
 */
export class EventSink extends JsonReceiver {
  readonly events: SunkEvent[] = [];
  readonly bodies: string[] = [];
  url = '';

  async start(): Promise<this> {
    this.url = `${await this.listen()}/internal/events`;
    return this;
  }

  protected receive(batch: SunkEvent | SunkEvent[], raw: string): void {
    this.bodies.push(raw);
    this.events.push(...(Array.isArray(batch) ? batch : [batch]));
  }

  ofType(type: string): SunkEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  /** Waits until an event matches: the producer's outbox relay delivers asynchronously. */
  async waitFor(match: (e: SunkEvent) => boolean, timeoutMs = 10_000): Promise<SunkEvent> {
    let found: SunkEvent | undefined;
    await this.waitUntil((events) => (found = events.find(match)) !== undefined, timeoutMs);
    return found as SunkEvent;
  }

  /** Waits until `done` holds for the events received so far. */
  async waitUntil(done: (events: readonly SunkEvent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(`the expected events did not arrive; received ${this.events.length}: ${JSON.stringify(this.events.map((e) => e.type))}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
