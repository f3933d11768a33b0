import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type AccessDenial, type BearerChallenges, type BearerGuardedRequest, PassportBearerGuard, type Principal } from '@portcullis/resource-server';
import type { FastifyRequest } from 'fastify';
import { GatewayAudit } from '../audit/gateway-audit.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { type Upstream, UpstreamRegistry } from '../upstreams/upstream-registry';
import { INVALID_REQUEST, JsonRpcRefusal, UNKNOWN_TOOL } from './json-rpc-refusal';
import { MalformedMcpBody, type McpBody, readMcpBody } from './mcp-body';
import { UPSTREAM_BEARER_STRATEGY } from './upstream-bearer.strategy';

/** What the guard leaves on the request for the handler. */
export interface GatewayRequest extends FastifyRequest {
  upstream: Upstream;
  user: Principal;
  mcp?: McpBody;
  /** A JSON body as the client sent it (bootstrap.ts), passed upstream byte for byte. */
  rawJson?: string;
}

/** A refusal of the gateway: the bearer guard's reasons, and its own policy's. */
export type GatewayDenial = AccessDenial<'denied_by_policy'>;

/**
 * Each upstream is its own protected resource: the bearer token must be a valid RFC 9068 token
 * for that upstream's resource identifier (RFC 8707, RFC 9068 §4), with the connect scopes and
 * the scopes of every tool, resource and prompt the body uses. Passport runs the gateway's
 * bearer strategy, which verifies with that upstream's verifier; refusals are the
 * libs/resource-server challenges (RFC 6750 §3, RFC 9728 §5.1) naming that upstream's metadata,
 * and each is audited before it is answered. What the policy denies is refused without a
 * challenge: no scope would help.
 */
@Injectable()
export class UpstreamAccessGuard extends PassportBearerGuard(UPSTREAM_BEARER_STRATEGY)<'denied_by_policy'> {
  /** A body no MCP server could answer, answered only once its caller is authenticated (401 first, as always). */
  private readonly malformed = new WeakMap<object, JsonRpcRefusal>();

  constructor(
    @Inject(UpstreamRegistry) private readonly upstreams: UpstreamRegistry,
    @Inject(GatewayAudit) private readonly audit: GatewayAudit,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
  ) {
    super();
  }

  /** The upstream and the body first: they decide the verifier, the challenges and the scopes. */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GatewayRequest>();
    request.upstream = this.upstreams.get((request.params as { upstream?: unknown }).upstream);
    const read = request.method === 'POST' ? this.readBody(request) : undefined;
    if (read instanceof JsonRpcRefusal) this.malformed.set(request, read);
    else request.mcp = read;
    return super.canActivate(context);
  }

  protected override authorize(principal: Principal, required: readonly string[], request: BearerGuardedRequest): void | Promise<void> {
    const malformed = this.malformed.get(request);
    if (malformed) throw malformed;
    const { upstream, mcp } = request as GatewayRequest;
    const denied = mcp?.uses.find((use) => upstream.policy.decide(use.capability, use.name).kind === 'denied');
    if (denied) {
      // Named like something the server does not have: its listing never shows it either.
      const refusal = new JsonRpcRefusal(403, UNKNOWN_TOOL, `Unknown ${denied.capability}: ${denied.name}`, denied.id ?? null);
      throw this.refusal(refusal, 'denied_by_policy', [], principal);
    }
    return super.authorize(principal, required, request);
  }

  protected override challengesFor(request: BearerGuardedRequest): BearerChallenges {
    return (request as GatewayRequest).upstream.challenges;
  }

  /** Counted, then recorded by GatewayAudit (which never throws). */
  protected override report(denial: GatewayDenial, request: BearerGuardedRequest): Promise<void> {
    this.metrics.denied((request as Partial<GatewayRequest>).upstream, denial.reason);
    return this.audit.accessDenied(denial, request as GatewayRequest);
  }

  /** The connect scopes, and the scopes of everything the body uses (MCP: all of them in one challenge). */
  protected override requiredScopes(_context: ExecutionContext, request: BearerGuardedRequest): readonly string[] {
    const { upstream, mcp } = request as GatewayRequest;
    const scopes = new Set(upstream.declaration.connectScopes);
    for (const use of mcp?.uses ?? []) {
      const decision = upstream.policy.decide(use.capability, use.name);
      if (decision.kind === 'scopes') for (const scope of decision.scopes) scopes.add(scope);
    }
    return [...scopes];
  }

  private readBody(request: GatewayRequest): McpBody | JsonRpcRefusal {
    try {
      return readMcpBody(request.body);
    } catch (err) {
      if (err instanceof MalformedMcpBody) return new JsonRpcRefusal(400, INVALID_REQUEST, `Invalid Request: ${err.message}`);
      throw err;
    }
  }
}
