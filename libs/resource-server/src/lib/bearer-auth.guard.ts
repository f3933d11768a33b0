import { ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { OAuthError } from '@portcullis/oauth';
import { expandScopes } from '@portcullis/scopes';
import { ACCESS_DENIAL_LISTENERS, type AccessDenial, type AccessDenialListener } from './access-denial';
import { BearerChallenges } from './bearer-challenges';
import { BEARER_STRATEGY, BearerRequestRejected } from './bearer.strategy';
import { type Principal, TokenRejected } from './principal';
import { REQUIRED_SCOPES, REQUIRED_SCOPES_RESOLVER, type RequiredScopesResolver } from './require-scopes.decorator';

interface GuardedRequest {
  headers: Record<string, unknown>;
  user?: Principal;
  /** Set by canActivate so handleRequest can name the scopes in a 401 challenge. */
  requiredScopes?: readonly string[];
}

interface RouteScopes {
  fixed: readonly string[];
  resolver?: RequiredScopesResolver;
}

/** A refusal on its way out of passport: the answer owed, and what the listeners are told. */
class Refusal {
  constructor(
    readonly error: OAuthError,
    readonly denial: AccessDenial,
  ) {}
}

/**
 * Authenticates the bearer token (RFC 6750 §2.1, header only) through passport and the bearer
 * strategy, then checks the scopes the route needs. Failures become OAuth errors carrying their
 * `WWW-Authenticate` challenge (the shared exception filter renders them); each is reported to
 * the injected denial listeners before it is answered.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(BEARER_STRATEGY) {
  private readonly logger = new Logger('BearerAuthGuard');
  /**
   * A token's scopes with their implications. The verifier hands every token with the same
   * `scope` claim one shared list, so this is worked out once per list, not per token.
   */
  private readonly granted = new WeakMap<readonly string[], ReadonlySet<string>>();
  /** Per controller class, per handler: one handler may be inherited by several controllers. */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteScopes>>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(BearerChallenges) private readonly challenges: BearerChallenges,
    @Optional() @Inject(ACCESS_DENIAL_LISTENERS) private readonly listeners: readonly AccessDenialListener[] = [],
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const required = this.requiredScopes(context, request);
    request.requiredScopes = required;
    try {
      await super.canActivate(context);
      const principal = request.user as Principal;
      if (required.length > 0 && !this.satisfies(principal, required)) {
        throw this.refusal(this.challenges.insufficientScope(required), 'insufficient_scope', required, principal);
      }
      return true;
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      await this.report(err.denial, request);
      throw err.error;
    }
  }

  private satisfies(principal: Principal, required: readonly string[]): boolean {
    let have = this.granted.get(principal.scopes);
    if (!have) this.granted.set(principal.scopes, (have = expandScopes(principal.scopes)));
    return required.every((scope) => have.has(scope));
  }

  /** Maps what the strategy reported to the precise refusal; called by passport's callback. */
  override handleRequest<TUser = Principal>(err: unknown, user: unknown, _info: unknown, context: ExecutionContext): TUser {
    if (user && !err) return user as TUser;
    const required = context.switchToHttp().getRequest<GuardedRequest>().requiredScopes ?? [];
    if (err instanceof TokenRejected) {
      if (err.reason === 'keys_unavailable') this.logger.warn(`cannot verify tokens: ${err.detail ?? err.message}`);
      throw this.refusal(this.challenges.invalidToken(err, required), err.reason, required, err.principal);
    }
    if (err instanceof BearerRequestRejected) throw this.refusal(this.challenges.invalidRequest(err.description), 'invalid_request', required);
    if (err) throw err;
    // The strategy failed without an error only when the request carried no bearer token.
    throw this.refusal(this.challenges.missingToken(required), 'missing_token', required);
  }

  private refusal(error: OAuthError, reason: AccessDenial['reason'], requiredScopes: readonly string[], principal?: Principal): Refusal {
    const status = error.status as AccessDenial['status'];
    return new Refusal(error, { status, reason, description: error.description, requiredScopes, ...(principal ? { principal } : {}) });
  }

  /** Every listener hears of the refusal; none can change or delay it past its own failure. */
  private async report(denial: AccessDenial, request: GuardedRequest): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.accessDenied(denial, request as unknown as FastifyRequest);
      } catch (err) {
        this.logger.error(`a denial listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private requiredScopes(context: ExecutionContext, request: GuardedRequest): readonly string[] {
    const { fixed, resolver } = this.routeScopes(context);
    if (!resolver) return fixed;
    const dynamic = resolver(request);
    // The common cases without building a merged list on every request.
    if (dynamic.length === 0) return fixed;
    if (fixed.length === 0) return dynamic;
    return [...new Set([...fixed, ...dynamic])];
  }

  /** A route's scope metadata never changes, so it is read once per handler, not per request. */
  private routeScopes(context: ExecutionContext): RouteScopes {
    const handler = context.getHandler();
    const controller = context.getClass();
    let routes = this.routes.get(controller);
    if (!routes) this.routes.set(controller, (routes = new WeakMap()));
    let route = routes.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        fixed: this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets) ?? [],
        resolver: this.reflector.getAllAndOverride<RequiredScopesResolver | undefined>(REQUIRED_SCOPES_RESOLVER, targets),
      };
      routes.set(handler, route);
    }
    return route;
  }
}
