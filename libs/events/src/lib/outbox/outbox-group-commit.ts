import type { CloudEventEnvelope } from '@portcullis/contracts';
import type { OutboxStore } from './outbox.store';

interface Waiting {
  event: CloudEventEnvelope;
  done: (err?: unknown) => void;
}

/** Rows per INSERT: 4 bound values each, far below SQLite's and PostgreSQL's parameter limits. */
const MAX_ROWS = 250;
/**
 * Group commit for the outbox: the events recorded by all requests within one turn of the event
 * loop are written by one multi-row INSERT — one statement, one commit — instead of one commit
 * each. Each caller still waits until its own row is committed, so an answer never goes out
 * before its event is durable (at least once), and a failed write fails exactly the callers
 * whose rows it carried. Under load this is what keeps recording an event cheap next to serving
 * the request (a commit per event costs more CPU than the tool call itself on SQLite).
 *
 * Used for events that record no state change of their own (a tool call, a refusal, a token
 * that is not stored); an event that belongs to a change is recorded inside that change's
 * transaction instead (AuditEvents.record with a manager).
 */
export class OutboxGroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;
  private writing = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly wakeRelay: () => void,
  ) {}

  record(event: CloudEventEnvelope): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.scheduled && !this.writing) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /**
   * Writes what is queued, one INSERT at a time: while one is in flight the next group
   * gathers, so under load each statement carries every event recorded during the previous
   * one's round trip — fewer, larger commits — and when idle an event is written at once.
   */
  private async flush(): Promise<void> {
    this.scheduled = false;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_ROWS);
        try {
          await this.store.insertMany(batch.map(({ event }) => event));
          for (const w of batch) w.done();
        } catch (err) {
          for (const w of batch) w.done(err);
        }
      }
    } finally {
      this.writing = false;
    }
    // The relay spaces its rounds under load (OutboxRelay lingerMs), so waking it is cheap.
    this.wakeRelay();
  }
}
