import { RevokedTokens } from '@portcullis/oauth';
import type { Principal } from './principal';

/**
 * Revoked tokens the resource server must refuse even though the JWT still verifies.
 * Consulted synchronously on every request (cache hits included), so lookups must be in
 * memory. The authorization server announces revocations on the broker; a consumer feeds
 * them into an implementation of this interface (libs/events RevocationListener).
 */
export interface RevocationList {
  /** The token named `jti` was revoked (RFC 7009). */
  isRevoked(jti: string): boolean;
  /**
   * Every token of `clientId` issued at or before some instant was revoked, and `issuedAt`
   * (the token's `iat`, NumericDate) is at or before it: the client was disabled or deleted.
   */
  isClientRevoked(clientId: string, issuedAt: number): boolean;
}

/** Whether a verified token is refused by `list`, by its `jti` or as one of its client's. */
export function isRevokedPrincipal(list: RevocationList, principal: Principal): boolean {
  return list.isRevoked(principal.jti) || list.isClientRevoked(principal.clientId, principal.issuedAt);
}

/** Injection token for the RevocationList a ResourceServerModule uses. */
export const REVOCATION_LIST = Symbol('REVOCATION_LIST');

/**
 * In-memory list. Each entry is kept until the token it names would have expired anyway;
 * after that the JWT is refused for its `exp`, so the entry can go.
 */
export class InMemoryRevocationList implements RevocationList {
  private readonly revoked = new RevokedTokens();

  isRevoked(jti: string): boolean {
    return this.revoked.isRevoked(jti);
  }

  isClientRevoked(clientId: string, issuedAt: number): boolean {
    return this.revoked.isClientRevoked(clientId, issuedAt);
  }

  /** `expiresAt`: when the revoked token expires; unknown → kept for `fallbackTtlMs`. */
  revoke(jti: string, expiresAt?: Date, fallbackTtlMs = 24 * 3600_000): void {
    this.revoked.revokeJtis([jti], (expiresAt ? expiresAt.getTime() : Date.now() + fallbackTtlMs) / 1000);
  }

  /** Every token of `clientId` issued at or before `issuedThrough` (NumericDate), kept until `until`. */
  revokeClient(clientId: string, issuedThrough: number, until: Date): void {
    this.revoked.revokeClient(clientId, issuedThrough, until.getTime() / 1000);
  }

  /** Drops entries whose tokens have expired. */
  prune(now = Date.now()): void {
    this.revoked.prune(now / 1000);
  }

  get size(): number {
    return this.revoked.size;
  }
}
