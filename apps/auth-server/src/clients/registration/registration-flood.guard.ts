import { OAuthError } from '@portcullis/oauth';

export interface FloodGuardOptions {
  /** Open registrations accepted per address within one window; 0 turns the brake off. */
  limit: number;
  windowMs: number;
}

/** Open registration, 30 per minute per address: plenty for people, a brake on scripts. */
export const DEFAULT_REGISTRATION_FLOOD_LIMIT: FloodGuardOptions = { limit: 30, windowMs: 60_000 };

/** Addresses remembered at most; the oldest windows are dropped first. */
const MAX_TRACKED = 10_000;

/**
 * A per-address brake on open registration (RFC 7591 §5: the server "may wish to ... limit
 * the rate" of anonymous registrations). In memory, per process: it stops a flood of junk
 * clients from one address, it is not an accounting system. Trusted registrations (initial
 * access token) are not counted.
 */
export class RegistrationFloodGuard {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: FloodGuardOptions = DEFAULT_REGISTRATION_FLOOD_LIMIT) {}

  /** Counts one registration from `address`; throws 429 when the window is full. */
  admit(address: string, now = Date.now()): void {
    if (this.options.limit <= 0) return;
    let window = this.windows.get(address);
    if (!window || now - window.start >= this.options.windowMs) {
      this.windows.delete(address);
      if (this.windows.size >= MAX_TRACKED) this.windows.delete(this.windows.keys().next().value as string);
      window = { start: now, count: 0 };
      this.windows.set(address, window);
    }
    if (window.count >= this.options.limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000));
      throw new OAuthError('temporarily_unavailable', 'too many registrations from this address; try again later', 429, {
        'Retry-After': String(retryAfter),
      });
    }
    window.count++;
  }
}
