import { type ExecutionContext, Logger } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { OAuthError } from '@portcullis/oauth';
import { expandScopes } from '@portcullis/scopes';
import { withRequestId } from '@portcullis/http';
import type { AccessDenial } from './access-denial';
import type { BearerChallenges } from './bearer-challenges';
import { BearerRequestRejected } from './bearer.strategy';
import { type Principal, TokenRejected } from './principal';

export interface BearerGuardedRequest {
  /** The request id (libs/http), named on the guard's own log lines: a service may not keep it in a request context. */
  id?: string;
  headers: Record<string, unknown>;
  user?: Principal;
  /** Set before passport runs, so its callback can name the scopes in a 401 challenge. */
  requiredScopes?: readonly string[];
}

/** A refusal on its way out of passport: the answer owed, and what the guard reports. */
class Refusal<PolicyReason extends string> {
  constructor(
    readonly error: OAuthError,
    readonly denial: AccessDenial<PolicyReason>,
  ) {}
}

/**
 * The bearer guard of a resource server whose BearerStrategy passport knows as `strategy`.
 * @nestjs/passport's AuthGuard runs that strategy through passport on every request (RFC 6750
 * §2.1, header only: the strategy refuses any other way); then the guard checks the scopes the
 * request needs. Each refusal becomes an OAuth error carrying its `WWW-Authenticate` challenge
 * (the shared exception filter renders it), reported before it is answered.
 *
 * A subclass says which scopes a request needs, which challenges name its resource and whom
 * refusals are reported to; `authorize` may refuse more once the caller is known.
 * `PolicyReason` names such refusals of its own.
 */
export function PassportBearerGuard(strategy: string) {
  abstract class Guard<PolicyReason extends string = never> extends AuthGuard(strategy) {
    /** Named after the guard class, so its lines say whose they are. */
    protected readonly logger = new Logger(this.constructor.name);
    /**
     * A token's scopes with their implications. The verifier hands every token with the same
     * `scope` claim one shared list, so this is worked out once per list, not per token.
     */
    private readonly granted = new WeakMap<readonly string[], ReadonlySet<string>>();

    /** What the request needs; known before authentication, as a 401 challenge names it (RFC 6750 §3). */
    protected abstract requiredScopes(context: ExecutionContext, request: BearerGuardedRequest): readonly string[];
    /** The challenges naming the resource the request addresses (RFC 9728 §5.1). */
    protected abstract challengesFor(request: BearerGuardedRequest): BearerChallenges;
    /** Told of each refusal before it is answered; must not throw. */
    protected abstract report(denial: AccessDenial<PolicyReason>, request: BearerGuardedRequest): Promise<void>;

    override async canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest<BearerGuardedRequest>();
      const required = this.requiredScopes(context, request);
      request.requiredScopes = required;
      try {
        await super.canActivate(context);
        // The scope check is synchronous unless a subclass looks further: awaiting its
        // `undefined` would still wrap it in a promise and cost a turn of the microtask queue
        // (and, with AsyncLocalStorage on Node 20, promise hooks) on every request.
        const authorized = this.authorize(request.user as Principal, required, request);
        if (authorized) await authorized;
        return true;
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        await this.report(err.denial as AccessDenial<PolicyReason>, request);
        throw err.error;
      }
    }

    /**
     * Once the caller is authenticated: the scopes, with their implications. Throws a refusal.
     * A subclass may look further (asynchronously, e.g. a revocation store it owns).
     */
    protected authorize(principal: Principal, required: readonly string[], request: BearerGuardedRequest): void | Promise<void> {
      if (required.length === 0 || this.satisfies(principal, required)) return;
      throw this.refusal(this.challengesFor(request).insufficientScope(required), 'insufficient_scope', required, principal);
    }

    /** Maps what the strategy reported to the precise refusal; called by passport's callback. */
    override handleRequest<TUser = Principal>(err: unknown, user: unknown, _info: unknown, context: ExecutionContext): TUser {
      if (user && !err) return user as TUser;
      const request = context.switchToHttp().getRequest<BearerGuardedRequest>();
      const required = request.requiredScopes ?? [];
      const challenges = this.challengesFor(request);
      if (err instanceof TokenRejected) {
        if (err.reason === 'keys_unavailable') this.logger.warn(withRequestId(request.id, `cannot verify tokens: ${err.detail ?? err.message}`));
        throw this.refusal(challenges.invalidToken(err, required), err.reason, required, err.principal);
      }
      if (err instanceof BearerRequestRejected) throw this.refusal(challenges.invalidRequest(err.description), 'invalid_request', required);
      if (err) throw err;
      // The strategy failed without an error only when the request carried no bearer token.
      throw this.refusal(challenges.missingToken(required), 'missing_token', required);
    }

    /** A refusal for canActivate to report and answer; thrown from `authorize` or passport's callback. */
    protected refusal(
      error: OAuthError,
      reason: AccessDenial<PolicyReason>['reason'],
      requiredScopes: readonly string[],
      principal?: Principal,
    ): Refusal<PolicyReason> {
      const status = error.status as AccessDenial['status'];
      return new Refusal(error, { status, reason, description: error.description, requiredScopes, ...(principal ? { principal } : {}) });
    }

    private satisfies(principal: Principal, required: readonly string[]): boolean {
      let have = this.granted.get(principal.scopes);
      if (!have) this.granted.set(principal.scopes, (have = expandScopes(principal.scopes)));
      return required.every((scope) => have.has(scope));
    }
  }
  return Guard;
}

