import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { satisfiesScopes } from '@portcullis/scopes';
import { BearerChallenges } from './bearer-challenges';
import { BEARER_STRATEGY } from './bearer.strategy';
import { type Principal, TokenRejected } from './principal';
import { REQUIRED_SCOPES, REQUIRED_SCOPES_RESOLVER, type RequiredScopesResolver } from './require-scopes.decorator';

interface GuardedRequest {
  headers: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  user?: Principal;
  /** Set by canActivate so handleRequest can name the scopes in a 401 challenge. */
  requiredScopes?: readonly string[];
}

/**
 * Authenticates the bearer token (RFC 6750 §2.1, header only) and checks the scopes the
 * route needs. Failures become OAuth errors carrying their `WWW-Authenticate` challenge; the
 * shared exception filter renders them.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(BEARER_STRATEGY) {
  private readonly logger = new Logger('BearerAuthGuard');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(BearerChallenges) private readonly challenges: BearerChallenges,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const required = this.requiredScopes(context, request);
    request.requiredScopes = required;
    // RFC 9728 bearer_methods_supported is ["header"]: a token in the URI leaks into logs and
    // histories (RFC 6750 §5.3), and one in a body is not offered. Refused, never used.
    if (hasParam(request.query, 'access_token') || hasParam(request.body, 'access_token')) {
      throw this.challenges.invalidRequest('access tokens are accepted only in the Authorization header');
    }
    await super.canActivate(context);
    const principal = request.user as Principal;
    if (required.length > 0 && !satisfiesScopes(principal.scopes, required)) {
      throw this.challenges.insufficientScope(required);
    }
    return true;
  }

  override handleRequest<TUser = Principal>(err: unknown, user: unknown, _info: unknown, context: ExecutionContext, status?: unknown): TUser {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const required = request.requiredScopes ?? [];
    if (err instanceof TokenRejected) {
      if (err.reason === 'keys_unavailable') this.logger.warn(`cannot verify tokens: ${err.detail ?? err.message}`);
      throw this.challenges.invalidToken(err, required);
    }
    if (err) throw err;
    if (user) return user as TUser;
    // passport-http-bearer fails with status 400 for an Authorization header it cannot split
    // into "Bearer <token>".
    if (status === 400 || (Array.isArray(status) && status.includes(400))) {
      throw this.challenges.invalidRequest('malformed Authorization header');
    }
    throw this.challenges.missingToken(required);
  }

  private requiredScopes(context: ExecutionContext, request: GuardedRequest): readonly string[] {
    const targets = [context.getHandler(), context.getClass()];
    const fixed = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets) ?? [];
    const resolver = this.reflector.getAllAndOverride<RequiredScopesResolver | undefined>(REQUIRED_SCOPES_RESOLVER, targets);
    if (!resolver) return fixed;
    const dynamic = resolver(request);
    return dynamic.length === 0 ? fixed : [...new Set([...fixed, ...dynamic])];
  }
}

function hasParam(container: unknown, name: string): boolean {
  return typeof container === 'object' && container !== null && !Array.isArray(container) && Object.hasOwn(container, name);
}
