import { OAuthErrorCode } from '@portcullis/oauth';

/**
 * An authorization error reported to the client at its (validated) redirect URI, with
 * `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207 §2).
 */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(description);
  }
}
