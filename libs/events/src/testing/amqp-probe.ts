import * as amqp from 'amqplib';
import { EVENTS_EXCHANGE, EVENTS_EXCHANGE_OPTIONS, EVENTS_EXCHANGE_TYPE } from '@portcullis/contracts';

/** The broker tests use: the machine's own unless TEST_BROKER_URL says otherwise. */
export const TEST_BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface ReceivedMessage {
  body: Record<string, unknown>;
  properties: amqp.MessageProperties;
  routingKey: string;
}

/**
 * A throwaway queue bound to the events exchange that collects messages from one `source`
 * only: other tests on the same broker publish to the same exchange at the same time.
 */
export async function probeQueue(source: string, bindingKey = '#') {
  const connection = await amqp.connect(TEST_BROKER_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, EVENTS_EXCHANGE_TYPE, EVENTS_EXCHANGE_OPTIONS);
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, bindingKey);
  const received: ReceivedMessage[] = [];
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      const body = JSON.parse(msg.content.toString('utf8'));
      if (body.source === source) received.push({ body, properties: msg.properties, routingKey: msg.fields.routingKey });
    },
    { noAck: true },
  );
  return {
    received,
    async waitFor(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`received ${received.length} of ${count} messages`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
}
