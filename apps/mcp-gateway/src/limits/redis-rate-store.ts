import type { Redis } from 'ioredis';
import { closeRedis, failFastRedis } from '@portcullis/database';
import { type RateDecision, type RateStore, throttledWarning } from './rate-store';

/**
 * One round trip, atomic on the Redis server (a script runs alone): count the request, start
 * the window on the first one, and answer the count with the time left. A key that somehow
 * lost its expiry gets one again, so no counter outlives its window.
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>;

/**
 * The store shared by every gateway replica: counters in Redis (REDIS_URL), under
 * `keyPrefix`. Commands fail fast while Redis is unreachable (no offline queue, a short
 * timeout) so that a request never waits on it; what the limiter does then is its decision.
 */
export class RedisRateStore implements RateStore {
  private readonly redis: Redis & { portcullisHit: HitCommand };
  private readonly warn: (message: string) => void;

  constructor(url: string, private readonly keyPrefix: string, warn: (message: string) => void) {
    this.warn = warn;
    const connectionTrouble = throttledWarning(warn);
    const redis = failFastRedis(url, (message) => connectionTrouble(`rate limits: ${message}`));
    redis.defineCommand('portcullisHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as Redis & { portcullisHit: HitCommand };
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const [count, ttl] = await this.redis.portcullisHit(this.keyPrefix + key, windowMs);
    return { allowed: count <= limit, resetMs: ttl };
  }

  async connect(): Promise<void> {
    // Failing here only delays the limits: the client keeps reconnecting (retryStrategy).
    await this.redis.connect().catch((err: Error) => this.warn(`rate limits: cannot reach Redis yet (${err.message}); not applied until it answers`));
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}
