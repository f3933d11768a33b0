import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { MemoryRateStore, type RateStore } from './rate-store';
import { RedisRateStore } from './redis-rate-store';

/* Both stores, the same expectations; Redis is the real one on this machine, under a prefix of its own. */

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const warnings: string[] = [];
const stores: RateStore[] = [];

async function redisStore(prefix: string): Promise<RedisRateStore> {
  const store = new RedisRateStore(REDIS_URL, prefix, (m) => warnings.push(m));
  stores.push(store);
  await store.connect();
  return store;
}

afterAll(() => Promise.all(stores.map((s) => s.close())));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['memory', async () => [new MemoryRateStore()]],
  [
    'redis',
    async () => {
      // Two clients on one prefix: two gateway replicas.
      const prefix = `test:${randomUUID()}:`;
      return [await redisStore(prefix), await redisStore(prefix)];
    },
  ],
] as const)('the %s rate store', (_name, make: () => Promise<RateStore[]>) => {
  it('allows `limit` requests in a window, then refuses with the time left in it', async () => {
    const [store] = await make();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await store.hit('k', 3, 60_000));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, false]);
    expect(answers[3].resetMs).toBeGreaterThan(55_000);
    expect(answers[3].resetMs).toBeLessThanOrEqual(60_000);
    // Another key has its own window.
    expect(await store.hit('other', 3, 60_000)).toMatchObject({ allowed: true });
  });

  it('starts counting again when the window ends', async () => {
    const [store] = await make();
    expect((await store.hit('w', 1, 150)).allowed).toBe(true);
    expect((await store.hit('w', 1, 150)).allowed).toBe(false);
    await sleep(250);
    expect((await store.hit('w', 1, 150)).allowed).toBe(true);
  });

  it('never grants more than the limit to concurrent requests, whichever replica counts them', async () => {
    const replicas = await make();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => replicas[i % replicas.length].hit('race', 25, 60_000)));
    expect(answers.filter((a) => a.allowed)).toHaveLength(25);
  });
});

describe('the memory rate store', () => {
  it('forgets ended windows once it holds many keys', async () => {
    let now = 0;
    const store = new MemoryRateStore(() => now);
    for (let i = 0; i < 50_000; i++) await store.hit(`k${i}`, 1, 10);
    expect(store.size).toBe(50_000);
    now = 100;
    await store.hit('new', 1, 10);
    expect(store.size).toBe(1);
  });
});

describe('the Redis rate store', () => {
  it('fails fast, and warns once, while Redis is unreachable', async () => {
    // A port that accepts nothing: a listener closed at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const lines: string[] = [];
    const store = new RedisRateStore(`redis://127.0.0.1:${port}`, 'test:', (m) => lines.push(m));
    stores.push(store);
    await store.connect();
    expect(lines).toEqual([
      expect.stringMatching(/^rate limits: Redis connection: connect ECONNREFUSED/),
      expect.stringMatching(/^rate limits: cannot reach Redis yet \(.*\); not applied until it answers$/),
    ]);
    const started = Date.now();
    await expect(store.hit('k', 1, 1000)).rejects.toThrow();
    await expect(store.hit('k', 1, 1000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    await sleep(400);
    // Reconnection attempts keep failing, unsaid for 30 s.
    expect(lines.length).toBe(2);
  });

  it('keeps no key without an expiry', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await redisStore(prefix);
    await store.hit('ttl', 5, 60_000);
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.pttl(`${prefix}ttl`);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await redis.quit();
    }
  });
});
