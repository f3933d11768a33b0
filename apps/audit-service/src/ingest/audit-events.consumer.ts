import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { EventContractError, parseEventJson } from '@portcullis/contracts';
import { consumedMessages } from '../metrics/audit-metrics';
import { AuditBatcher } from './audit-batcher';

/** The one pattern the deserializer gives every message: routing is the broker's job here. */
export const AUDIT_EVENT_PATTERN = 'portcullis.audit.event';

/** After a storage failure, wait before requeueing so a database outage is not a hot loop. */
const STORAGE_RETRY_DELAY_MS = 1000;

/**
 * Consumes the audit queue through Nest's RMQ transport with manual acknowledgement:
 * - a valid event is acked only after the batch holding it is committed;
 * - a message that is not a valid event (bad JSON, failing schema, unknown type) is rejected
 *   without requeue, so the broker dead-letters it and the consumer carries on;
 * - a storage failure requeues the message (after a pause) — it is not the message's fault.
 */
@Controller()
export class AuditEventsConsumer {
  private readonly logger = new Logger('audit-consumer');

  constructor(@Inject(AuditBatcher) private readonly batcher: AuditBatcher) {}

  @EventPattern(AUDIT_EVENT_PATTERN)
  async onMessage(@Ctx() context: RmqContext): Promise<void> {
    const channel = context.getChannelRef() as Channel;
    const message = context.getMessage() as ConsumeMessage;
    let event;
    try {
      event = parseEventJson(message.content);
    } catch (err) {
      const why = err instanceof EventContractError ? err.message : 'unreadable message';
      this.logger.warn(`dead-lettering message ${message.properties.messageId ?? '(no id)'} from ${message.fields.routingKey}: ${why}`);
      settle(() => channel.nack(message, false, false));
      consumedMessages.inc({ outcome: 'dead_lettered' });
      return;
    }
    try {
      await this.batcher.add(event);
      settle(() => channel.ack(message));
      consumedMessages.inc({ outcome: 'stored' });
    } catch (err) {
      this.logger.error(`could not store event ${event.id}: ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, STORAGE_RETRY_DELAY_MS));
      settle(() => channel.nack(message, false, true));
      consumedMessages.inc({ outcome: 'requeued' });
    }
  }
}

/** The channel may have closed meanwhile (broker restart); the broker then redelivers by itself. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    /* channel gone: unacked messages return to the queue */
  }
}
