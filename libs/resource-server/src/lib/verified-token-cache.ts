import type { Principal } from './principal';

/**
 * A bounded cache of verified tokens, so a client that sends the same token on every request
 * pays for signature verification once. Keyed by the token string itself: the map lives only
 * in this process's memory, and hashing each key would cost more than the lookup.
 *
 * Each entry expires with its token (plus the clock tolerance the verifier allows, so a cache
 * hit never accepts what a fresh verification would not). Eviction is least-recently-used,
 * using a Map's insertion order. Revocation is not cached: callers check it on every hit.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; validUntil: number }>();

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
    // Refresh recency: move to the end of the insertion order.
    this.entries.delete(token);
    this.entries.set(token, entry);
    return entry.principal;
  }

  set(token: string, principal: Principal): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(token);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, validUntil: principal.expiresAt.getTime() + this.toleranceMs });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
