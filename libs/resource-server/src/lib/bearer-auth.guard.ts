import { ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { withRequestId } from '@portcullis/http';
import { ACCESS_DENIAL_LISTENERS, type AccessDenial, type AccessDenialListener } from './access-denial';
import { BearerChallenges } from './bearer-challenges';
import { BEARER_STRATEGY } from './bearer.strategy';
import { type BearerGuardedRequest, PassportBearerGuard } from './passport-bearer.guard';
import { REQUIRED_SCOPES, REQUIRED_SCOPES_RESOLVER, type RequiredScopesResolver } from './require-scopes.decorator';

interface RouteScopes {
  fixed: readonly string[];
  resolver?: RequiredScopesResolver;
}

/**
 * The guard of a resource server with one resource (ResourceServerModule's): authenticates the
 * bearer token through passport and ResourceServerModule's strategy, then checks the scopes the
 * route declares (@RequireScopes, @RequireScopesFor). Each refusal is reported to the injected
 * denial listeners before it is answered.
 */
@Injectable()
export class BearerAuthGuard extends PassportBearerGuard(BEARER_STRATEGY) {
  /** Per controller class, per handler: one handler may be inherited by several controllers. */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteScopes>>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(BearerChallenges) private readonly challenges: BearerChallenges,
    @Optional() @Inject(ACCESS_DENIAL_LISTENERS) private readonly listeners: readonly AccessDenialListener[] = [],
  ) {
    super();
  }

  protected override challengesFor(): BearerChallenges {
    return this.challenges;
  }

  /** Every listener hears of the refusal; none can change or delay it past its own failure. */
  protected override async report(denial: AccessDenial, request: BearerGuardedRequest): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.accessDenied(denial, request as unknown as FastifyRequest);
      } catch (err) {
        this.logger.error(withRequestId(request.id, `a denial listener failed: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
  }

  protected override requiredScopes(context: ExecutionContext, request: BearerGuardedRequest): readonly string[] {
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
