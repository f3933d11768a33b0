import { bearerChallenge, InsufficientScope, InvalidToken, OAuthError } from '@portcullis/oauth';
import type { TokenRejected } from './principal';

/**
 * The one place this resource server's `WWW-Authenticate` challenges are made (RFC 6750 §3,
 * RFC 9728 §5.1). Every challenge names the resource metadata; 401 and 403 name the scopes the
 * operation needs, so a client knows what to ask the authorization server for.
 */
export class BearerChallenges {
  constructor(
    private readonly resourceMetadataUrl: string,
    private readonly baselineScopes: readonly string[] = [],
  ) {}

  /** RFC 6750 §3.1: a request without any credentials gets no `error` attribute. */
  missingToken(required: readonly string[]): OAuthError {
    const header = bearerChallenge({ resourceMetadata: this.resourceMetadataUrl, scope: this.challengeScopes(required) });
    return new OAuthError('invalid_token', 'an access token is required', 401, { 'WWW-Authenticate': header });
  }

  invalidToken(rejection: TokenRejected, required: readonly string[]): OAuthError {
    const header = bearerChallenge({
      resourceMetadata: this.resourceMetadataUrl,
      scope: this.challengeScopes(required),
      error: 'invalid_token',
      errorDescription: rejection.message,
    });
    return new InvalidToken(rejection.message, { 'WWW-Authenticate': header });
  }

  /** RFC 6750 §3.1 `invalid_request`: a malformed Authorization header, or a token sent elsewhere. */
  invalidRequest(description: string): OAuthError {
    const header = bearerChallenge({ resourceMetadata: this.resourceMetadataUrl, error: 'invalid_request', errorDescription: description });
    return new OAuthError('invalid_request', description, 400, { 'WWW-Authenticate': header });
  }

  /** RFC 6750 §3.1 and MCP "Scope Challenge Handling": every scope the operation needs, at once. */
  insufficientScope(required: readonly string[]): OAuthError {
    const description = `this operation needs the scope ${required.join(' ')}`;
    const header = bearerChallenge({
      resourceMetadata: this.resourceMetadataUrl,
      scope: [...required],
      error: 'insufficient_scope',
      errorDescription: description,
    });
    return new InsufficientScope(description, { 'WWW-Authenticate': header });
  }

  private challengeScopes(required: readonly string[]): string[] {
    return [...(required.length > 0 ? required : this.baselineScopes)];
  }
}
