import type { OwnRefusalReason } from '@portcullis/http';
import { bearerChallenge, InsufficientScope, InvalidToken, OAuthError } from '@portcullis/oauth';
import type { TokenRejected } from './principal';

/**
 * 401 for a request that carried no credentials. RFC 6750 §3.1: "If the request lacks any
 * authentication information …, the resource server SHOULD NOT include an error code" — the
 * client has made no mistake, it has yet to authenticate. So the body, like the challenge,
 * names no `error`; a token that was sent and refused gets `invalid_token` (InvalidToken).
 */
export class AuthenticationRequired extends OAuthError implements OwnRefusalReason {
  /** The request line says what happened: no token was sent (the body names no error). */
  readonly refusalReason = 'missing_token';

  constructor(description: string, headers: Record<string, string>) {
    super('invalid_token', description, 401, headers);
  }

  /** The body without an error code (OAuthError's type names one; this 401 deliberately has none). */
  override toJSON(): ReturnType<OAuthError['toJSON']> {
    return { error_description: this.description } as ReturnType<OAuthError['toJSON']>;
  }
}

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

  /** RFC 6750 §3.1: a request without any credentials gets no error code, in the challenge or the body. */
  missingToken(required: readonly string[]): OAuthError {
    const header = bearerChallenge({ resourceMetadata: this.resourceMetadataUrl, scope: this.challengeScopes(required) });
    return new AuthenticationRequired('an access token is required', { 'WWW-Authenticate': header });
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
