import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { COUNTER_STORE } from '../shared-state/shared-state';
import type { CounterState, CounterStore } from '../shared-state/shared-state';

/** Counters without a failure for this long (or twice the longest delay) are forgotten. */
const FORGET_AFTER_MS = 15 * 60_000;
/** One address or one account across addresses gets this many times the free failures. */
const WIDE_FACTOR = 4;

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
 * unknown user is throttled exactly like a known one (no account enumeration). They live in
 * the counter store every replica shares (shared-state/), so a guesser gains nothing by
 * landing on another replica. When the store cannot answer, the login goes ahead unthrottled
 * and a warning is logged (fail open: an outage of Redis must not lock everyone out; the
 * password check itself still runs).
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly settings: LoginThrottleSettings;
  private readonly forgetAfterMs: number;

  constructor(
    @Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'loginMaxFailures' | 'loginDelaySeconds' | 'loginLockoutSeconds'>,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
  ) {
    this.settings = {
      freeFailures: config.loginMaxFailures,
      firstDelaySeconds: config.loginDelaySeconds,
      maxDelaySeconds: config.loginLockoutSeconds,
    };
    this.forgetAfterMs = Math.max(FORGET_AFTER_MS, 2 * config.loginLockoutSeconds * 1000);
  }

  /** Whole seconds to wait before this username may be tried from this address; 0 = now. */
  async waitSeconds(username: string, address: string, now = Date.now()): Promise<number> {
    const keys = this.keys(username, address);
    let found: Map<string, CounterState>;
    try {
      found = await this.counters.read(keys.map(([key]) => key), now);
    } catch (err) {
      this.storeFailed(err);
      return 0;
    }
    let until = 0;
    for (const [key, free] of keys) {
      const counter = found.get(key);
      if (counter) until = Math.max(until, counter.lastAt + this.delayMs(counter.count, free));
    }
    return Math.max(0, Math.ceil((until - now) / 1000));
  }

  async recordFailure(username: string, address: string, now = Date.now()): Promise<void> {
    try {
      await Promise.all(this.keys(username, address).map(([key]) => this.counters.add(key, this.forgetAfterMs, 'slide', now)));
    } catch (err) {
      this.storeFailed(err);
    }
  }

  /** A correct password clears this account at this address (not the wider counters). */
  async recordSuccess(username: string, address: string): Promise<void> {
    await this.counters.clear(pairKey(username, address)).catch((err: unknown) => this.storeFailed(err));
  }

  /**
   * An operator's unlock: forgets the account's failures over all addresses. The per-address
   * counters stay (a guesser at one address stays slowed; they cannot be listed by account).
   */
  async clearAccount(username: string): Promise<void> {
    await this.counters.clear(accountKey(username));
  }

  private storeFailed(err: unknown): void {
    this.logger.warn(`login throttle: counter store unavailable, not throttling (${err instanceof Error ? err.message : String(err)})`);
  }

  private keys(username: string, address: string): [string, number][] {
    const { freeFailures } = this.settings;
    return [
      [pairKey(username, address), freeFailures],
      [`login:address\n${address}`, freeFailures * WIDE_FACTOR],
      [accountKey(username), freeFailures * WIDE_FACTOR],
    ];
  }

  /** No delay for the free failures, then first, 2×first, 4×first … capped. */
  private delayMs(failures: number, free: number): number {
    if (failures < free) return 0;
    const { firstDelaySeconds, maxDelaySeconds } = this.settings;
    return Math.min(firstDelaySeconds * 2 ** Math.min(failures - free, 30), maxDelaySeconds) * 1000;
  }
}

function accountKey(username: string): string {
  return `login:account\n${username}`;
}

function pairKey(username: string, address: string): string {
  return `login:pair\n${username}\n${address}`;
}
