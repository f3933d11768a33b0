import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenRejected, PassportBearerGuard, REQUIRED_SCOPES, BearerChallenges } from '@portcullis/resource-server';
import type { AccessDenial, BearerGuardedRequest, Principal } from '@portcullis/resource-server';
import { scopeBeyondRoles } from '@portcullis/scopes';
import { ClientTokenCutoffs } from '../../token/client-token-cutoffs';
import { AccessTokenRecords } from '../../token/stores/access-token-records';
import { AuthMetrics } from '../../audit/auth-metrics';
import { UsersService } from '../../users/users.service';
import { ADMIN_BEARER_STRATEGY, ADMIN_CHALLENGES } from './admin-bearer.providers';

/**
 * The admin API's bearer guard: passport-http-bearer through libs/resource-server's strategy
 * (a JWT access token whose `aud` is exactly `${ISSUER_URL}/admin`, RFC 9068 §4, RFC 8707),
 * then the route's scope (admin:read or admin:write), with 401/403 challenges naming the
 * resource metadata (RFC 9728 §5.1). Revocation — by `jti`, or of every token of a disabled or
 * deleted client — is read from this server's own store on every request: a token revoked by
 * any replica is refused at once, no broker needed. So is the person behind it: a token of
 * someone disabled or no longer holding the role its scopes need (a demoted admin) is refused
 * at once too, rather than living out its lifetime (the refresh grant checks the same).
 */
@Injectable()
export class AdminAccessGuard extends PassportBearerGuard(ADMIN_BEARER_STRATEGY) {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ADMIN_CHALLENGES) private readonly challenges: BearerChallenges,
    private readonly revocations: AccessTokenRecords,
    private readonly cutoffs: ClientTokenCutoffs,
    private readonly users: UsersService,
    private readonly metrics: AuthMetrics,
  ) {
    super();
  }

  protected override requiredScopes(context: ExecutionContext): readonly string[] {
    return this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
  }

  protected override challengesFor(): BearerChallenges {
    return this.challenges;
  }

  protected override async authorize(principal: Principal, required: readonly string[], request: BearerGuardedRequest): Promise<void> {
    // Three independent reads, asked together: the token's revocation, its client's cutoff, the person's standing.
    const [revoked, clientCutOff, entitled] = await Promise.all([
      this.revocations.isRevoked(principal.jti),
      this.cutoffs.covers(principal.clientId, principal.issuedAt),
      this.personStillEntitled(principal),
    ]);
    if (revoked || clientCutOff || !entitled) {
      throw this.refusal(this.challenges.invalidToken(new TokenRejected('revoked'), required), 'revoked', required, principal);
    }
    return super.authorize(principal, required, request);
  }

  /**
   * The admin scopes are only ever issued to a local person (never client_credentials or
   * jwt-bearer), so the subject must still be an enabled account holding every role the
   * token's scopes name.
   */
  private async personStillEntitled(principal: Principal): Promise<boolean> {
    const person = await this.users.findById(principal.subject);
    return !!person && !person.disabledAt && scopeBeyondRoles(principal.scopes, person.roles) === undefined;
  }

  /** Refusals are logged by the error filter (status, error, route); counted here by reason. */
  protected override async report(denial: AccessDenial): Promise<void> {
    this.metrics.adminRequestDenied(denial.reason);
  }
}
