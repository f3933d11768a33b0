/**
 * The access tokens a resource server must refuse although their JWT still verifies, in memory
 * so that every request gets a synchronous answer:
 *
 * - by `jti` (RFC 7009 §2, a family revoked on refresh reuse, RFC 9700 §4.14.2), each kept
 *   until the token's own expiry;
 * - by client: every token of a client whose `iat` is at or before a cutoff (the client was
 *   disabled or deleted, RFC 7592 §2.3). The issuer does not record every token it mints
 *   (client_credentials tokens are not stored), so it cannot name them by `jti`; it names the
 *   instant instead. Kept until the last token the cutoff covers has expired.
 *
 * Instants are NumericDates (seconds, RFC 7519 §2), as `iat` and `exp` are. `iat` has whole
 * seconds, so "at or before" is the safe comparison: a token minted in the same second as the
 * cutoff may be one minted before it, and is refused. (The issuer makes sure a re-enabled client
 * is issued nothing in a second the cutoff covers.) Both lookups are one Map read; the client
 * read happens only while some client cutoff is held, so the common case costs one size check.
 */
export class RevokedTokens {
  private readonly jtis = new Map<string, number>();
  private readonly clients = new Map<string, ClientCutoff>();

  /** True while `jti` names a revoked token that has not expired yet. */
  isRevoked(jti: string, nowSeconds = Date.now() / 1000): boolean {
    if (this.jtis.size === 0) return false;
    const until = this.jtis.get(jti);
    if (until === undefined) return false;
    if (until <= nowSeconds) {
      this.jtis.delete(jti);
      return false;
    }
    return true;
  }

  /** True when a token of `clientId` issued at `issuedAt` (its `iat`) falls under a held client cutoff. */
  isClientRevoked(clientId: string, issuedAt: number, nowSeconds = Date.now() / 1000): boolean {
    if (this.clients.size === 0) return false;
    const cutoff = this.clients.get(clientId);
    if (cutoff === undefined) return false;
    if (cutoff.until <= nowSeconds) {
      this.clients.delete(clientId);
      return false;
    }
    return issuedAt <= cutoff.issuedThrough;
  }

  /** `until`: the latest expiry among these tokens (NumericDate). A repeated entry keeps the later. */
  revokeJtis(jtis: Iterable<string>, until: number): void {
    for (const jti of jtis) this.jtis.set(jti, Math.max(until, this.jtis.get(jti) ?? 0));
  }

  /**
   * Every token of `clientId` with `iat` ≤ `issuedThrough`, held until `until`. Cutoffs only
   * grow: an older announcement arriving late (a redelivery, the catch-up list) never shortens
   * a newer one, which would bring tokens back to life.
   */
  revokeClient(clientId: string, issuedThrough: number, until: number): void {
    const held = this.clients.get(clientId);
    this.clients.set(clientId, {
      issuedThrough: Math.max(issuedThrough, held?.issuedThrough ?? 0),
      until: Math.max(until, held?.until ?? 0),
    });
  }

  /** Drops what has expired. */
  prune(nowSeconds = Date.now() / 1000): void {
    for (const [jti, until] of this.jtis) if (until <= nowSeconds) this.jtis.delete(jti);
    for (const [clientId, cutoff] of this.clients) if (cutoff.until <= nowSeconds) this.clients.delete(clientId);
  }

  /** How many revoked `jti`s are held. */
  get size(): number {
    return this.jtis.size;
  }

  /** How many client cutoffs are held. */
  get clientCount(): number {
    return this.clients.size;
  }
}

interface ClientCutoff {
  /** NumericDate: tokens with `iat` at or before it are revoked. */
  issuedThrough: number;
  /** NumericDate: when the last token it covers has expired, and it can be forgotten. */
  until: number;
}
