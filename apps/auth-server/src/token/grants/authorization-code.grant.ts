import { Injectable } from '@nestjs/common';
import { canonicalResource, InvalidGrant, InvalidTarget, OAuthError, parseScope, verifyS256 } from '@portcullis/oauth';
import { ClientEntity } from '../../clients/client.entity';
import { issuesRefreshToken } from '../../scopes/refresh-token-policy';
import { AccessTokenIssuer } from '../access-token.issuer';
import { AuthorizationCodeEntity } from '../authorization-code.entity';
import { GrantsService, Issuance } from '../grants.service';
import { TokenEventsPublisher } from '../token-events.publisher';
import { AuthorizationCodeRequest, authorizationCodeRequestSchema } from '../token-request.schemas';
import { GrantHandler, TokenResponse } from './grant-handler';

/**
 * The authorization code grant (OAuth 2.1 §4.1.3): the code is single use, bound to the
 * client, the redirect URI and the PKCE challenge, and carries the resource from the
 * authorization request.
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler<AuthorizationCodeRequest> {
  readonly grantType = 'authorization_code';
  readonly requestSchema = authorizationCodeRequestSchema;

  constructor(
    private readonly grants: GrantsService,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly events: TokenEventsPublisher,
  ) {}

  async handle(client: ClientEntity, params: AuthorizationCodeRequest): Promise<TokenResponse> {
    const request = { code: params.code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier, resource: params.resource };

    // Fast path: a code this process issued, every check passed on its row, is consumed and
    // its tokens recorded by one statement. Anything else takes the general path below, which
    // consumes the code first and then says precisely what is wrong.
    const recent = this.grants.takeRecentCode(request.code);
    if (recent && !this.problemWith(recent, client, request)) {
      const prepared = await this.prepare(client, recent);
      const result = await this.grants.exchangeCode(recent, prepared.issuance);
      if (result.live) return prepared.response(result.refreshToken);
      if (result.consumed) throw new InvalidGrant('the authorization was revoked');
    }

    const consumed = await this.grants.consumeCode(request.code);
    if (!consumed) throw new InvalidGrant('authorization code is invalid');
    const { row, firstUse } = consumed;
    if (!firstUse) {
      // RFC 6749 §4.1.2 / OAuth 2.1 §4.1.3: a replayed code may be stolen; revoke what it produced.
      await this.grants.revokeFamily(row.grantId, this.events.familyRevoked(row.clientId, row.userId, 'code_replay'));
      throw new InvalidGrant('authorization code was already used');
    }
    const problem = this.problemWith(row, client, request);
    if (problem) throw problem;
    // Whether the grant is still live is checked under its row lock when the token is recorded.
    const prepared = await this.prepare(client, row);
    const recorded = await this.grants.recordIssuance(prepared.issuance);
    if (!recorded) throw new InvalidGrant('the authorization was revoked');
    return prepared.response(recorded.refreshToken);
  }

  /** What is wrong with exchanging this (unused) code in this request, if anything. */
  private problemWith(row: AuthorizationCodeEntity, client: ClientEntity, request: ExchangeRequest): OAuthError | undefined {
    if (row.clientId !== client.clientId) return new InvalidGrant('authorization code was issued to another client');
    if (row.expiresAt <= Date.now()) return new InvalidGrant('authorization code has expired');
    // RFC 6749 §4.1.3: required and identical when the authorization request included it.
    if (row.redirectUriGiven && request.redirectUri !== row.redirectUri) {
      return new InvalidGrant('redirect_uri does not match the authorization request');
    }
    if (!verifyS256(request.codeVerifier, row.codeChallenge)) return new InvalidGrant('PKCE verification failed');
    if (request.resource !== undefined && canonicalResource(request.resource) !== row.resource) {
      return new InvalidTarget('resource differs from the one authorized');
    }
    return undefined;
  }

  /** Signs the access token and describes what is to be recorded with it. */
  private async prepare(client: ClientEntity, row: AuthorizationCodeEntity) {
    const scopes = parseScope(row.scope) ?? [];
    const access = await this.accessTokens.issue({ subject: row.userId, clientId: client.clientId, resource: row.resource, scopes });
    // The rule the consent page told the person (refresh-token-policy.ts).
    const wantsRefresh = issuesRefreshToken(client);
    const issuance: Issuance = {
      grantId: row.grantId,
      clientId: client.clientId,
      accessToken: access,
      refreshScope: wantsRefresh ? scopes : undefined,
      event: this.events.tokenIssued({
        grantType: this.grantType,
        clientId: client.clientId,
        subject: row.userId,
        resource: row.resource,
        scopes: parseScope(access.scope) ?? [],
        jti: access.jti,
        expiresAt: access.expiresAt,
        refreshFamilyId: wantsRefresh ? row.grantId : undefined,
      }),
    };
    const response = (refreshToken: string | undefined): TokenResponse => ({
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: row.scope,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    });
    return { issuance, response };
  }
}

interface ExchangeRequest {
  code: string;
  redirectUri: string | undefined;
  codeVerifier: string;
  resource: string | undefined;
}
