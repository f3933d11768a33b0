import type { Principal } from './principal';

/**
 * A bounded cache of verified tokens, so a client that sends the same token on every request
 * pays for signature verification once. Keyed by the token string itself: the map lives only
 * in this process's memory, and hashing each key would cost more than the lookup.
 *
 * Each entry expires with its token (plus the clock tolerance the verifier allows, so a cache
 * hit never accepts what a fresh verification would not). Revocation is not cached: callers
 * check it on every hit.
 *
 * Eviction is "second chance" (CLOCK), an approximation of least-recently-used: a hit only
 * marks its entry, and when the cache is full the oldest entries that were used since they
 * were last looked at go round once more. A hit is one Map lookup — a strict LRU would delete
 * and re-insert the entry (hashing the long token twice more) on every request.
 */
interface Entry {
  principal: Principal;
  validUntil: number;
  /** Hit since the eviction hand last passed it. */
  used: boolean;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly toleranceMs = 0,
  ) {}

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.validUntil <= now) {
      this.entries.delete(token);
      return undefined;
    }
    entry.used = true;
    return entry.principal;
  }

  set(token: string, principal: Principal): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(token);
    // Bounded: each entry gets at most one second chance per pass.
    for (let looked = 0; this.entries.size >= this.maxEntries; looked++) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldest);
      if (entry.used && looked < this.maxEntries) {
        entry.used = false;
        this.entries.set(oldest, entry);
      }
    }
    this.entries.set(token, { principal, validUntil: principal.expiresAt.getTime() + this.toleranceMs, used: false });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
