import type { CounterLifetime, CounterState, CounterStore, UseOnceLedger } from './shared-state';

/** Past this many entries, expired ones are swept, then the oldest half dropped in one pass. */
const MAX_ENTRIES = 50_000;

interface Entry extends CounterState {
  expiresAt: number;
}

/**
 * This process's memory: the store of a single process (SQLite, `npm start`). Bounded: expired
 * entries are swept and, past MAX_ENTRIES, the least recently counted half is forgotten (Map
 * order is insertion order, and every count re-inserts). A replica's memory is its own, so
 * several replicas need the database or Redis.
 */
export class MemoryState implements UseOnceLedger, CounterStore {
  private entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  async use(key: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    const known = this.live(key, now);
    if (known) return false;
    this.put(key, { count: 1, lastAt: now, expiresAt }, now);
    return true;
  }

  async add(key: string, ttlMs: number, lifetime: CounterLifetime, now = Date.now()): Promise<{ count: number; expiresAt: number }> {
    const known = this.live(key, now);
    const count = (known?.count ?? 0) + 1;
    const expiresAt = known && lifetime === 'window' ? known.expiresAt : now + ttlMs;
    this.put(key, { count, lastAt: now, expiresAt }, now);
    return { count, expiresAt };
  }

  async read(keys: string[], now = Date.now()): Promise<Map<string, CounterState>> {
    const out = new Map<string, CounterState>();
    for (const key of keys) {
      const entry = this.live(key, now);
      if (entry) out.set(key, { count: entry.count, lastAt: entry.lastAt });
    }
    return out;
  }

  async clear(key: string): Promise<void> {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > now ? entry : undefined;
  }

  private put(key: string, entry: Entry, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.makeRoom(now);
  }

  private makeRoom(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    let excess = this.entries.size - Math.floor(this.maxEntries / 2);
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
    }
  }
}
