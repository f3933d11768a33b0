/** What a rate store answers for one counted request. */
export interface RateDecision {
  allowed: boolean;
  /** Milliseconds until this key's window ends (its counter starts again). */
  resetMs: number;
}

/**
 * Counts requests per key in fixed windows: the first request of a key starts its window of
 * `windowMs`, every request in it (refused ones too) adds one, and past `limit` the answer is
 * a refusal until the window ends. Implementations must be atomic: two replicas (or two
 * concurrent requests) never both get the last slot.
 */
export interface RateStore {
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  /** At start: ready to count (a store that cannot connect says so and keeps trying; it never throws). */
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** Past this many keys, expired windows are swept before a new key is added. */
const SWEEP_ABOVE = 50_000;

/** The default store: one process's memory (enough for one gateway; replicas need the Redis store). */
export class MemoryRateStore implements RateStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (!window && this.windows.size >= SWEEP_ABOVE) this.sweep(now);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit, resetMs: window.endsAt - now };
  }

  /** How many windows are kept (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  async connect(): Promise<void> {
    return undefined;
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** A warning said at most once per `intervalMs` (a failing store must not flood the log). */
export function throttledWarning(warn: (message: string) => void, intervalMs = 30_000): (message: string) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    warn(suppressed ? `${message} (and ${suppressed} more since the last warning)` : message);
    last = now;
    suppressed = 0;
  };
}
