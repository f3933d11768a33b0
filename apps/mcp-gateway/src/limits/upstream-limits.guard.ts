import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayErrorCode, JsonRpcRefusal } from '../access/json-rpc-refusal';
import type { GatewayRequest } from '../access/upstream-access.guard';
import type { LimitRefusalRecord } from '../audit/gateway-audit.service';
import { LimitDenials } from './limit-denials';
import { UpstreamLimiter } from './upstream-limiter';
import { GatewayMetrics } from '../metrics/gateway-metrics';

/** How soon a client refused by the concurrency cap may try again (RFC 9110 §10.2.3). */
const OVER_CAPACITY_RETRY_SECONDS = 1;

/**
 * The upstream's limits, after authentication (UpstreamAccessGuard runs first: a limit counts
 * only callers it knows, and an anonymous flood is refused with 401 before any counter moves).
 * Over a rate limit: 429 with `Retry-After` (RFC 6585 §4) and a JSON-RPC error naming the
 * limit. At the concurrency cap: 503 with `Retry-After` (RFC 9110 §15.6.4), at once rather
 * than queued, so a client never waits without knowing why. An admitted request holds its
 * slot until its response is over: a stream while it is open, and an aborted one frees it
 * when the client goes away.
 */
@Injectable()
export class UpstreamLimitsGuard implements CanActivate {
  constructor(
    @Inject(UpstreamLimiter) private readonly limiter: UpstreamLimiter,
    @Inject(LimitDenials) private readonly denials: LimitDenials,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GatewayRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const upstream = request.upstream.declaration;
    const rate = await this.limiter.checkRates(upstream, request.user);
    if (rate) {
      const per = rate.limit === 'perSubject' ? 'subject' : 'client';
      const description = `rate limit of upstream ${upstream.name} reached: ${rate.rule.requests} requests per ${rate.rule.perSeconds} s per ${per}`;
      this.metrics.denied(request.upstream, 'rate_limited');
      await this.denials.record(this.refusal(request, 429, 'rate_limited', description), request.id);
      throw new JsonRpcRefusal(429, GatewayErrorCode.RateLimited, `Too Many Requests: ${description}`, singleId(request.body), {
        'retry-after': String(rate.retryAfterSeconds),
      });
    }
    const release = this.limiter.acquire(upstream);
    if (!release) {
      const description = `upstream ${upstream.name} has ${upstream.limits.maxConcurrent} requests open through this gateway, its limit`;
      this.metrics.denied(request.upstream, 'over_capacity');
      await this.denials.record(this.refusal(request, 503, 'over_capacity', description), request.id);
      throw new JsonRpcRefusal(503, GatewayErrorCode.OverCapacity, `Service Unavailable: ${description}`, singleId(request.body), {
        'retry-after': String(OVER_CAPACITY_RETRY_SECONDS),
      });
    }
    // 'close' comes once the response is over, or as soon as the client goes away.
    if (reply.raw.destroyed) release();
    else reply.raw.once('close', release);
    return true;
  }

  private refusal(request: GatewayRequest, status: 429 | 503, reason: LimitRefusalRecord['reason'], description: string): LimitRefusalRecord {
    const tool = request.mcp?.uses.find((use) => use.capability === 'tool')?.name;
    return {
      status,
      reason,
      description,
      upstream: request.upstream.declaration.name,
      principal: request.user,
      ...(request.mcp?.method ? { method: request.mcp.method } : {}),
      ...(tool ? { tool } : {}),
    };
  }
}

/** The `id` of a body that is one JSON-RPC request, for the error's `id` (JSON-RPC 2.0 §5). */
function singleId(body: unknown): string | number | null {
  const id = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
