import { createServer, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { CLOUDEVENTS_CONTENT_TYPE, createEvent, EVENTS_EXCHANGE, EventType } from '@portcullis/contracts';
import { TEST_BROKER_URL } from '../../testing/amqp-probe';
import { RevocationListener } from './revocation.listener';

const now = () => Math.floor(Date.now() / 1000);

async function publishRevocation(channel: amqp.ConfirmChannel, jtis: string[], expiresAt: number) {
  const event = createEvent(EventType.TokenRevoked, { client_id: 'c1', jtis, reason: 'client_request', expires_at: expiresAt }, { source: '/test/revocations' });
  channel.publish(EVENTS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: event.id });
  await channel.waitForConfirms();
  return event;
}

describe('RevocationListener', () => {
  let server: Server;
  let listUrl: string;
  let list: { jti: string; expires_at: number }[] = [];
  let clients: { client_id: string; issued_through: number; expires_at: number }[] | undefined;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/revocations') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ revocations: list, ...(clients ? { clients } : {}) }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    listUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    connection = await amqp.connect(TEST_BROKER_URL);
    channel = await connection.createConfirmChannel();
  });
  afterAll(async () => {
    await connection.close();
    await new Promise((r) => server.close(r));
  });

  it('reaches two running replicas over their own queues; prints the latency', async () => {
    const seen: number[] = [];
    const replicas = [0, 1].map(
      () => new RevocationListener({ brokerUrl: TEST_BROKER_URL, onRevoked: (_j, time) => seen.push(Date.now() - Date.parse(time)), log: () => undefined }),
    );
    await Promise.all(replicas.map((r) => r.start()));
    try {
      const jti = randomUUID();
      expect(replicas.some((r) => r.isRevoked(jti))).toBe(false);
      const started = performance.now();
      await publishRevocation(channel, [jti], now() + 600);
      const deadline = Date.now() + 5000;
      while (!replicas.every((r) => r.isRevoked(jti))) {
        if (Date.now() > deadline) throw new Error('a replica never saw the revocation');
        await new Promise((r) => setImmediate(r));
      }
      const latency = performance.now() - started;
      console.log(`revocation reached both replicas ${latency.toFixed(1)} ms after publish (event time → applied: ${seen.join(', ')} ms)`);
      expect(replicas.every((r) => r.isRevoked(jti))).toBe(true);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('a late starter reads the current list before serving, then follows the broker', async () => {
    const early = randomUUID();
    list = [{ jti: early, expires_at: now() + 600 }, { jti: 'long-gone', expires_at: now() - 10 }];
    const late = new RevocationListener({ brokerUrl: TEST_BROKER_URL, revocationsUrl: `${listUrl}/revocations`, log: () => undefined });
    await late.start();
    try {
      expect(late.caughtUp).toBe(true);
      expect(late.isRevoked(early)).toBe(true);
      expect(late.isRevoked('long-gone')).toBe(false);
      const next = randomUUID();
      await publishRevocation(channel, [next], now() + 600);
      const deadline = Date.now() + 5000;
      while (!late.isRevoked(next) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(late.isRevoked(next)).toBe(true);
    } finally {
      await late.stop();
    }
  });

  it('applies a client cutoff pushed over the broker, and one read from the catch-up list', async () => {
    const pushed = new RevocationListener({ brokerUrl: TEST_BROKER_URL, log: () => undefined });
    await pushed.start();
    try {
      const cutoff = now();
      const event = createEvent(
        EventType.TokenRevoked,
        { client_id: 'robot-1', jtis: [], issued_through: cutoff, reason: 'client_disabled', expires_at: cutoff + 660 },
        { source: '/test/revocations' },
      );
      channel.publish(EVENTS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: event.id });
      await channel.waitForConfirms();
      const deadline = Date.now() + 5000;
      while (!pushed.isClientRevoked('robot-1', cutoff) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(pushed.isClientRevoked('robot-1', cutoff)).toBe(true);
      expect(pushed.isClientRevoked('robot-1', cutoff + 1)).toBe(false);
      expect(pushed.isClientRevoked('robot-2', cutoff)).toBe(false);
    } finally {
      await pushed.stop();
    }

    list = [];
    clients = [{ client_id: 'robot-2', issued_through: now(), expires_at: now() + 600 }];
    const late = new RevocationListener({ brokerUrl: TEST_BROKER_URL, revocationsUrl: `${listUrl}/revocations`, log: () => undefined });
    await late.start();
    try {
      expect(late.caughtUp).toBe(true);
      expect(late.isClientRevoked('robot-2', now() - 30)).toBe(true);
      expect(late.isClientRevoked('robot-1', now() - 30)).toBe(false);
    } finally {
      clients = undefined;
      await late.stop();
    }
  });

  it('tolerates an absent list endpoint, and forgets tokens once they expire', async () => {
    const logs: string[] = [];
    const listener = new RevocationListener({ brokerUrl: TEST_BROKER_URL, revocationsUrl: `${listUrl}/nothing-here`, log: (m) => logs.push(m) });
    await listener.start();
    try {
      expect(listener.caughtUp).toBe(false);
      expect(logs.join('\n')).toMatch(/answered 404/);
      listener.add(['a'], now() + 1);
      expect(listener.isRevoked('a')).toBe(true);
      expect(listener.isRevoked('a', now() + 2)).toBe(false);
      expect(listener.size).toBe(0);
    } finally {
      await listener.stop();
    }
  });

  it('without a broker, polls the list (embedded default)', async () => {
    const jti = randomUUID();
    list = [];
    const listener = new RevocationListener({ revocationsUrl: `${listUrl}/revocations`, pollIntervalMs: 50, log: () => undefined });
    await listener.start();
    try {
      expect(listener.isRevoked(jti)).toBe(false);
      list = [{ jti, expires_at: now() + 60 }];
      const deadline = Date.now() + 2000;
      while (!listener.isRevoked(jti) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(listener.isRevoked(jti)).toBe(true);
    } finally {
      await listener.stop();
    }
  });

  it('ignores a malformed revocation and keeps consuming', async () => {
    const logs: string[] = [];
    const listener = new RevocationListener({ brokerUrl: TEST_BROKER_URL, log: (m) => logs.push(m) });
    await listener.start();
    try {
      channel.publish(EVENTS_EXCHANGE, EventType.TokenRevoked, Buffer.from('{"not":"an event"'));
      await channel.waitForConfirms();
      const jti = randomUUID();
      await publishRevocation(channel, [jti], now() + 60);
      const deadline = Date.now() + 5000;
      while (!listener.isRevoked(jti) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(listener.isRevoked(jti)).toBe(true);
      expect(logs.join('\n')).toMatch(/malformed/);
    } finally {
      await listener.stop();
    }
  });
});
