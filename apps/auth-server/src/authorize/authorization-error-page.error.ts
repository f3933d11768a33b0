/**
 * An authorization request so broken that the client cannot be told by redirect: unknown
 * client, or a redirect URI that is missing, malformed or not registered (RFC 6749 §4.1.2.1,
 * RFC 9700 §4.11). The person sees an error page; nothing is redirected.
 */
export class AuthorizationPageError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
    readonly status = 400,
  ) {
    super(detail);
  }
}
