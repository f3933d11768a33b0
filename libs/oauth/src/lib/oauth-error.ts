/**
 * One error hierarchy named after the registered OAuth error codes. Code throws these; one
 * filter (libs/http) renders them: as the JSON body of RFC 6749 §5.2 at the token,
 * registration, revocation and introspection endpoints, and as a `WWW-Authenticate`
 * challenge (RFC 6750 §3) at resource servers.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'server_error'
  | 'temporarily_unavailable';

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    /** Extra response headers, e.g. `WWW-Authenticate` for 401/403. */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = new.target.name;
  }

  /** RFC 6749 §5.2 error response body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description);
  }
}

/**
 * RFC 6749 §5.2: 401 when the client tried to authenticate via the Authorization header,
 * with a challenge for the scheme it used.
 */
export class InvalidClient extends OAuthError {
  constructor(description = 'client authentication failed', usedBasic = false) {
    super('invalid_client', description, 401, usedBasic ? { 'WWW-Authenticate': 'Basic realm="portcullis"' } : {});
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super('unauthorized_client', description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', description);
  }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) {
    super('unsupported_response_type', description);
  }
}

export class UnsupportedTokenType extends OAuthError {
  constructor(description: string) {
    super('unsupported_token_type', description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', description);
  }
}

/** RFC 8707 §2: the requested resource is unknown or not allowed. */
export class InvalidTarget extends OAuthError {
  constructor(description: string) {
    super('invalid_target', description);
  }
}

/** RFC 7591 §3.2.2 */
export class InvalidClientMetadata extends OAuthError {
  constructor(description: string) {
    super('invalid_client_metadata', description);
  }
}

/** RFC 7591 §3.2.2 */
export class InvalidRedirectUri extends OAuthError {
  constructor(description: string) {
    super('invalid_redirect_uri', description);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) {
    super('access_denied', description, 403);
  }
}

/** RFC 6750 §3.1: 401 at a resource server. The challenge header is added by the caller. */
export class InvalidToken extends OAuthError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super('invalid_token', description, 401, headers);
  }
}

/** RFC 6750 §3.1: 403 at a resource server. */
export class InsufficientScope extends OAuthError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super('insufficient_scope', description, 403, headers);
  }
}

export class ServerError extends OAuthError {
  constructor(description = 'the server could not complete the request') {
    super('server_error', description, 500);
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string) {
    super('temporarily_unavailable', description, 503);
  }
}
