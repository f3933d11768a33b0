import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { OAuthError } from '@portcullis/oauth';
import { type AccessDenial, bearerRequestProblem, type Principal, TokenRejected } from '@portcullis/resource-server';
import { satisfiesScopes } from '@portcullis/scopes';
import type { FastifyRequest } from 'fastify';
import { GatewayAudit } from '../audit/gateway-audit.service';
import { type Upstream, UpstreamRegistry } from '../upstreams/upstream-registry';
import { INVALID_REQUEST, JsonRpcRefusal, UNKNOWN_TOOL } from './json-rpc-refusal';
import { MalformedMcpBody, type McpBody, readMcpBody } from './mcp-body';

/** What the guard leaves on the request for the handler. */
export interface GatewayRequest extends FastifyRequest {
  upstream: Upstream;
  user: Principal;
  mcp?: McpBody;
}

/**
 * Each upstream is its own protected resource: the bearer token must be a valid RFC 9068 token
 * for that upstream's resource identifier (RFC 8707, RFC 9068 §4), with the connect scopes and
 * the scopes of every tool, resource and prompt the body uses. Refusals are the
 * libs/resource-server challenges (RFC 6750 §3, RFC 9728 §5.1) naming that upstream's metadata,
 * and each is audited before it is answered. What the policy denies is refused without a
 * challenge: no scope would help.
 */
@Injectable()
export class UpstreamAccessGuard implements CanActivate {
  private readonly logger = new Logger('UpstreamAccessGuard');

  constructor(
    @Inject(UpstreamRegistry) private readonly upstreams: UpstreamRegistry,
    @Inject(GatewayAudit) private readonly audit: GatewayAudit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GatewayRequest>();
    const upstream = this.upstreams.get((request.params as { upstream?: unknown }).upstream);
    request.upstream = upstream;
    const { challenges } = upstream;
    const problem = bearerRequestProblem(request);
    if (problem) return this.refuse(request, challenges.invalidRequest(problem), 'invalid_request', []);
    // A malformed body is answered only once the caller is authenticated (401 first, as always).
    const read = request.method === 'POST' ? this.readBody(request) : undefined;
    const body = read instanceof JsonRpcRefusal ? undefined : read;
    request.mcp = body;
    const required = this.requiredScopes(upstream, body);
    const token = bearerToken(request.headers.authorization);
    if (!token) return this.refuse(request, challenges.missingToken(required), 'missing_token', required);
    const result = await upstream.verifier.verify(token);
    if (!result.ok) {
      if (result.reason === 'keys_unavailable') this.logger.warn(`cannot verify tokens: ${result.detail ?? result.reason}`);
      const rejection = new TokenRejected(result.reason, result.detail, result.principal);
      return this.refuse(request, challenges.invalidToken(rejection, required), result.reason, required, result.principal);
    }
    const principal = result.principal;
    if (read instanceof JsonRpcRefusal) throw read;
    const denied = body?.uses.find((use) => upstream.policy.decide(use.capability, use.name).kind === 'denied');
    if (denied) {
      // Named like something the server does not have: its listing never shows it either.
      const refusal = new JsonRpcRefusal(403, UNKNOWN_TOOL, `Unknown ${denied.capability}: ${denied.name}`, denied.id ?? null);
      return this.refuse(request, refusal, 'denied_by_policy', [], principal);
    }
    if (!satisfiesScopes(principal.scopes, required)) {
      return this.refuse(request, challenges.insufficientScope(required), 'insufficient_scope', required, principal);
    }
    request.user = principal;
    return true;
  }

  private readBody(request: GatewayRequest): McpBody | JsonRpcRefusal {
    try {
      return readMcpBody(request.body);
    } catch (err) {
      if (err instanceof MalformedMcpBody) return new JsonRpcRefusal(400, INVALID_REQUEST, `Invalid Request: ${err.message}`);
      throw err;
    }
  }

  /** The connect scopes, and the scopes of everything the body uses (MCP: all of them in one challenge). */
  private requiredScopes(upstream: Upstream, body: McpBody | undefined): readonly string[] {
    const scopes = new Set(upstream.declaration.connectScopes);
    for (const use of body?.uses ?? []) {
      const decision = upstream.policy.decide(use.capability, use.name);
      if (decision.kind === 'scopes') for (const scope of decision.scopes) scopes.add(scope);
    }
    return [...scopes];
  }

  private async refuse(
    request: GatewayRequest,
    error: OAuthError,
    reason: GatewayDenial['reason'],
    requiredScopes: readonly string[],
    principal?: Principal,
  ): Promise<never> {
    const denial: GatewayDenial = { status: error.status as AccessDenial['status'], reason, description: error.description, requiredScopes, ...(principal ? { principal } : {}) };
    await this.audit.accessDenied(denial, request);
    throw error;
  }
}

/** A refusal of the gateway: the bearer guard's reasons, and its own policy's. */
export type GatewayDenial = Omit<AccessDenial, 'reason'> & { reason: AccessDenial['reason'] | 'denied_by_policy' };

/** RFC 6750 §2.1 after bearerRequestProblem vetted the header's shape: `Bearer <token>`, the scheme in any case. */
function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  return space > 0 && header.slice(0, space).toLowerCase() === 'bearer' ? header.slice(space + 1) : undefined;
}
