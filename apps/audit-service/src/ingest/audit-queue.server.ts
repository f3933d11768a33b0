import { RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AuditEventsConsumer } from './audit-events.consumer';

const HANDLED = Promise.resolve();

/**
 * Nest's RMQ server — connection, reconnects, queue and binding assertion, prefetch, status —
 * with each delivery handed straight to the consumer. Nest's own dispatch (pattern lookup,
 * deserializer, execution context, pipes, RxJS, a chain of async functions per message) cost
 * more CPU per event than validating and storing it: under load it was the largest share of the
 * service's profile after the garbage collector, which its per-message allocations fed.
 * Our messages are CloudEvents, not Nest `{ pattern, data }` packets, and every one has the
 * same handler, so there is nothing to route.
 */
export class AuditQueueServer extends ServerRMQ {
  constructor(
    options: NonNullable<RmqOptions['options']>,
    private readonly consumer: AuditEventsConsumer,
  ) {
    super(options);
  }

  /** Nest types the delivery loosely; amqplib's consume callback gives a message, or null on cancel. */
  override handleMessage(message: Record<string, unknown> | null, channel: Channel): Promise<void> {
    // Null: the broker cancelled the consumer (queue deleted); Nest's server reconnects.
    if (message) this.consumer.onDelivery(message as unknown as ConsumeMessage, channel);
    return HANDLED;
  }
}
