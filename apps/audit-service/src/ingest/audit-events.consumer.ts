import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { EventContractError, parseEvent } from '@portcullis/contracts';
import { consumeTraced } from '@portcullis/tracing';
import { consumedMessages } from '../metrics/audit-metrics';
import { AuditBatcher } from './audit-batcher';
import { DeliveryAcks } from './delivery-acks';

/**
 * The one pattern the deserializer gives every message: routing is the broker's job here. An
 * object, not a string: Nest looks a handler up by JSON.parse-ing the pattern first, and a
 * plain string made that throw (and build a SyntaxError with its stack) on every message —
 * the largest single cost of the consumer under load.
 */
export const AUDIT_EVENT_PATTERN = { audit: 'event' } as const;

/** After a storage failure, wait before requeueing so a database outage is not a hot loop. */
const STORAGE_RETRY_DELAY_MS = 1000;

/**
 * Consumes the audit queue through Nest's RMQ transport with manual acknowledgement:
 * - a valid event is acked only after the batch holding it is committed (acks of a batch go
 *   out together, DeliveryAcks);
 * - a message that is not a valid event (bad JSON, failing schema, unknown type) is rejected
 *   without requeue, so the broker dead-letters it and the consumer carries on;
 * - a storage failure requeues the message (after a pause) — it is not the message's fault.
 */
@Controller()
export class AuditEventsConsumer {
  private readonly logger = new Logger('audit-consumer');

  constructor(@Inject(AuditBatcher) private readonly batcher: AuditBatcher) {}

  @EventPattern(AUDIT_EVENT_PATTERN)
  async onMessage(@Payload() body: unknown, @Ctx() context: RmqContext): Promise<void> {
    const channel = context.getChannelRef() as Channel;
    const message = context.getMessage() as ConsumeMessage;
    let event;
    try {
      // The transport hands over the parsed JSON, or the text when it was not JSON (a JSON
      // string is no event either, whatever it contains).
      if (typeof body !== 'object' || body === null) throw new EventContractError('body is not a JSON object');
      event = parseEvent(body);
    } catch (err) {
      const why = err instanceof EventContractError ? err.message : 'unreadable message';
      this.logger.warn(`dead-lettering message ${message.properties.messageId ?? '(no id)'} from ${message.fields.routingKey}: ${why}`);
      settle(() => channel.nack(message, false, false));
      DeliveryAcks.forChannel(channel).rejected(message);
      consumedMessages.inc({ outcome: 'dead_lettered' });
      return;
    }
    try {
      // Traced: a consumer span, child of the trace the event carries (libs/tracing).
      await consumeTraced([event], 'rabbitmq', () => this.batcher.add(event));
      DeliveryAcks.forChannel(channel).ack(message);
      consumedMessages.inc({ outcome: 'stored' });
    } catch (err) {
      this.logger.error(`could not store event ${event.id}: ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, STORAGE_RETRY_DELAY_MS));
      settle(() => channel.nack(message, false, true));
      DeliveryAcks.forChannel(channel).rejected(message);
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
