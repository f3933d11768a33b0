import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { Client } from 'pg';
import { EventType } from '@portcullis/contracts';
import { createTestDatabase, freePort, startService, type RunningService, type TestDatabase } from '@portcullis/testing';
import { deleteTestQueue, producer, TEST_BROKER_URL, testQueueName, toolCalled, waitUntil } from './testing/audit-test-support';

jest.setTimeout(180_000);

/**
 * Failures while events flow, against the built service (`npm run build`) as a real process:
 * the audit service killed with SIGKILL mid-stream, and the broker stopped and started again.
 * Each time every produced event must be stored exactly once.
 */
describe('audit pipeline under failure (built service, PostgreSQL, RabbitMQ)', () => {
  const queue = testQueueName();
  let auditDb: TestDatabase;
  let producerDb: TestDatabase;
  let pg: Client;
  let audit: RunningService | undefined;
  let port: number;

  const env = () => ({ DATABASE_URL: auditDb.url, BROKER_URL: TEST_BROKER_URL, AUDIT_QUEUE: queue, ISSUER_URL: 'http://127.0.0.1:9', NODE_ENV: 'test' });
  const stored = async (source: string) => (await pg.query('SELECT id FROM audit_events WHERE source = $1', [source])).rows.map((r) => r.id as string);

  beforeAll(async () => {
    [auditDb, producerDb] = await Promise.all([createTestDatabase('portcullis_audit_fail'), createTestDatabase('portcullis_producer_fail')]);
    pg = new Client({ connectionString: auditDb.url });
    await pg.connect();
    port = await freePort();
    audit = await startService('audit-service', port, env());
  });

  afterAll(async () => {
    await audit?.stop();
    await pg?.end();
    await ensureBrokerRunning();
    await deleteTestQueue(queue).catch(() => undefined);
    await Promise.all([auditDb?.drop(), producerDb?.drop()]);
  });

  it('loses and doubles nothing when the audit service is killed mid-stream', async () => {
    const source = `/test/kill-${randomUUID()}`;
    const p = await producer({ url: producerDb.url, source, brokerUrl: TEST_BROKER_URL });
    const produced: string[] = [];
    const total = 4000;
    let killed = false;
    for (let i = 0; i < total; i++) {
      produced.push(await p.events.emit(EventType.McpToolCalled, toolCalled(i)));
      if (!killed && i > total / 4 && (await stored(source)).length > 200) {
        await audit!.stop('SIGKILL');
        killed = true;
        audit = await startService('audit-service', port, env());
      }
    }
    expect(killed).toBe(true);
    await p.events.relay.flush(60_000);
    await p.close();
    await waitUntil(`${total} stored`, async () => (await stored(source)).length >= total, 60_000, 200);
    await new Promise((r) => setTimeout(r, 500));
    const ids = await stored(source);
    expect(ids.length).toBe(total);
    expect(new Set(ids)).toEqual(new Set(produced));
  });

  it('stores every event exactly once across a broker stop and start', async () => {
    const source = `/test/broker-down-${randomUUID()}`;
    const p = await producer({ url: producerDb.url, source, brokerUrl: TEST_BROKER_URL });
    const produced: string[] = [];
    const emit = async (n: number) => {
      for (let i = 0; i < n; i++) produced.push(await p.events.emit(EventType.McpToolCalled, toolCalled(produced.length)));
    };
    try {
      await emit(500);
      rabbitmqctl('stop_app');
      // The request path keeps working while the broker is down: events wait in the outbox.
      const started = Date.now();
      await emit(1000);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(await p.events.store.count()).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1500));
      rabbitmqctl('start_app');
      await waitForPort(5672);
      await emit(500);
      await p.events.relay.flush(90_000);
    } finally {
      await ensureBrokerRunning();
    }
    await waitUntil('every event stored', async () => (await stored(source)).length >= produced.length, 90_000, 250);
    await new Promise((r) => setTimeout(r, 500));
    const ids = await stored(source);
    expect(ids.length).toBe(produced.length);
    expect(new Set(ids)).toEqual(new Set(produced));
    await p.close();
    // The consumer reconnected by itself.
    await waitUntil('ready again', async () => (await fetch(`${audit!.url}/health/ready`)).ok, 30_000, 250);
  });
});

function rabbitmqctl(command: 'stop_app' | 'start_app'): void {
  execFileSync('rabbitmqctl', [command], { stdio: 'ignore', timeout: 60_000 });
}

async function ensureBrokerRunning(): Promise<void> {
  try {
    execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    execFileSync('rabbitmq-server', ['-detached'], { stdio: 'ignore' });
  }
  await waitForPort(5672);
}

async function waitForPort(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
