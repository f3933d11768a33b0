import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { EventContractError, parseEventJson, PortcullisEvent } from '@portcullis/contracts';
import { consumeTraced, tracingStarted } from '@portcullis/tracing';
import { consumedMessages } from '../metrics/audit-metrics';
import { AuditBatcher } from './audit-batcher';
import { DeliveryAcks } from './delivery-acks';

/** After a storage failure, wait before requeueing so a database outage is not a hot loop. */
const STORAGE_RETRY_DELAY_MS = 1000;

/**
 * Consumes the audit queue with manual acknowledgement (deliveries come straight from
 * AuditQueueServer, one call each):
 * - a valid event is acked only after the batch holding it is committed (acks of a batch go
 *   out together, DeliveryAcks);
 * - a message that is not a valid event (not JSON, not an object, failing schema, unknown
 *   type) is rejected without requeue, so the broker dead-letters it and the consumer carries on;
 * - a storage failure requeues the message (after a pause) — it is not the message's fault.
 */
@Injectable()
export class AuditEventsConsumer {
  private readonly logger = new Logger('audit-consumer');

  constructor(@Inject(AuditBatcher) private readonly batcher: AuditBatcher) {}

  /** Handles one delivery; synchronous, so a delivery costs no promise before its event is batched. */
  onDelivery(message: ConsumeMessage, channel: Channel): void {
    let event: PortcullisEvent;
    try {
      // Not JSON, or JSON that is no CloudEvent (a JSON string — a double-encoded event — included).
      event = parseEventJson(message.content);
    } catch (err) {
      const why = err instanceof EventContractError ? err.message : 'unreadable message';
      this.logger.warn(`dead-lettering message ${message.properties.messageId ?? '(no id)'} from ${message.fields.routingKey}: ${why}`);
      settle(() => channel.nack(message, false, false));
      DeliveryAcks.forChannel(channel).rejected(message);
      consumedMessages.inc({ outcome: 'dead_lettered' });
      return;
    }
    // Traced only when tracing is on: a consumer span, child of the trace the event carries.
    const stored = tracingStarted() ? consumeTraced([event], 'rabbitmq', () => this.batcher.add(event)) : this.batcher.add(event);
    stored.then(
      () => {
        DeliveryAcks.forChannel(channel).ack(message);
        consumedMessages.inc({ outcome: 'stored' });
      },
      (err) => this.requeueLater(message, channel, event, err),
    );
  }

  private requeueLater(message: ConsumeMessage, channel: Channel, event: PortcullisEvent, err: unknown): void {
    this.logger.error(`could not store event ${event.id}: ${err instanceof Error ? err.message : String(err)}`);
    setTimeout(() => {
      settle(() => channel.nack(message, false, true));
      DeliveryAcks.forChannel(channel).rejected(message);
      consumedMessages.inc({ outcome: 'requeued' });
    }, STORAGE_RETRY_DELAY_MS);
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
