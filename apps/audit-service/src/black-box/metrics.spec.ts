import * as amqp from 'amqplib';
import { CLOUDEVENTS_CONTENT_TYPE, createEvent, EventType } from '@portcullis/contracts';
import { createTestDatabase, freePort, type RunningService, scrapeMetrics, startService, TestIssuer, type TestDatabase } from '@portcullis/testing';
import { deleteTestQueue, TEST_BROKER_URL, testQueueName } from '../testing/audit-test-support';

/*
 * /metrics of the built audit-service on PostgreSQL and RabbitMQ: a valid event is consumed and
 * stored, a message that is no event is dead-lettered, and the dead-letter queue's depth is read
 * from the broker at scrape time. Its own queue: other suites publish on the same exchange, so
 * counts are compared as at-least.
 */
describe('audit-service black box: /metrics', () => {
  const queue = testQueueName();
  let db: TestDatabase;
  let issuer: TestIssuer;
  let audit: RunningService;

  beforeAll(async () => {
    db = await createTestDatabase('portcullis_audit_metrics');
    const port = await freePort();
    const resource = `http://127.0.0.1:${port}/audit`;
    issuer = await new TestIssuer(resource).start();
    audit = await startService('audit-service', port, {
      BROKER_URL: TEST_BROKER_URL,
      DATABASE_URL: db.url,
      AUDIT_QUEUE: queue,
      ISSUER_URL: issuer.issuer,
      RESOURCE_URL: resource,
    });
  }, 60_000);
  afterAll(async () => {
    await audit?.stop();
    await issuer?.stop();
    await db?.drop();
    await deleteTestQueue(queue);
  }, 30_000);

  it('counts consumed, stored and dead-lettered messages, and reads the dead-letter depth from the broker', async () => {
    const before = await scrapeMetrics(audit.url);
    expect(before.value('portcullis_audit_dead_letter_messages')).toBe(0);
    const connection = await amqp.connect(TEST_BROKER_URL);
    const channel = await connection.createConfirmChannel();
    const event = createEvent(EventType.LoginFailed, { username: 'mallory', reason: 'bad_password' }, { source: '/portcullis/auth-server' });
    channel.sendToQueue(queue, Buffer.from(JSON.stringify(event)), { contentType: CLOUDEVENTS_CONTENT_TYPE, persistent: true });
    channel.sendToQueue(queue, Buffer.from('this is not an event'), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();

    let after = before;
    const deadline = Date.now() + 10_000;
    for (;;) {
      after = await scrapeMetrics(audit.url);
      if (after.value('portcullis_audit_dead_letter_messages') >= 1 && after.value('portcullis_audit_stored_events_total') > before.value('portcullis_audit_stored_events_total')) break;
      if (Date.now() > deadline) throw new Error(`not counted in time:\n${after.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const delta = (name: string, labels: Record<string, string> = {}) => after.since(before, name, labels);
    expect(delta('portcullis_audit_consumed_messages_total', { outcome: 'stored' })).toBeGreaterThanOrEqual(1);
    expect(delta('portcullis_audit_consumed_messages_total', { outcome: 'dead_lettered' })).toBeGreaterThanOrEqual(1);
    expect(after.value('portcullis_audit_dead_letter_messages')).toBeGreaterThanOrEqual(1);
    expect(after.value('portcullis_metrics_sample_failures_total')).toBe(0);
    expect(after.labelValues().has('mallory')).toBe(false);
  }, 30_000);
});
