import type { CloudEventEnvelope } from '@portcullis/contracts';
import { GroupWriter } from '../group/group-writer';
import type { OutboxStore } from './outbox.store';

/** Rows per INSERT: far below SQLite's and PostgreSQL's parameter limits. */
const MAX_ROWS = 250;

/**
 * Group commit for the outbox: events recorded on their own are written by one multi-row
 * INSERT per group (GroupWriter: one in flight, the next gathering meanwhile) instead of one
 * commit each. Each caller still waits until its own row is committed, so an answer never goes
 * out before its event is durable (at least once), and a failed write fails exactly the
 * callers whose rows it carried. Under load this is what keeps recording an event cheap next
 * to serving the request (a commit per event costs more CPU than the tool call itself on SQLite).
 *
 * Used for events that record no state change of their own (a tool call, a refusal, a token
 * that is not stored); an event that belongs to a change is recorded inside that change's
 * transaction instead (AuditEvents.record with a manager).
 */
export class OutboxGroupCommit {
  private readonly writer: GroupWriter<CloudEventEnvelope, undefined>;

  constructor(store: OutboxStore, wakeRelay: () => void) {
    this.writer = new GroupWriter<CloudEventEnvelope, undefined>(
      async (events) => {
        await store.insertMany(events);
        return events.map(() => undefined);
      },
      MAX_ROWS,
      // The relay spaces its rounds under load (OutboxRelay lingerMs), so waking it is cheap.
      wakeRelay,
    );
  }

  record(event: CloudEventEnvelope): Promise<void> {
    return this.writer.submit(event);
  }
}
