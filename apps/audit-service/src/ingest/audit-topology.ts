import * as amqp from 'amqplib';
import {
  AUDIT_DEAD_LETTER_QUEUE,
  AUDIT_QUEUE,
  EVENTS_EXCHANGE,
  EVENTS_EXCHANGE_OPTIONS,
  EVENTS_EXCHANGE_TYPE,
} from '@portcullis/contracts';

/** Arguments of the audit queue; Nest's RMQ server re-asserts it with the same ones on reconnect. */
export function auditQueueOptions(queue: string) {
  return { durable: true, arguments: { 'x-dead-letter-exchange': deadLetterNameFor(queue) } };
}

/** Every routing key: the audit service keeps every event. */
export const AUDIT_BINDING_KEY = '#';

/**
 * Declares what the audit service consumes from (idempotent; safe on every start):
 *   portcullis.events (topic) --#--> portcullis.audit (durable, DLX portcullis.audit.dead)
 *   portcullis.audit.dead (fanout) --> portcullis.audit.dead (durable)
 * A message the consumer rejects without requeue is moved to the dead-letter queue by the
 * broker, with an `x-death` header saying where it came from.
 */
export async function assertAuditTopology(brokerUrl: string, queue = AUDIT_QUEUE): Promise<void> {
  const connection = await amqp.connect(brokerUrl);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, EVENTS_EXCHANGE_TYPE, EVENTS_EXCHANGE_OPTIONS);
    const dead = deadLetterNameFor(queue);
    await channel.assertExchange(dead, 'fanout', { durable: true });
    await channel.assertQueue(dead, { durable: true });
    await channel.bindQueue(dead, dead, '');
    await channel.assertQueue(queue, auditQueueOptions(queue));
    await channel.bindQueue(queue, EVENTS_EXCHANGE, AUDIT_BINDING_KEY);
    await channel.close();
  } finally {
    await connection.close();
  }
}

/**
 * Name of the dead-letter exchange and queue of an audit queue: `portcullis.audit.dead` for the
 * default queue, `<queue>.dead` for another (a second audit deployment, tests).
 */
export function deadLetterNameFor(queue: string): string {
  // The exchange and the queue share the name (AUDIT_DEAD_LETTER_EXCHANGE = AUDIT_DEAD_LETTER_QUEUE).
  return queue === AUDIT_QUEUE ? AUDIT_DEAD_LETTER_QUEUE : `${queue}.dead`;
}
