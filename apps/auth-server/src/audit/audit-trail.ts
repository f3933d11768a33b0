import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventData, EventTypeName, PortcullisEvent } from '@portcullis/contracts';
import { AuditEvents } from '@portcullis/events';

/** One event of the contract (libs/contracts): its type, typed data, and what it is about. */
export type AuditRecord = {
  [T in EventTypeName]: { type: T; subject?: string; data: EventData<T>; manager?: EntityManager };
}[EventTypeName];

/**
 * The authorization server's producer of audit events. Each record is one outbox row,
 * written inside the transaction of the change it records when a `manager` is given
 * (libs/events); the relay delivers it to the broker, or to the audit service when there is
 * no broker. Callers never pass secrets: tokens are named by `jti`.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly events: AuditEvents) {}

  async record(event: AuditRecord): Promise<void> {
    await this.events.emit(event.type, event.data as never, { subject: event.subject, manager: event.manager });
  }

  /**
   * Builds and validates an event without writing it, for a change that writes its own event
   * in the same statement (GrantsService.recordIssuance).
   */
  prepare(event: Omit<AuditRecord, 'manager'>): PortcullisEvent {
    return this.events.create(event.type, event.data as never, event.subject);
  }

  /** Writes a prepared event: in the transaction of `manager` when given, else group-committed. */
  async recordPrepared(event: PortcullisEvent, manager?: EntityManager): Promise<void> {
    await this.events.record(event, manager);
  }

  /** After a statement of the caller's own wrote outbox rows and committed. */
  outboxWritten(): void {
    this.events.outboxWritten();
  }
}

/** Milliseconds since the epoch → NumericDate (RFC 7519 §2), the unit of instants in events. */
export function numericDate(ms: number): number {
  return Math.floor(ms / 1000);
}
