import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';

/** Counters without a failure for this long (or twice the longest delay) are forgotten. */
const FORGET_AFTER_MS = 15 * 60_000;
/** Bounded memory: past this many counters, the least recently failed half is dropped at once
 * (one pass; dropping one at a time from the front of a Map is quadratic in V8). */
const MAX_COUNTERS = 50_000;
/** One address or one account across addresses gets this many times the free failures. */
const WIDE_FACTOR = 4;

interface Counter {
  failures: number;
  lastFailureAt: number;
}

export interface LoginThrottleSettings {
  /** Failures allowed without any delay (LOGIN_MAX_FAILURES). */
  freeFailures: number;
  /** The delay after the first failure past the free ones; it doubles with each further one (LOGIN_DELAY_SECONDS). */
  firstDelaySeconds: number;
  /** The longest delay (LOGIN_LOCKOUT_SECONDS). */
  maxDelaySeconds: number;
}

/**
 * Slows password guessing with growing delays instead of a hard lock (OWASP ASVS 2.2.1,
 * NIST SP 800-63B §5.2.2): after the free failures, each further failure doubles the time
 * before the next attempt is even checked, up to a cap. Three counters, the longest wait wins:
 * - one account from one address (free: LOGIN_MAX_FAILURES) — the ordinary guesser;
 * - one address over all accounts (free: 4×) — password spraying;
 * - one account over all addresses (free: 4×) — a distributed guesser.
 * So someone guessing Alice's password from their own address never delays Alice at hers,
 * and nobody can lock a person out: the worst is the capped delay.
 *
 * Counters are keyed by the username as typed, whether or not the account exists, so an
 * unknown user is throttled exactly like a known one (no account enumeration). In memory,
 * per process.
 */
@Injectable()
export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  private readonly settings: LoginThrottleSettings;
  private readonly forgetAfterMs: number;

  constructor(@Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'loginMaxFailures' | 'loginDelaySeconds' | 'loginLockoutSeconds'>) {
    this.settings = {
      freeFailures: config.loginMaxFailures,
      firstDelaySeconds: config.loginDelaySeconds,
      maxDelaySeconds: config.loginLockoutSeconds,
    };
    this.forgetAfterMs = Math.max(FORGET_AFTER_MS, 2 * config.loginLockoutSeconds * 1000);
  }

  /** Whole seconds to wait before this username may be tried from this address; 0 = now. */
  waitSeconds(username: string, address: string, now = Date.now()): number {
    let until = 0;
    for (const [key, free] of this.keys(username, address)) {
      const counter = this.current(key, now);
      if (counter) until = Math.max(until, counter.lastFailureAt + this.delayMs(counter.failures, free));
    }
    return Math.max(0, Math.ceil((until - now) / 1000));
  }

  recordFailure(username: string, address: string, now = Date.now()): void {
    for (const [key] of this.keys(username, address)) {
      const failures = (this.current(key, now)?.failures ?? 0) + 1;
      // Re-inserted so the map's order is least recently failed first.
      this.counters.delete(key);
      this.counters.set(key, { failures, lastFailureAt: now });
    }
    if (this.counters.size > MAX_COUNTERS) this.evictOldestHalf();
  }

  /** A correct password clears this account at this address (not the wider counters). */
  recordSuccess(username: string, address: string): void {
    this.counters.delete(pairKey(username, address));
  }

  private evictOldestHalf(): void {
    let excess = this.counters.size - MAX_COUNTERS / 2;
    for (const key of this.counters.keys()) {
      if (excess-- <= 0) break;
      this.counters.delete(key);
    }
  }

  private keys(username: string, address: string): [string, number][] {
    const { freeFailures } = this.settings;
    return [
      [pairKey(username, address), freeFailures],
      [`address\n${address}`, freeFailures * WIDE_FACTOR],
      [`account\n${username}`, freeFailures * WIDE_FACTOR],
    ];
  }

  private current(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && now - counter.lastFailureAt > this.forgetAfterMs) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  /** No delay for the free failures, then first, 2×first, 4×first … capped. */
  private delayMs(failures: number, free: number): number {
    if (failures < free) return 0;
    const { firstDelaySeconds, maxDelaySeconds } = this.settings;
    return Math.min(firstDelaySeconds * 2 ** Math.min(failures - free, 30), maxDelaySeconds) * 1000;
  }
}

function pairKey(username: string, address: string): string {
  return `pair\n${username}\n${address}`;
}
