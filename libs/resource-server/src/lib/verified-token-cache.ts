import { hash } from 'node:crypto';
import type { Principal } from './principal';

/**
 * Heap bytes one cached token costs beyond the characters of its own claims (`sub`,
 * `client_id`, `jti`): the digest key, its Map slot, the entry, the principal and its Date.
 * Scope lists are shared between tokens (the verifier interns them), so they are not counted.
 * Measured in the running mcp-server (heap after a full collection, 20,000 cached tokens
 * minus one): bench/mcp/README.md, "Bytes per cached token".
 */
export const ENTRY_OVERHEAD_BYTES = 460;

export interface VerifiedTokenCacheOptions {
  /** Memory budget: entries are evicted before their estimated bytes would exceed it. 0 disables the cache. */
  maxBytes: number;
  /** An optional cap on the number of entries as well (0 disables the cache). */
  maxEntries?: number;
  /** Allowed clock difference: an entry lives until its token's `exp` plus this, as a fresh verification would allow. */
  toleranceMs?: number;
}

interface Entry {
  principal: Principal;
  validUntil: number;
  bytes: number;
  /** Hit since the eviction hand last passed it. */
  used: boolean;
}

/**
 * A memory-bounded cache of verified tokens, so a client that sends the same token on every
 * request pays for signature verification once.
 *
 * Keyed by the SHA-256 digest of the whole token (32 bytes, as a one-byte string), not the
 * token (~600 characters): that keeps an entry small, and only the exact token that was
 * verified can hit its entry — a different header or payload under a copied signature has
 * another digest. One digest costs about as much as V8 hashing the long token string would.
 *
 * Each entry expires with its token (plus the clock tolerance the verifier allows, so a cache
 * hit never accepts what a fresh verification would not). Revocation is not cached: callers
 * check it on every hit.
 *
 * Eviction is "second chance" (CLOCK), an approximation of least-recently-used: a hit only
 * marks its entry, and when the budget is reached the oldest entries that were used since they
 * were last looked at go round once more. A hit is one digest and one Map lookup.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly toleranceMs: number;
  private bytes = 0;

  constructor(options: VerifiedTokenCacheOptions) {
    this.maxBytes = options.maxBytes;
    this.maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
    this.toleranceMs = options.toleranceMs ?? 0;
  }

  get(token: string, now = Date.now()): Principal | undefined {
    const key = digest(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.validUntil <= now) {
      this.remove(key, entry);
      return undefined;
    }
    entry.used = true;
    return entry.principal;
  }

  set(token: string, principal: Principal): void {
    const bytes = entryBytes(principal);
    if (bytes > this.maxBytes || this.maxEntries <= 0) return;
    const key = digest(token);
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.makeRoom(bytes);
    this.entries.set(key, { principal, validUntil: principal.expiresAt.getTime() + this.toleranceMs, bytes, used: false });
    this.bytes += bytes;
  }

  /** How many tokens are cached. */
  get size(): number {
    return this.entries.size;
  }

  /** The estimated heap bytes of the cached entries (what the budget bounds). */
  get estimatedBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Evicts until `bytes` more fit; each entry gets at most one second chance per pass. */
  private makeRoom(bytes: number): void {
    let secondChances = this.entries.size;
    while (this.entries.size > 0 && (this.bytes + bytes > this.maxBytes || this.entries.size >= this.maxEntries)) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldest);
      if (entry.used && secondChances-- > 0) {
        entry.used = false;
        this.entries.set(oldest, entry);
      } else {
        this.bytes -= entry.bytes;
      }
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** The token's SHA-256 as a 32-character one-byte ('binary', i.e. latin1) string: the smallest key V8 stores for it. */
function digest(token: string): string {
  return hash('sha256', token, 'binary');
}

/** Estimated heap bytes of one entry: the measured overhead plus its claims' characters. */
function entryBytes(principal: Principal): number {
  return ENTRY_OVERHEAD_BYTES + principal.subject.length + principal.clientId.length + principal.jti.length;
}
