import * as amqp from 'amqplib';
import { freePort } from '@portcullis/testing';
import { assertAuditTopology, deadLetterNameFor } from '../ingest/audit-topology';
import { deleteTestQueue, TEST_BROKER_URL, testQueueName } from '../testing/audit-test-support';
import { DeadLetterDepth } from './dead-letter-depth';

/** The dead-letter depth gauge against the real RabbitMQ: a passive check, and a broker away fails the sample, never more. */
describe('DeadLetterDepth', () => {
  const queue = testQueueName();
  const depth = new DeadLetterDepth(TEST_BROKER_URL, deadLetterNameFor(queue));

  beforeAll(() => assertAuditTopology(TEST_BROKER_URL, queue));
  afterAll(async () => {
    await depth.onApplicationShutdown();
    await deleteTestQueue(queue);
  });

  it('reads how many messages wait in the dead-letter queue', async () => {
    expect(await depth.depth()).toBe(0);
    const connection = await amqp.connect(TEST_BROKER_URL);
    const channel = await connection.createConfirmChannel();
    // What the broker does when the consumer rejects a message without requeue.
    channel.publish(deadLetterNameFor(queue), '', Buffer.from('not an event'));
    channel.publish(deadLetterNameFor(queue), '', Buffer.from('{"neither":"is this"}'));
    await channel.waitForConfirms();
    await connection.close();
    expect(await depth.depth()).toBe(2);
  });

  it('a queue that does not exist, or a broker that does not answer: the sample fails, and the next one starts afresh', async () => {
    const missing = new DeadLetterDepth(TEST_BROKER_URL, `${queue}.missing`);
    await expect(missing.depth()).rejects.toThrow(/NOT_FOUND|404/);
    await expect(missing.depth()).rejects.toThrow(/NOT_FOUND|404/);
    await missing.onApplicationShutdown();
    const away = new DeadLetterDepth(`amqp://guest:guest@127.0.0.1:${await freePort()}`, deadLetterNameFor(queue));
    await expect(away.depth()).rejects.toThrow();
    await away.onApplicationShutdown();
    // The working one still works after the others failed.
    expect(await depth.depth()).toBe(2);
  });
});
