import { Inject, Injectable } from '@nestjs/common';
import { canonicalResource, formatScope, InvalidGrant, InvalidScope, InvalidTarget, parseScope } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { ClientEntity } from '../../clients/client.entity';
import { AccessTokenIssuer } from '../access-token.issuer';
import { TokenStore } from '../stores/token-store';
import { tokenRefreshed } from '../token-events';
import { RefreshTokenRequest, refreshTokenRequestSchema } from '../token-request.schemas';
import { GrantHandler, TokenResponse } from './grant-handler';
import { roleForScope, scopeBeyondRoles } from '@portcullis/scopes';
import { UsersService } from '../../users/users.service';

/**
 * The refresh token grant (OAuth 2.1 §4.3) with rotation (§4.3.1, RFC 9700 §4.14.2): every
 * use returns a new refresh token. The previous one keeps working for REFRESH_GRACE_SECONDS,
 * so a client that refreshed twice at once, or lost the response, survives; a use after that
 * is treated as theft and revokes the whole family. Every failure is `invalid_grant`.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler<RefreshTokenRequest> {
  readonly grantType = 'refresh_token';
  readonly requestSchema = refreshTokenRequestSchema;

  constructor(
    private readonly tokens: TokenStore,
    private readonly accessTokens: AccessTokenIssuer,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersService,
  ) {}

  async handle(client: ClientEntity, params: RefreshTokenRequest): Promise<TokenResponse> {
    const now = Date.now();
    const stored = await this.tokens.findRefreshToken(params.refresh_token);
    // RFC 6749 §6: the token must have been issued to the authenticated client.
    if (!stored || stored.grant.clientId !== client.clientId) throw new InvalidGrant('refresh token is invalid');
    const { token, grant } = stored;
    if (token.revokedAt || grant.revokedAt) throw new InvalidGrant('refresh token was revoked');
    if (token.expiresAt <= now) throw new InvalidGrant('refresh token has expired');
    if (token.rotatedAt !== null && now - token.rotatedAt > this.config.refreshGraceSeconds * 1000) {
      // OAuth 2.1 §4.3.1: a rotated-out token used again may be stolen; the family ends.
      await this.tokens.revokeGrant(grant.id, { clientId: client.clientId, subject: grant.userId, reason: 'refresh_reuse' });
      throw new InvalidGrant('refresh token was already used');
    }

    const granted = parseScope(token.scope) ?? [];
    const requested = parseScope(params.scope);
    if (requested === undefined) throw new InvalidScope('scope is malformed');
    // RFC 6749 §6: the new scope may narrow, never widen, what was granted.
    const extra = requested.filter((s) => !granted.includes(s));
    if (extra.length > 0) throw new InvalidScope(`scope '${extra[0]}' was not granted`);
    const scopes = requested.length > 0 ? requested : granted;
    await this.checkPerson(grant.userId, granted);
    if (params.resource !== undefined && canonicalResource(params.resource) !== grant.resource) {
      throw new InvalidTarget('resource differs from the one authorized');
    }

    const access = await this.accessTokens.issue({ subject: grant.userId, clientId: client.clientId, resource: grant.resource, scopes });
    // Recorded under the grant's row lock: a family revoked meanwhile issues nothing.
    const recorded = await this.tokens.issue({
      grantId: grant.id,
      clientId: client.clientId,
      accessToken: access,
      // The successor keeps the full granted scope, so narrowing one access token loses nothing.
      refreshScope: granted,
      rotates: token,
      event: tokenRefreshed({
        clientId: client.clientId,
        subject: grant.userId,
        resource: grant.resource,
        scopes: parseScope(access.scope) ?? [],
        jti: access.jti,
        expiresAt: access.expiresAt,
        refreshFamilyId: grant.id,
      }),
    });
    if (!recorded?.refreshToken) throw new InvalidGrant('refresh token was revoked');
    const refreshToken = recorded.refreshToken;
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: formatScope(scopes),
      refresh_token: refreshToken,
    };
  }

  /**
   * The person behind the grant, as of now: a disabled account refreshes nothing, and a scope
   * that names a role (admin:read) needs the role still — a demoted admin loses it here, at
   * the next refresh. Subjects who are no local person (jwt-bearer) hold no role scopes.
   */
  private async checkPerson(subject: string, granted: readonly string[]): Promise<void> {
    const user = await this.users.findById(subject);
    if (user?.disabledAt) throw new InvalidGrant('the account was disabled');
    const beyond = scopeBeyondRoles(granted, user?.roles ?? []);
    if (beyond) throw new InvalidScope(`scope '${beyond}' is only for people with the ${roleForScope(beyond)} role`);
  }
}
