import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventData, EventTypeName, PortcullisEvent } from '@portcullis/contracts';
import { AuditEvents } from '@portcullis/events';

/** One event of the contract (libs/contracts): its type, typed data, and what it is about. */
export type AuditEvent = {
  [T in EventTypeName]: { type: T; subject?: string; data: EventData<T> };
}[EventTypeName];

/** An event to record; with `manager`, inside that transaction. */
export type AuditRecord = AuditEvent & { manager?: EntityManager };

/**
 * The authorization server's one recorder of audit events. Each event is one outbox row
 * (libs/events), written inside the transaction of the change it records — so it exists if
 * and only if the change was committed — or, for an event that records no change of its own,
 * group-committed on its own. The relay delivers it to the broker, or to the audit service
 * when there is no broker. Callers never pass secrets: tokens are named by `jti`.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly events: AuditEvents) {}

  /** On its own, or in the transaction of `manager` when given. */
  async record(event: AuditRecord): Promise<void> {
    await this.events.record(this.build(event), event.manager);
  }

  /** The events of a change, written in the change's transaction. */
  async recordIn(manager: EntityManager, events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) await this.events.record(this.build(event), manager);
  }

  /**
   * The event built and validated, for a store whose own statement writes it with the change
   * (libs/events outbox-statement); call {@link written} once that statement committed.
   */
  build(event: AuditEvent): PortcullisEvent {
    return this.events.create(event.type, event.data as never, event.subject);
  }

  /** After a store's own statement wrote outbox rows and committed: the relay delivers them. */
  written(): void {
    this.events.outboxWritten();
  }
}

/** Milliseconds since the epoch → NumericDate (RFC 7519 §2), the unit of instants in events. */
export function numericDate(ms: number): number {
  return Math.floor(ms / 1000);
}
