import type { Redis } from 'ioredis';
import { closeRedis, failFastRedis } from '@portcullis/database';
import type { CounterLifetime, CounterState, CounterStore, UseOnceLedger } from './shared-state';

/**
 * One counter as a hash {c: count, t: last count} with the key's own expiry; atomic on the
 * Redis server (a script runs alone). ARGV: ttl ms, now ms, 1 = window (keep the first
 * expiry) or 0 = slide (move it). A key that lost its expiry gets one again.
 */
const ADD = `
local count = redis.call('HINCRBY', KEYS[1], 'c', 1)
redis.call('HSET', KEYS[1], 't', ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ARGV[3] == '0' or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type AddCommand = (key: string, ttlMs: number, now: number, window: 0 | 1) => Promise<[number, number]>;

/**
 * Redis (REDIS_URL) as the store every replica shares, under `keyPrefix`. Commands fail fast
 * while Redis is unreachable (no offline queue, a short timeout), so a request never waits on
 * it; each caller decides what a failure means (the replay ledger refuses, the throttles let
 * the request through and warn).
 */
export class RedisState implements UseOnceLedger, CounterStore {
  private readonly redis: Redis & { portcullisAdd: AddCommand };

  constructor(url: string, private readonly keyPrefix: string, private readonly warn: (message: string) => void) {
    let lastWarning = 0;
    const redis = failFastRedis(url, (message) => {
      // One line per ten seconds at most while Redis is away, not one per reconnect attempt.
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      warn(`shared state: ${message}`);
    });
    redis.defineCommand('portcullisAdd', { numberOfKeys: 1, lua: ADD });
    this.redis = redis as Redis & { portcullisAdd: AddCommand };
  }

  async use(key: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    // SET NX: exactly one of several concurrent first uses succeeds; the key expires with the assertion.
    const answer = await this.redis.set(this.keyPrefix + 'once:' + key, '1', 'PX', Math.max(1, expiresAt - now), 'NX');
    return answer === 'OK';
  }

  async add(key: string, ttlMs: number, lifetime: CounterLifetime, now = Date.now()): Promise<{ count: number; expiresAt: number }> {
    const [count, ttl] = await this.redis.portcullisAdd(this.counterKey(key), ttlMs, now, lifetime === 'window' ? 1 : 0);
    return { count, expiresAt: now + ttl };
  }

  async read(keys: string[]): Promise<Map<string, CounterState>> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(this.counterKey(key), 'c', 't');
    const answers = (await pipeline.exec()) ?? [];
    const out = new Map<string, CounterState>();
    answers.forEach(([err, value], i) => {
      if (err) throw err;
      const [c, t] = value as [string | null, string | null];
      if (c !== null && t !== null) out.set(keys[i], { count: Number(c), lastAt: Number(t) });
    });
    return out;
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.counterKey(key));
  }

  async connect(): Promise<void> {
    // Failing here is not fatal: the client keeps reconnecting, and each use decides meanwhile.
    await this.redis.connect().catch((err: Error) => this.warn(`shared state: cannot reach Redis yet (${err.message})`));
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }

  private counterKey(key: string): string {
    return this.keyPrefix + 'count:' + key;
  }
}
