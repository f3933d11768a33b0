import { Redis } from 'ioredis';

/**
 * A Redis client for state shared by replicas (rate counters, replay ledgers) that never makes
 * a request wait on Redis: connected by connect() at start, no command queued while
 * disconnected (it fails at once), a short command timeout, and reconnection at most once a
 * second for as long as it takes. What a failed command means is each caller's decision.
 * Connection errors reach `onTrouble` (callers throttle their warnings).
 */
export function failFastRedis(url: string, onTrouble: (message: string) => void): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2000,
    disconnectTimeout: 200,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  redis.on('error', (err: Error) => onTrouble(`Redis connection: ${err.message}`));
  return redis;
}

/** quit() lets pending commands finish; a client still trying to connect just stops. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
