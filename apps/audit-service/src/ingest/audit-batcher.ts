import type { PortcullisEvent } from '@portcullis/contracts';
import { AuditEventStore } from '../events/audit-event.store';
import { storedEvents } from '../metrics/audit-metrics';

interface Pending {
  event: PortcullisEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface AuditBatcherOptions {
  /** Largest batch written in one statement. */
  maxBatch: number;
  /** How long the first event of a batch waits for company. */
  windowMs: number;
}

/**
 * Groups events that arrive close together into one INSERT. Each `add` resolves only once its
 * event's batch is committed, so the caller acknowledges after the commit and never before.
 * One write at a time: SQLite has a single writer anyway, and events that arrive during a
 * write simply form the next, larger batch.
 */
export class AuditBatcher {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  committed = 0;

  constructor(
    private readonly store: AuditEventStore,
    private readonly options: AuditBatcherOptions,
  ) {}

  add(event: PortcullisEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ event, resolve, reject });
      if (this.buffer.length >= this.options.maxBatch) this.kick();
      else if (!this.timer && !this.writing) this.timer = setTimeout(() => this.kick(), this.options.windowMs);
    });
  }

  addMany(events: PortcullisEvent[]): Promise<void> {
    return Promise.all(events.map((e) => this.add(e))).then(() => undefined);
  }

  /** Waits for everything buffered to be written (shutdown). */
  async drain(): Promise<void> {
    while (this.buffer.length || this.writing) {
      this.kick();
      await this.writing;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || !this.buffer.length) return;
    const batch = this.buffer.splice(0, this.options.maxBatch);
    this.writing = this.store
      .insertMany(batch.map((p) => p.event))
      .then(
        () => {
          this.committed += batch.length;
          storedEvents.inc(batch.length);
          for (const p of batch) p.resolve();
        },
        (err) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        this.writing = undefined;
        // What arrived meanwhile goes straight out: under load batches grow by themselves.
        if (this.buffer.length) this.kick();
      });
  }
}
