import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { OAuthError } from '@portcullis/oauth';
import { satisfiesScopes } from '@portcullis/scopes';
import { AccessTokenVerifier } from './access-token-verifier';
import { BearerChallenges } from './bearer-challenges';
import { BEARER_STRATEGY } from './bearer.strategy';
import { type Principal, type TokenFailureReason, TokenRejected } from './principal';
import { REQUIRED_SCOPES, REQUIRED_SCOPES_RESOLVER, type RequiredScopesResolver } from './require-scopes.decorator';

interface GuardedRequest {
  headers: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  user?: Principal;
  /** Set by canActivate so handleRequest can name the scopes in a 401 challenge. */
  requiredScopes?: readonly string[];
  accessDenial?: AccessDenial;
}

/**
 * Why the guard refused a request, left on the request for the app (an audit event, a metric).
 * Never holds the token: the principal is there only when the token was verified (a 403, or
 * a 401 for a genuine token that was revoked or has expired).
 */
export interface AccessDenial {
  status: 400 | 401 | 403;
  reason: 'missing_token' | 'invalid_request' | 'insufficient_scope' | TokenFailureReason;
  description: string;
  requiredScopes: readonly string[];
  principal?: Principal;
}

/** The refusal the bearer guard recorded on this request, if it refused it. */
export function accessDenialOf(request: unknown): AccessDenial | undefined {
  return (request as GuardedRequest | undefined)?.accessDenial;
}

interface RouteScopes {
  fixed: readonly string[];
  resolver?: RequiredScopesResolver;
}

/**
 * Authenticates the bearer token (RFC 6750 §2.1, header only) and checks the scopes the
 * route needs. Failures become OAuth errors carrying their `WWW-Authenticate` challenge; the
 * shared exception filter renders them.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(BEARER_STRATEGY) {
  private readonly logger = new Logger('BearerAuthGuard');
  /** Per controller class, per handler: one handler may be inherited by several controllers. */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteScopes>>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(BearerChallenges) private readonly challenges: BearerChallenges,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
  ) {
    super();
  }

  /**
   * Synchronous on the fast path (a cached token), so a request pays for no extra promise
   * round; the full passport path is async.
   */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const required = this.requiredScopes(context, request);
    request.requiredScopes = required;
    // RFC 9728 bearer_methods_supported is ["header"]: a token in the URI leaks into logs and
    // histories (RFC 6750 §5.3), and one in a body is not offered. Refused, never used.
    if (hasParam(request.query, 'access_token') || hasParam(request.body, 'access_token')) {
      throw this.deny(request, 'invalid_request', this.challenges.invalidRequest('access tokens are accepted only in the Authorization header'));
    }
    // Fast path: a token this process has verified before, still unexpired and not revoked, is
    // served from the verified-token cache without a passport round. Everything else (first
    // sight, expired, revoked, malformed, missing) goes through passport-http-bearer and the
    // strategy, which verify in full and produce the precise challenge.
    const cached = this.alreadyVerified(request.headers['authorization']);
    if (cached) return this.authorize(request, cached, required);
    return this.authenticate(context, request).then((principal) => this.authorize(request, principal, required));
  }

  private authorize(request: GuardedRequest, principal: Principal, required: readonly string[]): true {
    request.user = principal;
    if (required.length > 0 && !satisfiesScopes(principal.scopes, required)) {
      throw this.deny(request, 'insufficient_scope', this.challenges.insufficientScope(required), principal);
    }
    return true;
  }

  private deny(request: GuardedRequest, reason: AccessDenial['reason'], error: OAuthError, principal?: Principal): OAuthError {
    request.accessDenial = {
      status: error.status as AccessDenial['status'],
      reason,
      description: error.description,
      requiredScopes: request.requiredScopes ?? [],
      ...(principal ? { principal } : {}),
    };
    return error;
  }

  private alreadyVerified(header: unknown): Principal | undefined {
    if (typeof header !== 'string') return undefined;
    // Exactly what passport-http-bearer accepts: "Bearer <token>", one space, no other parts.
    const match = BEARER_HEADER.exec(header);
    return match ? this.verifier.peek(match[1]) : undefined;
  }

  private async authenticate(context: ExecutionContext, request: GuardedRequest): Promise<Principal> {
    await super.canActivate(context);
    return request.user as Principal;
  }

  override handleRequest<TUser = Principal>(err: unknown, user: unknown, _info: unknown, context: ExecutionContext, status?: unknown): TUser {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const required = request.requiredScopes ?? [];
    if (err instanceof TokenRejected) {
      if (err.reason === 'keys_unavailable') this.logger.warn(`cannot verify tokens: ${err.detail ?? err.message}`);
      throw this.deny(request, err.reason, this.challenges.invalidToken(err, required), err.principal);
    }
    if (err) throw err;
    if (user) return user as TUser;
    // passport-http-bearer fails with status 400 for an Authorization header it cannot split
    // into "Bearer <token>".
    if (status === 400 || (Array.isArray(status) && status.includes(400))) {
      throw this.deny(request, 'invalid_request', this.challenges.invalidRequest('malformed Authorization header'));
    }
    throw this.deny(request, 'missing_token', this.challenges.missingToken(required));
  }

  private requiredScopes(context: ExecutionContext, request: GuardedRequest): readonly string[] {
    const { fixed, resolver } = this.routeScopes(context);
    if (!resolver) return fixed;
    const dynamic = resolver(request);
    return dynamic.length === 0 ? fixed : [...new Set([...fixed, ...dynamic])];
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

const BEARER_HEADER = /^Bearer ([^ ]+)$/i;

function hasParam(container: unknown, name: string): boolean {
  return typeof container === 'object' && container !== null && !Array.isArray(container) && Object.hasOwn(container, name);
}
