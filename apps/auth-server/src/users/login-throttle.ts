import { Injectable } from '@nestjs/common';

const WINDOW_MS = 5 * 60_000;
const MAX_FAILURES_PER_WINDOW = 20;

/**
 * Slows password guessing from one client address across many usernames (the per-account
 * lockout in UsersService covers one username from many addresses). In memory, per process:
 * a soft limit, not a security boundary on its own.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  isBlocked(address: string, now = Date.now()): boolean {
    return this.recent(address, now).length >= MAX_FAILURES_PER_WINDOW;
  }

  recordFailure(address: string, now = Date.now()): void {
    const list = this.recent(address, now);
    list.push(now);
    this.failures.set(address, list);
    if (this.failures.size > 50_000) this.failures.clear();
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => now - t < WINDOW_MS);
  }
}
