/**
 * What the authorization server's replicas must agree on, behind one narrow interface per
 * concern; SharedStateModule picks the engine once at start (Redis when REDIS_URL is set,
 * else the database, else this process's memory).
 */

/** Keys used once: assertion `jti`s (RFC 7523 §3 item 7). */
export interface UseOnceLedger {
  /**
   * Records `key` until `expiresAt` (epoch ms); false when it was recorded before and has not
   * expired (a replay). Two replicas recording the same key at once: exactly one gets true.
   * Throws when the store cannot answer: callers refuse the request (a replay cache fails closed).
   */
  use(key: string, expiresAt: number, now?: number): Promise<boolean>;
}

/** One counter as read back: how many, and when it was last counted (epoch ms). */
export interface CounterState {
  count: number;
  lastAt: number;
}

/**
 * How long a counter lives: `window` — a fixed window from its first count (a rate limit);
 * `slide` — until `ttlMs` after its latest count (failures forgotten after a quiet spell).
 * An expired counter starts again at 1.
 */
export type CounterLifetime = 'window' | 'slide';

/** Counters every replica adds to: the login throttle, the registration brake. */
export interface CounterStore {
  /** Adds one to `key`; answers the new count and when the counter expires (epoch ms). */
  add(key: string, ttlMs: number, lifetime: CounterLifetime, now?: number): Promise<{ count: number; expiresAt: number }>;
  /** The live counters among `keys` (absent or expired keys are left out). */
  read(keys: string[], now?: number): Promise<Map<string, CounterState>>;
  clear(key: string): Promise<void>;
}

export const USE_ONCE_LEDGER = Symbol('USE_ONCE_LEDGER');
export const COUNTER_STORE = Symbol('COUNTER_STORE');
