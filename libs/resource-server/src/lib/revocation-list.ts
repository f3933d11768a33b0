/**
 * Revoked token ids the resource server must refuse even though the JWT still verifies.
 * Consulted synchronously on every request (cache hits included), so lookups must be in
 * memory. The authorization server announces revocations on the broker; a consumer feeds
 * them into an implementation of this interface.
 */
export interface RevocationList {
  isRevoked(jti: string): boolean;
}

/** Injection token for the RevocationList a ResourceServerModule uses. */
export const REVOCATION_LIST = Symbol('REVOCATION_LIST');

/**
 * In-memory list. Each entry is kept until the token it names would have expired anyway;
 * after that the JWT is refused for its `exp`, so the entry can go.
 */
export class InMemoryRevocationList implements RevocationList {
  private readonly revoked = new Map<string, number>();

  isRevoked(jti: string): boolean {
    if (this.revoked.size === 0) return false;
    const until = this.revoked.get(jti);
    if (until === undefined) return false;
    if (until <= Date.now()) {
      this.revoked.delete(jti);
      return false;
    }
    return true;
  }

  /** `expiresAt`: when the revoked token expires; unknown → kept for `fallbackTtlMs`. */
  revoke(jti: string, expiresAt?: Date, fallbackTtlMs = 24 * 3600_000): void {
    this.revoked.set(jti, expiresAt ? expiresAt.getTime() : Date.now() + fallbackTtlMs);
  }

  /** Drops entries whose tokens have expired. */
  prune(now = Date.now()): void {
    for (const [jti, until] of this.revoked) if (until <= now) this.revoked.delete(jti);
  }

  get size(): number {
    return this.revoked.size;
  }
}
