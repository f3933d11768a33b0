import { Logger } from '@nestjs/common';
import { OAuthError } from '@portcullis/oauth';
import type { CounterStore } from '../../shared-state/shared-state';

export interface FloodGuardOptions {
  /** Open registrations accepted per address within one window; 0 turns the brake off. */
  limit: number;
  windowMs: number;
}

/** Open registration, 30 per minute per address: plenty for people, a brake on scripts. */
export const DEFAULT_REGISTRATION_FLOOD_LIMIT: FloodGuardOptions = { limit: 30, windowMs: 60_000 };

/**
 * A per-address brake on open registration (RFC 7591 §5: the server "may wish to ... limit
 * the rate" of anonymous registrations): a fixed window per address, counted in the store
 * every replica shares (shared-state/). It stops a flood of junk clients from one address; it
 * is not an accounting system, so when the store cannot answer the registration goes ahead
 * and a warning is logged (fail open). Trusted registrations (initial access token) are not counted.
 */
export class RegistrationFloodGuard {
  private readonly logger = new Logger(RegistrationFloodGuard.name);

  constructor(
    private readonly counters: CounterStore,
    private readonly options: FloodGuardOptions = DEFAULT_REGISTRATION_FLOOD_LIMIT,
  ) {}

  /** Counts one registration from `address`; throws 429 when the window is full. */
  async admit(address: string, now = Date.now()): Promise<void> {
    if (this.options.limit <= 0) return;
    let window: { count: number; expiresAt: number };
    try {
      window = await this.counters.add(`registration\n${address}`, this.options.windowMs, 'window', now);
    } catch (err) {
      this.logger.warn(`registration brake: counter store unavailable, not counting (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    if (window.count > this.options.limit) {
      const retryAfter = Math.max(1, Math.ceil((window.expiresAt - now) / 1000));
      throw new OAuthError('temporarily_unavailable', 'too many registrations from this address; try again later', 429, {
        'Retry-After': String(retryAfter),
      });
    }
  }
}
