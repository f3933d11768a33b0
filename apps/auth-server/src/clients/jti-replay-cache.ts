/**
 * The `jti` values of client assertions seen so far, each kept until its assertion expires
 * (RFC 7523 §3 item 7: the server may reject a reused `jti`; it only needs to remember it as
 * long as the assertion could be accepted). Expired entries are swept at most once a
 * `sweepEveryMs`, so memory stays proportional to the assertions live at one time.
 */
export class JtiReplayCache {
  private readonly expiries = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly sweepEveryMs = 10_000) {}

  /** Records the key; false when it is already recorded and not yet expired (a replay). */
  remember(key: string, expiresAt: number, now = Date.now()): boolean {
    this.sweep(now);
    const known = this.expiries.get(key);
    if (known !== undefined && known > now) return false;
    this.expiries.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.sweepEveryMs;
    for (const [key, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(key);
  }
}
