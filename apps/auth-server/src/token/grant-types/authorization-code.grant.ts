import { Injectable } from '@nestjs/common';
import { canonicalResource, InvalidGrant, InvalidTarget, OAuthError, parseScope, verifyS256 } from '@portcullis/oauth';
import { ClientEntity } from '../../clients/client.entity';
import { issuesRefreshToken } from '../../scopes/refresh-token-policy';
import { AccessTokenIssuer } from '../access-token.issuer';
import { AuthorizationCodeEntity } from '../authorization-code.entity';
import { Issuance, TokenStore } from '../stores/token-store';
import { tokenIssued } from '../token-events';
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
    private readonly tokens: TokenStore,
    private readonly accessTokens: AccessTokenIssuer,
  ) {}

  async handle(client: ClientEntity, params: AuthorizationCodeRequest): Promise<TokenResponse> {
    const request = { code: params.code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier, resource: params.resource };

    const code = await this.tokens.findCode(request.code);
    if (!code) throw new InvalidGrant('authorization code is invalid');
    const problem = this.problemWith(code, client, request);
    // Tokens are signed only for a code that passed every check and that no one spent yet.
    const prepared = problem || code.consumedAt !== null ? undefined : await this.prepare(client, code);
    // OAuth 2.1 §4.1.3: a code is used once. This presentation spends it whatever follows — a
    // failed check too, so a guessed code_verifier gets one try — and, when every check
    // passed, records what it issues in the same commit.
    const redemption = await this.tokens.redeemCode(code, prepared?.issuance);
    if (redemption.outcome === 'replayed') {
      // RFC 6749 §4.1.2 / OAuth 2.1 §4.1.3: a replayed code may be stolen; revoke what it produced.
      await this.tokens.revokeGrant(code.grantId, { clientId: code.clientId, subject: code.userId, reason: 'code_replay' });
      throw new InvalidGrant('authorization code was already used');
    }
    if (problem) throw problem;
    // Whether the grant is still live was checked under its row lock as the tokens were recorded.
    if (redemption.outcome !== 'issued' || !prepared) throw new InvalidGrant('the authorization was revoked');
    return prepared.response(redemption.refreshToken);
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
      event: tokenIssued({
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
