import { AuthorizationCodeEntity } from '../authorization-code.entity';

/** Enough for every code issued in a busy code lifetime; beyond it the oldest are forgotten. */
const DEFAULT_CAPACITY = 20_000;

/**
 * The authorization codes this process issued and has not yet seen exchanged, by digest. A
 * code is exchanged seconds after it is issued, usually by the process that issued it: with
 * its row at hand the exchange needs one statement (consume the code and record the tokens
 * together) instead of reading the row first. The database stays the only authority — the
 * statement consumes the code only if it is still unused and unexpired, and locks the grant —
 * so a miss (another replica issued it, a restart, eviction) only costs the slower path.
 *
 * Rows are immutable copies; nothing secret is held (codes are known here only by digest).
 */
export class RecentCodes {
  private readonly rows = new Map<string, AuthorizationCodeEntity>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  remember(row: AuthorizationCodeEntity): void {
    if (this.rows.size >= this.capacity) this.makeRoom();
    this.rows.set(row.codeHash, row);
  }

  /** The row, removed: a code gets one fast attempt, whatever its outcome. */
  take(codeHash: string, now = Date.now()): AuthorizationCodeEntity | undefined {
    const row = this.rows.get(codeHash);
    if (!row) return undefined;
    this.rows.delete(codeHash);
    return row.expiresAt > now ? row : undefined;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Drops expired rows, then the oldest (Map order is insertion order) down to 90 % of capacity. */
  private makeRoom(now = Date.now()): void {
    for (const [hash, row] of this.rows) if (row.expiresAt <= now) this.rows.delete(hash);
    const target = Math.floor(this.capacity * 0.9);
    for (const hash of this.rows.keys()) {
      if (this.rows.size <= target) break;
      this.rows.delete(hash);
    }
  }
}
