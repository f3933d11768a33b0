import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { GatewayUpstream, RateLimit } from '@portcullis/gateway-config';
import { sha256Base64Url } from '@portcullis/oauth';
import type { Principal } from '@portcullis/resource-server';
import { type RateStore, throttledWarning } from './rate-store';

/** The rate store of this process: in memory, or Redis when REDIS_URL is set (AppModule decides). */
export const RATE_STORE = Symbol('RATE_STORE');

export type RateLimitName = 'perSubject' | 'perClient';

export interface RateRefusal {
  limit: RateLimitName;
  rule: RateLimit;
  /** RFC 9110 §10.2.3: whole seconds until the window that refused ends, at least 1. */
  retryAfterSeconds: number;
}

/**
 * The limits of each upstream from the gateway file: its rate limits, counted in the rate
 * store (shared by every replica with Redis), and its concurrency cap, counted in this process.
 *
 * When the store fails (Redis down or slow), the rate limits are not applied and a warning is
 * logged at most every 30 s: authentication and policy still hold, and the limits exist to
 * protect upstreams from overuse, not to decide who may do what; failing closed would turn a
 * Redis outage into a refusal of every request by every replica.
 */
@Injectable()
export class UpstreamLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('limits');
  private readonly storeFailed = throttledWarning((m) => this.logger.warn(m));
  private readonly open = new Map<string, number>();

  constructor(@Inject(RATE_STORE) private readonly store: RateStore) {}

  /** Counts the request against the upstream's rate limits: the refusal that waits longest, if any refuses. */
  async checkRates(upstream: GatewayUpstream, principal: Principal): Promise<RateRefusal | undefined> {
    const { perSubject, perClient } = upstream.limits;
    const refusals = await Promise.all([
      perSubject ? this.check(upstream.name, 'perSubject', perSubject, principal.subject) : undefined,
      perClient ? this.check(upstream.name, 'perClient', perClient, principal.clientId) : undefined,
    ]);
    let longest: RateRefusal | undefined;
    for (const refusal of refusals) if (refusal && (!longest || refusal.retryAfterSeconds > longest.retryAfterSeconds)) longest = refusal;
    return longest;
  }

  /**
   * Takes one of the upstream's concurrent slots in this process: the release (idempotent), or
   * undefined when all are taken. Without `maxConcurrent`, nothing is counted.
   */
  acquire(upstream: GatewayUpstream): (() => void) | undefined {
    const max = upstream.limits.maxConcurrent;
    if (max === undefined) return () => undefined;
    const open = this.open.get(upstream.name) ?? 0;
    if (open >= max) return undefined;
    this.open.set(upstream.name, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open.set(upstream.name, (this.open.get(upstream.name) ?? 1) - 1);
    };
  }

  /** Requests open to the upstream through this process (tests, diagnostics). */
  openRequests(upstream: string): number {
    return this.open.get(upstream) ?? 0;
  }

  onModuleInit(): Promise<void> {
    return this.store.connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }

  private async check(upstream: string, limit: RateLimitName, rule: RateLimit, who: string): Promise<RateRefusal | undefined> {
    // A digest: the store holds no subject or client_id, and every key has the same short length.
    const key = `${upstream}:${limit === 'perSubject' ? 'sub' : 'client'}:${sha256Base64Url(who)}`;
    try {
      const decision = await this.store.hit(key, rule.requests, rule.perSeconds * 1000);
      if (decision.allowed) return undefined;
      return { limit, rule, retryAfterSeconds: Math.max(1, Math.ceil(decision.resetMs / 1000)) };
    } catch (err) {
      this.storeFailed(`rate limits not applied: the rate store failed (${(err as Error).message})`);
      return undefined;
    }
  }
}
